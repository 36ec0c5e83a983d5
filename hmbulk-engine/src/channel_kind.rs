//! The kinds of channel hmbulk adds to a contact (phone, email): a word of
//! the domain shared by the mapping (`channel:<type>` columns), the contact,
//! the API client and the channel step. A leaf: it names nothing else of the
//! crate.

use serde::Serialize;

/// The channel types hmbulk adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    Phone,
    Email,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 2] = [ChannelKind::Phone, ChannelKind::Email];

    /// The API's name, as `channel:<type>` columns write it.
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Phone => "phone",
            ChannelKind::Email => "email",
        }
    }

    /// `phone` or `email`, any case.
    pub fn parse(name: &str) -> Option<ChannelKind> {
        ChannelKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

impl std::fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
