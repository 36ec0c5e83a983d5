//! A contact's extra channels: the second phones and emails a row carries —
//! from the other phone and email columns of a known layout (or of any file
//! with several), and from `channel:phone` / `channel:email` columns — added
//! to the contact after its write.
//!
//! Takes a batch's rows before the write ([`ChannelPlan::of`], each row's
//! other phones and emails: [`RowChannels`]) and their
//! outcomes after it ([`ChannelPlan::add`]); gives the outcomes with every
//! written row's channels added. For each such contact it lists the channels
//! it has (`GET /v2/contact/{uuid}/channels`, one request) and adds each one
//! it lacks (`POST /v2/contact/{uuid}/channel`, one request each), so a file
//! imported twice adds each channel once. A channel is part of its row's
//! outcome: one the API refuses fails the row as `channel_failed` (the
//! contact itself was written; the message says so), and a run that stops
//! leaves the rows whose channels were not added as `not_sent`. Importing
//! the error report again is safe either way.

use std::collections::HashMap;

use super::ChannelKind;
use crate::api::{ApiError, Client};
use crate::outcome::{Action, ErrorCode, RowError, RowOutcome, RowResult};

/// A row's other phones and emails (a contact draft's secondary ones), and
/// its cells for the error report.
pub struct RowChannels<'a> {
    pub row: u64,
    pub phones: &'a [String],
    pub emails: &'a [String],
    pub cells: &'a [String],
}

/// What one row wants added, and its cells for the error report.
struct Wanted {
    channels: Vec<(ChannelKind, String)>,
    cells: Vec<String>,
}

/// The extra channels of a batch's rows, taken before the batch is sent.
#[derive(Default)]
pub struct ChannelPlan {
    rows: HashMap<u64, Wanted>,
}

impl ChannelPlan {
    /// The rows of `batch` that carry extra phones or emails.
    pub fn of<'a>(batch: impl IntoIterator<Item = RowChannels<'a>>) -> ChannelPlan {
        let rows = batch
            .into_iter()
            .filter_map(|r| {
                let phones = r.phones.iter().map(|v| (ChannelKind::Phone, v));
                let emails = r.emails.iter().map(|v| (ChannelKind::Email, v));
                let channels: Vec<(ChannelKind, String)> =
                    phones.chain(emails).map(|(k, v)| (k, v.clone())).collect();
                (!channels.is_empty()).then(|| {
                    let cells = r.cells.to_vec();
                    (r.row, Wanted { channels, cells })
                })
            })
            .collect();
        ChannelPlan { rows }
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Add the channels of every row written (created, updated or
    /// unchanged). `stopped` says why the run stopped, if it did: then
    /// nothing more is sent. Gives the outcomes, and the fatal error of a
    /// channel call that stops the run.
    pub fn add(
        mut self,
        client: &Client,
        outcomes: Vec<RowOutcome>,
        stopped: Option<&str>,
    ) -> (Vec<RowOutcome>, Option<ApiError>) {
        if self.is_empty() {
            return (outcomes, None);
        }
        let mut fatal = stopped.map(str::to_string);
        let mut new_fatal = None;
        let mut out = Vec::with_capacity(outcomes.len());
        for outcome in outcomes {
            let RowResult::Done {
                action, ref uuid, ..
            } = outcome.result
            else {
                out.push(outcome);
                continue;
            };
            let written = matches!(
                action,
                Action::Created | Action::Updated | Action::Unchanged
            );
            let Some(wanted) = self.rows.remove(&outcome.row).filter(|_| written) else {
                out.push(outcome);
                continue;
            };
            let failure = match (&fatal, uuid) {
                (Some(e), _) => Some(RowError::new(
                    ErrorCode::NotSent,
                    format!(
                        "the contact was {} but its other phones and emails were not added: \
                         the run stopped ({e}); import this error report again once that is fixed",
                        action.as_str()
                    ),
                )),
                (None, None) => Some(RowError::new(
                    ErrorCode::ChannelFailed,
                    format!(
                        "the contact was {} but the API gave no uuid for it, so its other \
                         phones and emails could not be added; import this error report again",
                        action.as_str()
                    ),
                )),
                (None, Some(uuid)) => match add_missing(client, uuid, &wanted.channels) {
                    Ok(()) => None,
                    Err(Failure::Row(message)) => Some(RowError::new(
                        ErrorCode::ChannelFailed,
                        format!(
                            "the contact was {} (uuid {uuid}), but {message}",
                            action.as_str()
                        ),
                    )),
                    Err(Failure::Fatal(e)) => {
                        let error = RowError::new(
                            ErrorCode::NotSent,
                            format!(
                                "the contact was {} (uuid {uuid}) but its other phones and \
                                 emails were not all added: the run stopped ({e}); import this \
                                 error report again once that is fixed",
                                action.as_str()
                            ),
                        );
                        fatal = Some(e.to_string());
                        new_fatal = Some(e);
                        Some(error)
                    }
                },
            };
            out.push(match failure {
                None => outcome,
                Some(error) => RowOutcome {
                    row: outcome.row,
                    phone_raw: outcome.phone_raw,
                    result: RowResult::Failed {
                        error,
                        cells: wanted.cells,
                    },
                },
            });
        }
        (out, new_fatal)
    }
}

enum Failure {
    /// This row's channel failed; the message says which and why.
    Row(String),
    /// The run must stop.
    Fatal(ApiError),
}

/// List the contact's channels and add each wanted one it lacks.
fn add_missing(
    client: &Client,
    uuid: &str,
    wanted: &[(ChannelKind, String)],
) -> Result<(), Failure> {
    let row_failure = |what: String, e: ApiError| {
        if e.is_fatal() {
            Failure::Fatal(e)
        } else {
            Failure::Row(format!("{what}: {e}; import this error report again"))
        }
    };
    let mut have = client.channels(uuid).map_err(|e| {
        row_failure(
            "its channels could not be listed to add its other phones and emails".into(),
            e,
        )
    })?;
    for (kind, value) in wanted {
        if have.iter().any(|c| kind.matches(c, value)) {
            continue;
        }
        match client.add_channel(uuid, kind.as_str(), value) {
            Ok(now) => have = now,
            Err(e @ ApiError::Rejected { .. }) => {
                return Err(Failure::Row(format!(
                    "the API refused to add the {kind} \"{value}\" to it as another channel \
                     ({e}); fix or clear that value and import this error report again"
                )));
            }
            Err(e) => {
                return Err(row_failure(
                    format!("adding the {kind} \"{value}\" as another channel may not have worked"),
                    e,
                ));
            }
        }
    }
    Ok(())
}
