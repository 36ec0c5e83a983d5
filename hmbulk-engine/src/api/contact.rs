//! The contact endpoints' shapes as serde types: the one place that knows
//! the JSON name of each contact field.
//!
//! - [`Contact`]: a contact as the API reads it back (search, the list
//!   endpoints, the write answer), with the fields of the API reference,
//!   read whichever way the reference leaves open: the phone (and email) as
//!   a field or in `contact_channels`, the uuid in the answer or not, tags
//!   as ids or objects ([`TagRef`]). Fields it does not name are ignored; a
//!   field it names with the wrong type, or an item without an integer `id`,
//!   makes the answer unreadable (an [`ApiError::Decode`](super::ApiError::Decode),
//!   never a panic).
//! - [`WriteItem`]: one contact to write (`/v2/contacts` item or
//!   `/v1/batch/contacts` element): only the fields a row sets, never a
//!   `null` (the API might clear data on null); a v2 create carries its
//!   phone both as `phone` and in `contact_channels` ([`WriteItem::with_channels`]).
//! - [`WriteAnswer`]: the answer of `POST /v2/contacts`, the contacts stored
//!   and the items that failed, each with the API's reason.
//! - [`SearchBody`], [`SearchBy`]: the body of `POST /v2/contacts/search`.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// A contact as the API reads it back. Its phone is `phone` or, when the
/// answer gives none, its first phone channel (v2 contacts may carry "a
/// contact_channels array" "instead of a single phone field"); likewise its
/// email; its uuid is `uuid` or, when the answer gives none, the
/// `contact_id` a channel of it names.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(try_from = "ContactWire")]
pub struct Contact {
    pub id: i64,
    /// v2 answers only, and not every reading of them.
    pub uuid: Option<String>,
    /// E.164 digits without `+`.
    pub phone: Option<String>,
    pub first: Option<String>,
    pub last: Option<String>,
    pub display_name: Option<String>,
    pub email: Option<String>,
    /// Custom field values keyed by the field's id as a string. Their type
    /// is not documented: text, or a number or boolean as sent.
    pub custom: BTreeMap<String, Value>,
    pub tags: Vec<TagRef>,
    pub assigned_user_id: Option<i64>,
    /// The write name of the assignee, which an answer echoing a write may carry.
    pub assignee_id: Option<i64>,
    pub is_opted_out: Option<bool>,
    /// Not documented on reads; shown when a server gives it.
    pub blocked: Option<bool>,
    /// RFC 3339.
    pub created: Option<String>,
    /// RFC 3339, one-second resolution.
    pub updated: Option<String>,
    /// Incremented on each write.
    pub rev: Option<i64>,
    /// Documented but not used by hmbulk, and of no documented type: kept as sent.
    pub team_id: Option<Value>,
    pub creator_id: Option<Value>,
    pub shared: Option<Value>,
    pub op: Option<Value>,
    /// The channels the answer lists (`contact_channels`), when it does.
    pub channels: Vec<ContactChannel>,
}

/// A channel a contact answer lists: `phone`, `email`, or a type hmbulk
/// does not write. Fields other than these are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ContactChannel {
    /// Empty when the answer gives none (the channel is then kept, unused).
    #[serde(default, deserialize_with = "text")]
    pub channel_type: String,
    /// A phone as E.164 digits (a `+` is dropped), or an email address.
    #[serde(default, deserialize_with = "text")]
    pub channel_id: String,
    /// The contact's uuid, where the channel names it.
    #[serde(default)]
    pub contact_id: Option<String>,
}

/// A contact as it comes over the wire.
#[derive(Deserialize)]
struct ContactWire {
    #[serde(deserialize_with = "integer_id")]
    id: i64,
    uuid: Option<String>,
    phone: Option<String>,
    first: Option<String>,
    last: Option<String>,
    display_name: Option<String>,
    email: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    custom: BTreeMap<String, Value>,
    #[serde(default, deserialize_with = "null_as_default")]
    tags: Vec<TagRef>,
    assigned_user_id: Option<i64>,
    assignee_id: Option<i64>,
    is_opted_out: Option<bool>,
    blocked: Option<bool>,
    created: Option<String>,
    updated: Option<String>,
    rev: Option<i64>,
    team_id: Option<Value>,
    creator_id: Option<Value>,
    shared: Option<Value>,
    op: Option<Value>,
    #[serde(default, deserialize_with = "null_as_default")]
    contact_channels: Vec<ContactChannel>,
}

impl TryFrom<ContactWire> for Contact {
    type Error = String;

    fn try_from(w: ContactWire) -> Result<Self, Self::Error> {
        let first_of = |kind: &str| {
            w.contact_channels
                .iter()
                .find(|c| c.channel_type.eq_ignore_ascii_case(kind) && !c.channel_id.is_empty())
                .map(|c| c.channel_id.clone())
        };
        let phone = w
            .phone
            .clone()
            .filter(|p| !p.is_empty())
            .or_else(|| first_of("phone"))
            .map(|p| p.trim_start_matches('+').to_string());
        let email = w.email.clone().or_else(|| first_of("email"));
        let uuid = w.uuid.clone().or_else(|| {
            w.contact_channels
                .iter()
                .filter_map(|c| c.contact_id.as_deref())
                .find_map(|u| uuid::Uuid::try_parse(u.trim()).ok())
                .map(|u| u.hyphenated().to_string())
        });
        Ok(Contact {
            id: w.id,
            uuid,
            phone,
            first: w.first,
            last: w.last,
            display_name: w.display_name,
            email,
            custom: w.custom,
            tags: w.tags,
            assigned_user_id: w.assigned_user_id,
            assignee_id: w.assignee_id,
            is_opted_out: w.is_opted_out,
            blocked: w.blocked,
            created: w.created,
            updated: w.updated,
            rev: w.rev,
            team_id: w.team_id,
            creator_id: w.creator_id,
            shared: w.shared,
            op: w.op,
            channels: w.contact_channels,
        })
    }
}

/// A tag on a read contact, in any form an answer may give it: a bare id
/// (`12`), `{"tag_id": 12}`, `{"id": 12, "tag": "VIP"}` or `{"id": 12,
/// "name": "VIP", "color": …}` (the reference shows writes with `tag_id`
/// and "tag objects" with "an ID, a name, and a color" on reads). An id may
/// be a number or its digits as text.
#[derive(Debug, Clone, PartialEq)]
pub enum TagRef {
    Id(i64),
    /// A tag object: its id, and its name when the object gives one.
    Object {
        id: i64,
        name: Option<String>,
    },
    /// Anything else: no id can be read from it. Kept (never dropped) so a
    /// comparison counts it as a difference and an export shows it.
    Other(Value),
}

impl<'de> Deserialize<'de> for TagRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        let id_of = |v: Option<&Value>| match v? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        Ok(match &v {
            Value::Number(_) | Value::String(_) => match id_of(Some(&v)) {
                Some(id) => TagRef::Id(id),
                None => TagRef::Other(v),
            },
            Value::Object(o) => match id_of(o.get("tag_id")).or_else(|| id_of(o.get("id"))) {
                Some(id) => TagRef::Object {
                    id,
                    name: ["name", "tag"]
                        .iter()
                        .find_map(|k| o.get(*k).and_then(Value::as_str))
                        .map(str::to_string),
                },
                None => TagRef::Other(v),
            },
            _ => TagRef::Other(v),
        })
    }
}

impl TagRef {
    /// The tag's id, when it can be read.
    pub fn id(&self) -> Option<i64> {
        match self {
            TagRef::Id(id) | TagRef::Object { id, .. } => Some(*id),
            TagRef::Other(_) => None,
        }
    }

    /// The tag's name, when the answer gives it.
    pub fn name(&self) -> Option<&str> {
        match self {
            TagRef::Object { name, .. } => name.as_deref(),
            TagRef::Other(Value::String(s)) => Some(s),
            _ => None,
        }
    }
}

impl Contact {
    /// The assignee's member id, under its read name or its write name.
    pub fn assignee(&self) -> Option<i64> {
        self.assigned_user_id.or(self.assignee_id)
    }

    /// The tag ids, in the order given.
    pub fn tag_ids(&self) -> Vec<i64> {
        self.tags.iter().filter_map(TagRef::id).collect()
    }

    /// Every phone the contact shows: its phone, then its phone channels
    /// (E.164 digits, each once).
    pub fn phones(&self) -> Vec<&str> {
        let mut phones: Vec<&str> = self.phone.as_deref().into_iter().collect();
        for c in &self.channels {
            let p = c.channel_id.trim_start_matches('+');
            if c.channel_type.eq_ignore_ascii_case("phone") && !p.is_empty() && !phones.contains(&p)
            {
                phones.push(p);
            }
        }
        phones
    }

    /// Whether the contact holds `phone`, as its phone or a phone channel.
    pub fn holds_phone(&self, phone: &str) -> bool {
        self.phones().contains(&phone)
    }

    /// The value of custom field `id`, as text (empty when unset).
    pub fn custom_text(&self, id: i64) -> String {
        match self.custom.get(&id.to_string()) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        }
    }
}

/// A string, or a number written as its digits (a channel id the API may
/// give as either); anything else is empty.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    })
}

/// `"id": 42`, or `"id": "42"`; anything else is not a contact.
fn integer_id<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let id = match Value::deserialize(d)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    };
    id.ok_or_else(|| serde::de::Error::custom("a contact without an integer id"))
}

/// A `null` where a map or list is documented reads as an empty one.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// One contact to write. `contact_id` (a UUID) makes a v2 item an update;
/// every other field is sent only when the row sets it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WriteItem<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<&'a str>,
    pub phone: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<&'a str>,
    /// Custom field id -> value (the ids go out as strings).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub custom: BTreeMap<i64, &'a str>,
    /// `Some(vec![])` clears the tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagId>>,
    /// A member id; `-1` unassigns. (Reads call it `assigned_user_id`.)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_opted_out: Option<bool>,
    /// The contact's channels, on a v2 create: its phone, and its email
    /// when set ("at least one channel is required" to create, by one
    /// reading of the reference; `phone` is sent too, for the other).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contact_channels: Vec<ChannelItem<'a>>,
}

/// A channel on a write item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ChannelItem<'a> {
    pub channel_type: &'static str,
    pub channel_id: &'a str,
}

impl<'a> WriteItem<'a> {
    /// The item as a v2 create: with its phone, and email when set, as
    /// `contact_channels` too.
    pub fn with_channels(mut self) -> Self {
        self.contact_channels = std::iter::once(("phone", self.phone))
            .chain(self.email.filter(|e| !e.is_empty()).map(|e| ("email", e)))
            .map(|(channel_type, channel_id)| ChannelItem {
                channel_type,
                channel_id,
            })
            .collect();
        self
    }
}

/// A tag on a write item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TagId {
    pub tag_id: i64,
}

/// The body of `POST /v2/contacts`.
#[derive(Debug, Serialize)]
pub(super) struct WriteBody<'a> {
    pub contacts: &'a [WriteItem<'a>],
}

/// The answer of `POST /v2/contacts`. Either list may be missing or `null`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct WriteAnswer {
    #[serde(default, deserialize_with = "null_as_default")]
    pub contacts: Vec<Contact>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub failed_contacts: Vec<FailedContact>,
}

/// An item `POST /v2/contacts` did not store: which item, and why.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "FailedEntry")]
pub struct FailedContact {
    /// The item's `contact_id` (an update), as the API echoes it.
    pub contact_id: Option<String>,
    /// The item's phone, as the API echoes it.
    pub phone: Option<String>,
    /// The API's reason, as text.
    pub reason: String,
}

/// A failed entry as sent: `{"contact": {...}, "error": "..."}`; the
/// reason may also be called `message` or `reason`, and an entry without
/// `contact` is taken to be the item itself.
#[derive(Deserialize)]
struct FailedEntry {
    contact: Option<EchoedItem>,
    contact_id: Option<String>,
    phone: Option<String>,
    error: Option<Value>,
    message: Option<Value>,
    reason: Option<Value>,
}

#[derive(Deserialize)]
struct EchoedItem {
    contact_id: Option<String>,
    phone: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    contact_channels: Vec<ContactChannel>,
}

impl From<FailedEntry> for FailedContact {
    fn from(e: FailedEntry) -> Self {
        let reason = match e.error.or(e.message).or(e.reason) {
            Some(Value::String(s)) => s,
            Some(other) => other.to_string(),
            None => "refused by the API (no reason given)".into(),
        };
        let (contact_id, phone) = match e.contact {
            Some(c) => {
                let channel = c
                    .contact_channels
                    .iter()
                    .find(|ch| ch.channel_type.eq_ignore_ascii_case("phone"))
                    .map(|ch| ch.channel_id.trim_start_matches('+').to_string());
                (c.contact_id, c.phone.or(channel))
            }
            None => (e.contact_id, e.phone),
        };
        FailedContact {
            contact_id,
            phone,
            reason,
        }
    }
}

/// What a search looks contacts up by: the `channel_type` of the search's
/// body (`phone`, `id`). Not a contact's channel kind (phone, email: that is
/// the channel module's `ChannelKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchBy {
    /// E.164 digits.
    Phone,
    /// Contact UUIDs.
    Id,
}

/// The body of `POST /v2/contacts/search`.
#[derive(Debug, Serialize)]
pub(super) struct SearchBody<'a> {
    pub contact_channels: [Channels<'a>; 1],
}

#[derive(Debug, Serialize)]
pub(super) struct Channels<'a> {
    pub channel_type: SearchBy,
    pub channel_ids: &'a [String],
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_read_contact_takes_the_documented_fields_and_ignores_others() {
        let c: Contact = serde_json::from_value(json!({
            "id": "42", "uuid": "u-1", "phone": "14155550001", "first": "Ada", "last": null,
            "custom": {"101": "Acme", "102": 7}, "tags": [11, {"tag_id": 12}, {"id": 13}, "x"],
            "assigned_user_id": 501, "is_opted_out": false, "rev": 3, "team_id": 9,
            "shared": true, "op": "create", "something_new": [1, 2]
        }))
        .unwrap();
        assert_eq!(
            (c.id, c.uuid.as_deref(), c.last.as_deref()),
            (42, Some("u-1"), None)
        );
        assert_eq!(c.tag_ids(), [11, 12, 13]);
        assert_eq!(
            (c.custom_text(101), c.custom_text(102)),
            ("Acme".into(), "7".into())
        );
        assert_eq!(c.custom_text(103), "");
        assert_eq!(c.assignee(), Some(501));
        let c: Contact =
            serde_json::from_value(json!({"id": 1, "custom": null, "tags": null})).unwrap();
        assert!(c.custom.is_empty() && c.tags.is_empty());
    }

    #[test]
    fn the_phone_email_and_uuid_come_from_contact_channels_when_the_fields_are_missing() {
        let c: Contact = serde_json::from_value(json!({
            "id": 7, "first": "Ada",
            "contact_channels": [
                {"id": "31", "channel_type": "email", "channel_id": "ada@example.com",
                 "contact_id": "6F1C2D3E-4F50-4A6B-8C7D-8E9FA0B1C2D3", "info_channel": ""},
                {"id": "30", "channel_type": "phone", "channel_id": "+14155550001"},
                {"id": "32", "channel_type": "phone", "channel_id": "14155550002"},
                {"channel_type": "facebook", "channel_id": 12345},
                {"note": "no type"}
            ]
        }))
        .unwrap();
        assert_eq!(c.phone.as_deref(), Some("14155550001"));
        assert_eq!(c.email.as_deref(), Some("ada@example.com"));
        assert_eq!(
            c.uuid.as_deref(),
            Some("6f1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3")
        );
        assert_eq!(c.phones(), ["14155550001", "14155550002"]);
        assert!(c.holds_phone("14155550002") && !c.holds_phone("12345"));
        // The fields win when both are there.
        let c: Contact = serde_json::from_value(json!({
            "id": 7, "uuid": "u-1", "phone": "14155550009", "email": "x@example.com",
            "contact_channels": [{"channel_type": "phone", "channel_id": "14155550001"}]
        }))
        .unwrap();
        assert_eq!(
            (c.phone.as_deref(), c.email.as_deref(), c.uuid.as_deref()),
            (Some("14155550009"), Some("x@example.com"), Some("u-1"))
        );
        assert_eq!(c.phones(), ["14155550009", "14155550001"]);
        // Neither: no phone, never a guess.
        let c: Contact = serde_json::from_value(json!({"id": 7})).unwrap();
        assert_eq!((c.phone, c.uuid), (None, None));
    }

    #[test]
    fn tags_are_read_in_every_shape_and_the_unreadable_are_kept() {
        let c: Contact = serde_json::from_value(json!({"id": 1, "tags": [
            11, "12", {"tag_id": 13}, {"id": 14, "tag": "VIP"},
            {"id": "15", "name": "Lead", "color": "#808080"}, {"name": "Orphan"}, "VIP", null
        ]}))
        .unwrap();
        assert_eq!(c.tag_ids(), [11, 12, 13, 14, 15]);
        let names: Vec<Option<&str>> = c.tags.iter().map(TagRef::name).collect();
        assert_eq!(
            names,
            [
                None,
                None,
                None,
                Some("VIP"),
                Some("Lead"),
                None,
                Some("VIP"),
                None
            ]
        );
        assert_eq!(c.tags.len(), 8, "nothing dropped");
        assert!(matches!(c.tags[5], TagRef::Other(_)));
    }

    #[test]
    fn a_create_carries_its_phone_and_email_as_channels_too() {
        let item = WriteItem {
            phone: "14155550001",
            email: Some("ada@example.com"),
            ..WriteItem::default()
        }
        .with_channels();
        assert_eq!(
            serde_json::to_value(&item).unwrap(),
            json!({"phone": "14155550001", "email": "ada@example.com", "contact_channels": [
                {"channel_type": "phone", "channel_id": "14155550001"},
                {"channel_type": "email", "channel_id": "ada@example.com"}]})
        );
        let cleared = WriteItem {
            phone: "14155550001",
            email: Some(""),
            ..WriteItem::default()
        }
        .with_channels();
        assert_eq!(cleared.contact_channels.len(), 1, "no empty email channel");
    }

    #[test]
    fn an_item_without_an_integer_id_or_with_a_wrong_type_is_refused() {
        for bad in [json!({"id": "x1"}), json!({"first": "A"}), json!(7)] {
            assert!(serde_json::from_value::<Contact>(bad).is_err());
        }
        let e = serde_json::from_value::<Contact>(json!({"id": "x1"})).unwrap_err();
        assert!(e.to_string().contains("without an integer id"), "{e}");
        let e = serde_json::from_value::<Contact>(json!({"id": 1, "first": 5})).unwrap_err();
        assert!(e.to_string().contains("invalid type"), "{e}");
    }

    #[test]
    fn a_write_item_carries_only_what_is_set_and_never_null() {
        let custom = BTreeMap::from([(101, "Acme")]);
        let item = WriteItem {
            contact_id: Some("u-1"),
            phone: "14155550001",
            first: Some(""),
            custom,
            tags: Some(vec![TagId { tag_id: 11 }]),
            assignee_id: Some(-1),
            ..WriteItem::default()
        };
        assert_eq!(
            serde_json::to_value(&item).unwrap(),
            json!({"contact_id": "u-1", "phone": "14155550001", "first": "",
                   "custom": {"101": "Acme"}, "tags": [{"tag_id": 11}], "assignee_id": -1})
        );
        let bare = WriteItem {
            phone: "1",
            ..WriteItem::default()
        };
        assert_eq!(serde_json::to_value(&bare).unwrap(), json!({"phone": "1"}));
    }

    #[test]
    fn failed_items_give_their_keys_and_reason_in_any_documented_form() {
        let answer: WriteAnswer = serde_json::from_value(json!({
            "contacts": null,
            "failed_contacts": [
                {"contact": {"phone": "1", "first": "A"}, "error": "phone exists: u-9"},
                {"contact_id": "u-2", "message": {"code": 4}},
                {"contact": {"contact_id": "u-3"}},
            ]
        }))
        .unwrap();
        let f = &answer.failed_contacts;
        assert!(answer.contacts.is_empty());
        assert_eq!(
            (f[0].phone.as_deref(), f[0].reason.as_str()),
            (Some("1"), "phone exists: u-9")
        );
        assert_eq!(
            (f[1].contact_id.as_deref(), f[1].reason.as_str()),
            (Some("u-2"), r#"{"code":4}"#)
        );
        assert_eq!(f[2].contact_id.as_deref(), Some("u-3"));
        assert!(f[2].reason.contains("no reason given"));
    }

    #[test]
    fn a_search_body_names_the_channel_type() {
        let ids = ["14155550001".to_string()];
        let body = SearchBody {
            contact_channels: [Channels {
                channel_type: SearchBy::Phone,
                channel_ids: &ids,
            }],
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"contact_channels": [{"channel_type": "phone", "channel_ids": ["14155550001"]}]})
        );
    }
}
