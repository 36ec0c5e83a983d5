//! The contact fields a column can fill. Takes a header (or a map file's
//! word for a field); gives the [`Field`] it names, by the field's name or by
//! one of the built-in header synonyms, the name a map file writes for a
//! field, the field a known layout's column fills, and the rank of a phone,
//! email or country column among the columns of its field.

use std::fmt;

use super::Use;
use crate::channel::ChannelKind;

pub use crate::header::normalise_header;

/// A contact field a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Phone,
    First,
    Last,
    DisplayName,
    Email,
    Tags,
    OptedOut,
    /// SMS marketing consent: mapped inverted onto opted-out.
    SmsConsent,
    /// Marketing consent of no named channel: no means opted out, yes
    /// leaves the contact's setting.
    MarketingConsent,
    /// The row's country: the region of its national phone numbers.
    Country,
    Assignee,
    /// The contact's UUID (export's `uuid` column): matches in upsert/update.
    Uuid,
    /// A custom field, by id.
    Custom(i64),
    /// Another channel to add to the contact (`channel:phone`,
    /// `channel:email`): never the contact's own phone or email.
    Channel(ChannelKind),
}

/// The built-in fields, each with its name (as a map file writes it) and the
/// normalised headers that mean it in a file of no known layout.
#[rustfmt::skip]
pub(super) const BUILT_IN: [(Field, &str, &[&str]); 12] = [
    (Field::Phone, "phone", &[
        "phone", "mobile", "cell", "cellphone", "mobilephone", "phonenumber", "telephone", "tel",
        "mobilenumber", "cellnumber", "mobilephonenumber", "primaryphone", "mainphone",
        "homephone", "workphone", "businessphone", "otherphone", "phone1", "phone2", "phone3",
        "smsnumber", "smsphone", "landline",
    ]),
    (Field::First, "first", &["first", "firstname", "givenname"]),
    (Field::Last, "last", &["last", "lastname", "surname", "familyname"]),
    (Field::DisplayName, "display_name", &["name", "fullname", "displayname", "contactname"]),
    (Field::Email, "email", &[
        "email", "emailaddress", "mail", "primaryemail", "secondaryemail", "workemail",
        "personalemail", "otheremail", "email1", "email2", "email3",
    ]),
    (Field::Tags, "tags", &["tags", "tag", "labels"]),
    (Field::OptedOut, "opted_out", &[
        "optedout", "isoptedout", "optout", "unsubscribed", "smsoptout", "smsoptedout",
        "smsunsubscribed", "smsblacklisted", "donottext",
    ]),
    (Field::SmsConsent, "sms_consent", &[
        "smsconsent", "smsoptin", "smsoptedin", "acceptssmsmarketing", "smsmarketingconsent",
        "smsmarketing", "smssubscribed", "smspermission", "textoptin", "acceptssms",
    ]),
    (Field::MarketingConsent, "marketing_consent", &["marketingconsent"]),
    (Field::Country, "country", &[
        "country", "countrycode", "cc", "countryregion", "countryname", "homecountry",
        "defaultaddresscountrycode", "address1country", "billingcountry", "mailingcountry",
        "shippingcountry", "billingaddresscountry", "isocountry",
    ]),
    (Field::Assignee, "assignee", &[
        "assignee", "assigneduser", "assignedto", "owner", "assigneduserid", "assigneeid",
    ]),
    (Field::Uuid, "uuid", &["uuid", "contactuuid"]),
];

/// Email-marketing consent and status columns (normalised): not SMS consent,
/// so ignored and named as such.
pub(super) const EMAIL_CONSENT: &[&str] = &[
    "acceptsemailmarketing",
    "acceptsmarketing",
    "emailoptin",
    "emailconsent",
    "emailmarketingconsent",
    "emailmarketing",
    "emailoptout",
    "emailsubscriptionstatus",
    "emailmarketingstatus",
    "hasoptedoutofemail",
    "emailunsubscribed",
];

/// Columns of an error report fed back in, matched exactly as written.
pub(super) const REPORT_COLUMNS: [&str; 3] = ["_row", "_error_code", "_error"];

/// Read-only columns of an export (normalised): never written back.
pub(super) const READ_ONLY_COLUMNS: [&str; 4] = ["id", "created", "updated", "blocked"];

impl Field {
    /// The built-in field a map file or a header names, by its field name
    /// (`display_name`, `Display Name`) or, with `synonyms`, any header synonym.
    pub(super) fn built_in(text: &str, synonyms: bool) -> Option<Field> {
        let key = normalise_header(text);
        BUILT_IN.iter().find_map(|(field, name, words)| {
            let hit = normalise_header(name) == key || (synonyms && words.contains(&key.as_str()));
            hit.then_some(*field)
        })
    }

    /// Fields several columns may fill, in priority order.
    pub(super) fn is_multi(self) -> bool {
        matches!(self, Field::Phone | Field::Email | Field::Country)
    }

    /// `channel:phone`, `Channel: Email` -> the channel field; `Some(Err)`
    /// for a `channel:` of a type hmbulk cannot add.
    pub(super) fn channel(text: &str) -> Option<std::result::Result<Field, String>> {
        let text = text.trim();
        let prefix = text
            .get(..8)
            .filter(|p| p.eq_ignore_ascii_case("channel:"))?;
        let kind = text[prefix.len()..].trim();
        Some(ChannelKind::parse(kind).map(Field::Channel).ok_or_else(|| {
            format!(
                "`channel:` must be followed by phone or email (the channel types the \
                 API adds), not \"{kind}\""
            )
        }))
    }
}

impl fmt::Display for Field {
    /// The name a map file uses: `phone`, `display_name`, `custom:101`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Custom(id) => write!(f, "custom:{id}"),
            Field::Channel(kind) => write!(f, "channel:{kind}"),
            field => {
                let name = BUILT_IN
                    .iter()
                    .find(|(built_in, _, _)| built_in == field)
                    .map_or("?", |(_, name, _)| name);
                f.write_str(name)
            }
        }
    }
}

/// The field a layout's column fills (`None`: email consent, ignored).
pub(super) fn field_of(used: Use) -> Option<Field> {
    Some(match used {
        Use::Phone => Field::Phone,
        Use::Email => Field::Email,
        Use::First => Field::First,
        Use::Last => Field::Last,
        Use::Name => Field::DisplayName,
        Use::Tags => Field::Tags,
        Use::SmsConsent => Field::SmsConsent,
        Use::OptedOut => Field::OptedOut,
        Use::Country => Field::Country,
        Use::Assignee => Field::Assignee,
        Use::Uuid => Field::Uuid,
        Use::EmailConsent => return None,
    })
}

/// Rank of a phone, email or country column named by its header: mobile and
/// cell numbers first, then the plain or primary column, then home, work,
/// other, billing… (ties: left to right).
pub(super) fn rank(key: &str) -> u8 {
    const PLAIN: &[&str] = &[
        "phone",
        "phonenumber",
        "telephone",
        "tel",
        "primaryphone",
        "phone1",
        "email",
        "emailaddress",
        "primaryemail",
        "email1",
        "mail",
        "country",
        "countrycode",
    ];
    if ["mobile", "cell", "sms"].iter().any(|w| key.contains(w)) {
        0
    } else if PLAIN.contains(&key) {
        1
    } else {
        2
    }
}
