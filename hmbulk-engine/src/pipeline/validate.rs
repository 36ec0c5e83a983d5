//! The validating side of the pipeline (see [`super`]): a validator per
//! core takes whole chunks of records, validates each row, renders the
//! lines it can (an invalid row's error line; in a dry run a valid row's
//! results line; resuming, the line of a row the stopped run decided) and
//! readies the rest to send. The decider, one
//! thread, only copies the lines.

use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender as Queue};

use super::{OnDuplicate, lock};
use crate::batch::Pending;
use crate::contact::Draft;
use crate::contact::Validator;
use crate::dedupe::Key;
use crate::dedupe::held::{self, HeldColumns};
use crate::error::Error;
use crate::input::Chunk;
use crate::journal::{Resume, RowState};
use crate::outcome::{Action, ErrorCode};
use crate::phone::{Region, country_code_of};
use crate::report::{Decided, Lines, ResultLine};

/// A chunk of records and their validation, on its way round.
#[derive(Default)]
pub(super) struct Work {
    pub(super) seq: u64,
    pub(super) chunk: Chunk,
    /// Per record, in order.
    pub(super) checked: Vec<Checked>,
    /// The lines the validator rendered: an invalid row's error line, in a
    /// dry run a valid row's results line, and resuming the line of a row
    /// the stopped run decided.
    pub(super) lines: Decided,
    /// Import: the valid rows to send, in order.
    pub(super) pending: Vec<Pending>,
    /// The read failed here: every earlier chunk is whole.
    pub(super) error: Option<Error>,
}

/// What a validator found in one row.
pub(super) struct Checked {
    /// The row's line in [`Work::lines`], when it has one.
    pub(super) line: Option<usize>,
    pub(super) valid: Option<Valid>,
    /// The row is the next of [`Work::pending`].
    pub(super) send: bool,
    /// A duplicate its error report held ([`held`]), counted with the others.
    pub(super) held: bool,
    /// A row refused for its phone whose phone is a valid national number
    /// of the file's region ([`Validator::valid_in_file_region`]).
    pub(super) elsewhere: Option<Region>,
}

impl Checked {
    /// A row decided here, with no more to do (invalid, decided by the
    /// stopped run, or `held`).
    fn decided(line: Option<usize>, held: bool) -> Checked {
        Checked {
            line,
            valid: None,
            send: false,
            held,
            elsewhere: None,
        }
    }
}

/// What the decider needs of a valid row.
pub(super) struct Valid {
    pub(super) key: Key,
    pub(super) national_in: Option<Region>,
    /// The country code the number was written with ([`country_code_of`]).
    pub(super) country_code: Option<u16>,
    pub(super) phone_column: usize,
    pub(super) email_column: Option<usize>,
    pub(super) country_region: Option<String>,
    pub(super) unchecked_names: bool,
    /// Name and email, for the results line of a duplicate skipped
    /// (`--on-duplicate skip` only).
    pub(super) who: Option<(String, String)>,
}

/// What the validators share.
pub(super) struct Check<'a> {
    pub(super) validator: &'a Validator,
    pub(super) lines: &'a Lines,
    pub(super) dry_run: bool,
    /// The stopped run being resumed (an import only).
    pub(super) resume: Option<&'a Resume>,
    /// Valid rows keep their name and email for a duplicate's results line.
    pub(super) keep_who: bool,
    /// An error report fed back in: where its rows say why they are there
    /// (a duplicate left as it was stays one, [`held`]).
    pub(super) held: Option<HeldColumns>,
    pub(super) on_duplicate: OnDuplicate,
}

/// A validator: validates whole chunks and renders the lines it can (the
/// decider, one thread, only copies them).
pub(super) fn validate_chunks(check: &Check, work: &Mutex<Receiver<Work>>, done: Queue<Work>) {
    loop {
        let next = lock(work).recv();
        let Ok(mut w) = next else { return };
        if w.error.is_none() {
            check.chunk(&mut w);
        }
        if done.send(w).is_err() {
            return;
        }
    }
}

impl Check<'_> {
    /// The line of a row an error report fed back in holds as a duplicate
    /// of row `first` (of the file it came from), unchanged since: reported
    /// again — `skipped` under `--on-duplicate skip` — and not written, so
    /// that it cannot overwrite what that row imported.
    fn held_duplicate(
        &self,
        out: &mut Decided,
        d: &Draft,
        cells: &[&str],
        first: u64,
        check: &str,
    ) {
        let row = d.row;
        match self.on_duplicate {
            OnDuplicate::Skip => {
                let (name, email) = d.who();
                let line = ResultLine {
                    phone_raw: &d.phone_raw,
                    phone: &d.phone,
                    name: &name,
                    email: &email,
                    action: Action::Skipped,
                    id: None,
                    uuid: "",
                    source_row: d.source_row.as_deref().unwrap_or(""),
                };
                self.lines.result(out, row, line);
            }
            OnDuplicate::Error => {
                let message = format!(
                    "this row was reported as a duplicate of row {first} of the file this error \
                     report came from (the same contact), and is unchanged since: it was not \
                     written, so that it cannot overwrite what row {first} imported; change it \
                     to import it (or delete it) {}",
                    held::mark(first, check)
                );
                let cells = cells.iter().copied();
                self.lines
                    .error(out, row, cells, ErrorCode::DuplicateInFile, &message);
            }
        }
    }

    fn chunk(&self, w: &mut Work) {
        let (chunk, out) = (&w.chunk, &mut w.lines);
        w.checked.clear();
        w.pending.clear();
        out.clear();
        let mut cells: Vec<&str> = Vec::new();
        let mut name = String::new();
        for i in 0..chunk.len() {
            cells.clear();
            cells.extend(chunk.cells(i));
            let row = chunk.row(i);
            let line = Some(out.len());
            let state = match self.resume {
                Some(resume) => resume.state(row),
                None => RowState::Fresh,
            };
            let validated = if let Some(problem) = chunk.problem(i) {
                Err(crate::contact::cut_row(problem))
            } else if self.dry_run {
                self.validator.check_cells(row, &cells)
            } else {
                self.validator.validate_row(row, &cells)
            };
            let owned = || cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
            let draft = match (validated, state) {
                (Ok(draft), _) => draft,
                // Sent by the stopped run: what it decided stands.
                (Err(_), RowState::Decided(d)) => {
                    let o = d.outcome(row, String::new(), Default::default(), owned());
                    self.lines.outcome(out, &o, "");
                    w.checked.push(Checked::decided(line, false));
                    continue;
                }
                (Err(e), _) => {
                    let phone = matches!(
                        e.code,
                        ErrorCode::PhoneInvalid | ErrorCode::PhoneNeedsCountry
                    );
                    let elsewhere = phone
                        .then(|| self.validator.valid_in_file_region(&cells))
                        .flatten();
                    let cells = cells.iter().copied();
                    self.lines.error(out, row, cells, e.code, &e.message);
                    w.checked.push(Checked {
                        elsewhere,
                        ..Checked::decided(line, false)
                    });
                    continue;
                }
            };
            let source_row = draft.source_row.as_deref().unwrap_or("");
            if let (Some(held), RowState::Fresh) = (&self.held, &state)
                && let Some((first, check)) =
                    held.still_held(&cells, draft.phone_column, &draft.phone)
            {
                self.held_duplicate(out, &draft, &cells, first, check);
                w.checked.push(Checked::decided(line, true));
                continue;
            }
            let decided = match state {
                RowState::Decided(d) => {
                    let o = d.outcome(row, draft.phone_raw.to_string(), draft.who(), owned());
                    self.lines.outcome(out, &o, source_row);
                    true
                }
                _ if self.dry_run => {
                    draft.name_into(&mut name);
                    let line = ResultLine {
                        phone_raw: &draft.phone_raw,
                        phone: &draft.phone,
                        name: &name,
                        email: draft.email.as_deref().unwrap_or(""),
                        action: Action::Valid,
                        id: None,
                        uuid: "",
                        source_row,
                    };
                    self.lines.result(out, row, line);
                    true
                }
                _ => false,
            };
            let valid = Valid {
                key: Key::of(&draft),
                national_in: draft.national_in,
                country_code: country_code_of(&draft.phone),
                phone_column: draft.phone_column,
                email_column: draft.email_column,
                country_region: draft.country_region.clone(),
                unchecked_names: draft.has_unchecked_names(),
                who: self.keep_who.then(|| draft.who()),
            };
            let send = !decided;
            if send {
                let settle = match state {
                    RowState::InFlight(action) => Some(action),
                    _ => None,
                };
                w.pending.push(Pending {
                    settle,
                    ..Pending::new(draft.into_owned(), chunk.record(i).cells)
                });
            }
            w.checked.push(Checked {
                line: line.filter(|_| decided),
                valid: Some(valid),
                send,
                held: false,
                elsewhere: None,
            });
        }
    }
}
