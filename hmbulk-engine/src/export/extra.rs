//! What `export --status` and `export --channels` add to each contact,
//! one request per contact each (the list endpoints carry neither):
//! `--status` reads `/v1/contact/status` for the `blocked` column (the
//! listing does not document it, so without `--status` the column is left
//! out, never written empty as if false); `--channels` reads
//! `GET /v2/contact/{uuid}/channels` for the `channel:phone` and
//! `channel:email` columns — the contact's other phones and emails, which
//! `hmbulk import` adds back as channels. A contact the listing gives
//! without a uuid has its channels from the listing's `contact_channels`
//! when it shows them; else the export stops rather than write empty cells.

use crate::api::{ApiError, Channel, Client, Contact, ContactRef};
use crate::channel::ChannelKind;
use crate::error::{Error, Result};

/// The per-contact reads an export makes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extras {
    pub status: bool,
    pub channels: bool,
}

/// What the reads found for one contact.
#[derive(Debug, Clone, Default)]
pub struct Extra {
    /// The contact's channels other than its own phone and email.
    pub channels: Vec<Channel>,
}

impl Extras {
    /// Requests per contact.
    pub fn per_contact(&self) -> u64 {
        u64::from(self.status) + u64::from(self.channels)
    }

    /// Read what is asked for `c`; `--status` fills `c.blocked`. A contact
    /// deleted meanwhile (404) keeps its cells empty.
    pub fn fetch(&self, client: &Client, c: &mut Contact) -> Result<Extra> {
        let mut extra = Extra::default();
        if self.status {
            match client.contact_status(ContactRef::Id(c.id)) {
                Ok(a) => c.blocked = Some(a.blocked),
                Err(e) if e.is_not_found() => c.blocked = None,
                Err(e) => return Err(stop(e, "its status (--status)")),
            }
        }
        if self.channels {
            let all = match c.uuid.as_deref() {
                Some(uuid) => match client.channels(uuid) {
                    Ok(all) => all,
                    Err(e) if e.is_not_found() => Vec::new(),
                    Err(e) => return Err(stop(e, "its channels (--channels)")),
                },
                // No uuid to ask by: the channels the listing shows, if it
                // shows them; else an empty cell would claim there are none.
                None if !c.channels.is_empty() => c
                    .channels
                    .iter()
                    .map(|ch| Channel {
                        channel_type: ch.channel_type.clone(),
                        channel_id: ch.channel_id.clone(),
                    })
                    .collect(),
                None => {
                    return Err(Error::Fatal(format!(
                        "contact {} has no uuid in the listing, and its channels are read by \
                         uuid (--channels): the API's answers give none, so --channels cannot \
                         be exported; export without it",
                        c.id
                    )));
                }
            };
            extra.channels = all.into_iter().filter(|ch| !own(c, ch)).collect();
        }
        Ok(extra)
    }
}

impl Extra {
    /// The values of one kind, as a `channel:<kind>` cell: ` ::: ` between
    /// them (as import splits them).
    pub fn cell(&self, kind: ChannelKind) -> String {
        self.values(kind).join(" ::: ")
    }

    pub fn values(&self, kind: ChannelKind) -> Vec<String> {
        self.channels
            .iter()
            .filter(|ch| ch.channel_type.eq_ignore_ascii_case(kind.as_str()))
            .map(|ch| match kind {
                ChannelKind::Phone => ch.channel_id.trim_start_matches('+').to_string(),
                ChannelKind::Email => ch.channel_id.clone(),
            })
            .collect()
    }
}

/// Whether a channel is the contact's own phone or email.
fn own(c: &Contact, ch: &Channel) -> bool {
    let phone = c
        .phone
        .as_deref()
        .is_some_and(|p| ChannelKind::Phone.matches(ch, p));
    let email = c
        .email
        .as_deref()
        .is_some_and(|e| ChannelKind::Email.matches(ch, e));
    phone || email
}

fn stop(e: ApiError, what: &str) -> Error {
    match e {
        ApiError::Usage(m) => Error::Usage(m),
        e => Error::Fatal(format!("cannot read a contact's {what}: {e}")),
    }
}
