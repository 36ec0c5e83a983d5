//! The kinds of channel hmbulk adds to a contact (phone, email): a word of
//! the domain shared by the mapping (`channel:<type>` columns), the contact,
//! the export and the channel step; and how the API's list of a contact's
//! channels shows one ([`ChannelKind::matches`]). It names nothing of the
//! crate but the API's [`Channel`].

use serde::Serialize;

use crate::api::Channel;

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

    /// Whether `channel` is a channel of this kind holding `value`: phones
    /// by their digits, emails ignoring case.
    pub fn matches(self, channel: &Channel, value: &str) -> bool {
        if !channel.channel_type.eq_ignore_ascii_case(self.as_str()) {
            return false;
        }
        match self {
            ChannelKind::Phone => channel.channel_id.trim_start_matches('+') == value,
            ChannelKind::Email => channel.channel_id.trim().eq_ignore_ascii_case(value),
        }
    }
}

impl std::fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(t: &str, id: &str) -> Channel {
        Channel {
            channel_type: t.into(),
            channel_id: id.into(),
        }
    }

    #[test]
    fn phones_match_by_digits_and_emails_ignoring_case() {
        let phone = ChannelKind::Phone;
        assert!(phone.matches(&channel("phone", "+14155550101"), "14155550101"));
        assert!(phone.matches(&channel("PHONE", "14155550101"), "14155550101"));
        assert!(!phone.matches(&channel("email", "14155550101"), "14155550101"));
        let email = ChannelKind::Email;
        assert!(email.matches(&channel("email", "Ada@Example.com "), "ada@example.com"));
        assert!(!email.matches(&channel("email", "ada@example.org"), "ada@example.com"));
        assert_eq!(ChannelKind::parse(" Email "), Some(ChannelKind::Email));
        assert_eq!(ChannelKind::parse("fax"), None);
    }
}
