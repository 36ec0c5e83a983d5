//! Write validation: takes one write-shaped JSON item (as `/v2/contacts`,
//! `/v1/batch/contacts` and `/_sim/seed` receive it) and the account's catalog,
//! and gives a checked [`ContactWrite`], a per-item failure message, or an
//! [`ApiError`] that rejects the whole request (referential problems: an
//! unknown custom field, tag or assignee).
//!
//! Rules (the "Simulator profile"): phone a string of 8 to 15 digits, no `+`;
//! email `local@domain.tld`, no spaces; at most 5 tags of `{"tag_id": int}`;
//! `null` in any write field makes the item invalid; `assigned_user_id` is
//! ignored (the write name is `assignee_id`); an empty string clears a text
//! field.
//!
//! A v2 item may carry `contact_channels: [{channel_type, channel_id}]` (the
//! documented create structure; `channel_ids`, `channel_handle` and
//! `info_channel` are taken and ignored): `phone` and `email` channels only.
//! The first phone channel is the contact's phone when `phone` is absent
//! (likewise the first email channel and `email`); every other channel is
//! added to the contact. Under [`Surface::V2Channels`] (the `v2_create:
//! channels` reading, "at least one channel is required") a create must
//! carry one.

use serde_json::{Map, Value};
use uuid::Uuid;

use super::catalog::Catalog;
use super::wire::{ApiError, kind_of, shown};

/// Most tags a contact may carry.
pub const MAX_TAGS: usize = 5;

/// One checked write. `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactWrite {
    /// The contact to update (v2 only); `None` creates.
    pub contact_id: Option<Uuid>,
    pub phone: Option<String>,
    pub first: Option<String>,
    pub last: Option<String>,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub avatar: Option<String>,
    /// Custom values `(field id, value)` to merge in; an empty value removes one.
    pub custom: Option<Vec<(i64, String)>>,
    /// The contact's whole tag list, deduplicated.
    pub tags: Option<Vec<i64>>,
    /// A member id, or -1 to unassign.
    pub assignee_id: Option<i64>,
    pub is_opted_out: Option<bool>,
    /// Channels to add to the contact beyond its phone and email:
    /// `(channel_type, channel_id)`, `phone` or `email`.
    pub channels: Vec<(String, String)>,
}

/// Which surface the item came in on; it decides `contact_id`, `phone` and
/// `contact_channels`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// `/v2/contacts`: `contact_id` updates; a phone (field or channel)
    /// required only to create.
    V2,
    /// `/v2/contacts` where a create needs `contact_channels`.
    V2Channels,
    /// `/v1/batch/contacts` and `/_sim/seed`: phone always required,
    /// `contact_id` is not a field.
    V1,
}

/// The verdict on one item that did not sink the whole request.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemCheck {
    Valid(Box<ContactWrite>),
    Invalid(String),
}

/// Checks item `item` found at `path` (e.g. `contacts[3]`, for messages).
pub fn check_item(
    path: &str,
    item: &Value,
    catalog: &Catalog,
    surface: Surface,
) -> Result<ItemCheck, ApiError> {
    let obj = item.as_object().ok_or_else(|| {
        ApiError::bad_data(format!(
            "{path} must be a JSON object (a contact), got {}",
            kind_of(item)
        ))
    })?;
    let mut c = Checker {
        obj,
        first_error: None,
    };
    let mut write = ContactWrite::default();
    let v2 = surface != Surface::V1;
    if v2 {
        write.contact_id = c.contact_id();
    }
    write.phone = c.phone();
    write.first = c.text("first");
    write.last = c.text("last");
    write.display_name = c.text("display_name");
    write.email = c.email();
    write.avatar = c.text("avatar");
    write.custom = c.custom(path, catalog)?;
    write.tags = c.tags(path, catalog)?;
    write.assignee_id = c.assignee(path, catalog)?;
    write.is_opted_out = c.flag("is_opted_out");
    let channels = if v2 { c.channels() } else { None };

    let creates = !v2 || write.contact_id.is_none();
    if creates && surface == Surface::V2Channels && channels.as_ref().is_none_or(Vec::is_empty) {
        c.fail(
            "contact_channels is required to create a contact: at least one channel \
             ({\"channel_type\": \"phone\", \"channel_id\": ...})"
                .to_string(),
        );
    }
    for (channel_type, channel_id) in channels.into_iter().flatten() {
        let primary = match channel_type.as_str() {
            "phone" => &mut write.phone,
            _ => &mut write.email,
        };
        match primary {
            None if !obj.contains_key(channel_type.as_str()) => *primary = Some(channel_id),
            Some(p) if *p == channel_id => {}
            _ => write.channels.push((channel_type, channel_id)),
        }
    }
    if creates && write.phone.is_none() && !obj.contains_key("phone") {
        c.fail("phone is required to create a contact (as phone or a phone channel)".to_string());
    }
    Ok(match c.first_error {
        Some(message) => ItemCheck::Invalid(message),
        None => ItemCheck::Valid(Box::new(write)),
    })
}

/// Phone rule: a string of 8 to 15 ASCII digits (E.164 without `+`).
pub fn is_valid_phone(phone: &str) -> bool {
    (8..=15).contains(&phone.len()) && phone.bytes().all(|b| b.is_ascii_digit())
}

/// Email rule: `local@domain.tld`, no whitespace, one `@`, a dotted domain
/// without empty labels.
pub fn is_valid_email(email: &str) -> bool {
    if email.chars().any(char::is_whitespace) {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
}

fn null_message(key: &str) -> String {
    format!("{key} is null: send only the fields you set (null is not accepted)")
}

/// Walks one item's fields, keeping the first per-item problem it meets.
struct Checker<'a> {
    obj: &'a Map<String, Value>,
    first_error: Option<String>,
}

impl<'a> Checker<'a> {
    fn fail(&mut self, message: String) {
        self.first_error.get_or_insert(message);
    }

    /// The field's value; absent or null gives `None` (null also fails the item).
    fn field(&mut self, key: &str) -> Option<&'a Value> {
        match self.obj.get(key) {
            Some(Value::Null) => {
                self.fail(null_message(key));
                None
            }
            other => other,
        }
    }

    /// The field as `parse` reads it; a failure saying it must be `expected` when
    /// `parse` cannot.
    fn parsed<T>(
        &mut self,
        key: &str,
        expected: &str,
        parse: impl FnOnce(&'a Value) -> Option<T>,
    ) -> Option<T> {
        let value = self.field(key)?;
        let parsed = parse(value);
        if parsed.is_none() {
            self.fail(format!("{key} must be {expected}, got {}", shown(value)));
        }
        parsed
    }

    fn text(&mut self, key: &str) -> Option<String> {
        self.parsed(key, "a string", |v| v.as_str().map(str::to_string))
    }

    fn flag(&mut self, key: &str) -> Option<bool> {
        self.parsed(key, "true or false", Value::as_bool)
    }

    fn contact_id(&mut self) -> Option<Uuid> {
        self.parsed("contact_id", "a contact UUID", |v| {
            v.as_str().and_then(|s| Uuid::parse_str(s).ok())
        })
    }

    fn phone(&mut self) -> Option<String> {
        self.parsed(
            "phone",
            "a string of 8 to 15 digits without '+' (E.164, e.g. \"15105553344\")",
            |v| v.as_str().filter(|p| is_valid_phone(p)).map(str::to_string),
        )
    }

    fn email(&mut self) -> Option<String> {
        let email = self.text("email")?;
        if email.is_empty() || is_valid_email(&email) {
            Some(email)
        } else {
            self.fail(format!(
                "email must look like name@example.com, got {email:?}"
            ));
            None
        }
    }

    fn custom(
        &mut self,
        path: &str,
        catalog: &Catalog,
    ) -> Result<Option<Vec<(i64, String)>>, ApiError> {
        let Some(map) = self.parsed(
            "custom",
            "an object keyed by custom field id",
            Value::as_object,
        ) else {
            return Ok(None);
        };
        let mut custom = Vec::new();
        for (key, v) in map {
            let Some(field_id) = catalog.field_id(key) else {
                return Err(ApiError::bad_data(format!(
                    "{path}.custom: unknown custom field id {key:?} (custom keys are field ids from POST /v1/contact-fields)"
                )));
            };
            match v {
                Value::String(text) => custom.push((field_id, text.clone())),
                Value::Null => self.fail(null_message(&format!("custom.{key}"))),
                other => self.fail(format!(
                    "custom.{key} must be a string, got {}",
                    shown(other)
                )),
            }
        }
        Ok(Some(custom))
    }

    fn tags(&mut self, path: &str, catalog: &Catalog) -> Result<Option<Vec<i64>>, ApiError> {
        let Some(items) = self.parsed("tags", "a list of {\"tag_id\": int}", Value::as_array)
        else {
            return Ok(None);
        };
        let mut tags = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let Some(id) = item.get("tag_id").and_then(Value::as_i64) else {
                self.fail(format!(
                    "tags[{i}] must be {{\"tag_id\": int}}, got {}",
                    shown(item)
                ));
                continue;
            };
            if !catalog.has_tag(id) {
                return Err(ApiError::bad_data(format!(
                    "{path}.tags[{i}].tag_id: unknown tag_id {id} (see POST /v1/tags)"
                )));
            }
            if !tags.contains(&id) {
                tags.push(id);
            }
        }
        if items.len() > MAX_TAGS {
            self.fail(format!(
                "tags: a contact carries at most {MAX_TAGS} tags, got {}",
                items.len()
            ));
        }
        Ok(Some(tags))
    }

    /// `contact_channels`: `(channel_type, channel_id)` of each channel,
    /// `phone` (8 to 15 digits) or `email`.
    fn channels(&mut self) -> Option<Vec<(String, String)>> {
        let items = self.parsed(
            "contact_channels",
            "a list of {\"channel_type\", \"channel_id\"}",
            Value::as_array,
        )?;
        let mut channels = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let kind = item.get("channel_type").and_then(Value::as_str);
            let id = item.get("channel_id").and_then(Value::as_str);
            match (kind, id) {
                (Some("phone"), Some(id)) if is_valid_phone(id) => {
                    channels.push(("phone".to_string(), id.to_string()))
                }
                (Some("email"), Some(id)) if is_valid_email(id) => {
                    channels.push(("email".to_string(), id.to_string()))
                }
                (Some("phone" | "email"), _) => self.fail(format!(
                    "contact_channels[{i}].channel_id must be a phone of 8 to 15 digits or an \
                     email address, as its channel_type says, got {}",
                    shown(item)
                )),
                _ => self.fail(format!(
                    "contact_channels[{i}] must be {{\"channel_type\": \"phone\" or \"email\", \
                     \"channel_id\": ...}}, got {}",
                    shown(item)
                )),
            }
        }
        Some(channels)
    }

    fn assignee(&mut self, path: &str, catalog: &Catalog) -> Result<Option<i64>, ApiError> {
        let Some(id) = self.parsed(
            "assignee_id",
            "an integer (a member id, or -1 to unassign)",
            Value::as_i64,
        ) else {
            return Ok(None);
        };
        if id != -1 && !catalog.has_member(id) {
            return Err(ApiError::bad_data(format!(
                "{path}.assignee_id: {id} is not a team member (see GET /v1/team; -1 unassigns)"
            )));
        }
        Ok(Some(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_rule() {
        assert!(is_valid_phone("15105553344"));
        assert!(is_valid_phone("12345678"));
        assert!(is_valid_phone("123456789012345"));
        assert!(!is_valid_phone("1234567"));
        assert!(!is_valid_phone("1234567890123456"));
        assert!(!is_valid_phone("+15105553344"));
        assert!(!is_valid_phone("1510 555 3344"));
        assert!(!is_valid_phone("１５１０５５５３３４４"));
    }

    #[test]
    fn email_rule() {
        assert!(is_valid_email("a@b.co"));
        assert!(is_valid_email("first.last+tag@mail.example.com"));
        for bad in [
            "a@b", "@b.co", "a@.co", "a@b.", "a b@c.de", "a@b@c.de", "abc",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }
}
