//! The in-memory contact store: takes checked writes ([`ContactWrite`]) and
//! gives contacts by id, phone, UUID or email, and in `updated` order for
//! listing; it also holds the account's [`Catalog`].
//!
//! Contacts live in a vector indexed by id − 1 (ids count up from 1 and are
//! never reused; a deleted contact leaves `None`). Indexes: phone → id,
//! UUID → id, email → ids, and an ordered set of `(updated seconds, id)` so a
//! cursor is a range query and ties on `updated` are ordered by id. The
//! phone and email indexes hold small numeric keys ([`phone_key`],
//! [`email_key`]) rather than copies of the text, which keeps a store of a
//! million contacts near 1 KB each. Timestamps are whole seconds since the
//! epoch.

use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Bound;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use super::SimConfig;
use super::catalog::Catalog;
use super::write::ContactWrite;

/// A contact's custom values: `(field id, value)` sorted by field id, no empty
/// values. Shown as a JSON object keyed by the field id as a string
/// (`{"101": "Acme"}`). A short vector, since an account has few fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomValues(Vec<(i64, String)>);

impl CustomValues {
    /// Sets field `id` to `value`; an empty value removes it.
    pub fn set(&mut self, id: i64, value: &str) {
        match self.0.binary_search_by_key(&id, |(field, _)| *field) {
            Ok(at) if value.is_empty() => {
                self.0.remove(at);
            }
            Ok(at) => self.0[at].1 = value.to_string(),
            Err(_) if value.is_empty() => {}
            Err(at) => self.0.insert(at, (id, value.to_string())),
        }
    }
}

impl Serialize for CustomValues {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(id, value)| (id.to_string(), value)))
    }
}

impl<'de> Deserialize<'de> for CustomValues {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = HashMap::<String, String>::deserialize(deserializer)?;
        let mut values = CustomValues::default();
        for (key, value) in map {
            let id = key.parse().map_err(|_| {
                serde::de::Error::custom(format!("custom field id {key:?} is not an integer"))
            })?;
            values.set(id, &value);
        }
        Ok(values)
    }
}

/// The last operation on a contact (the read shape's `op`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Create,
    Update,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Update => "update",
        }
    }
}

/// A channel added with `POST /v2/contact/{uuid}/channel` (the phone is the
/// contact's first channel and is not stored here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    pub id: i64,
    pub channel_type: String,
    pub channel_id: String,
    pub created: i64,
    pub updated: i64,
}

/// A stored contact; also its form in a state file ([`super::persist`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub id: i64,
    pub uuid: Uuid,
    pub phone: String,
    pub first: String,
    pub last: String,
    pub display_name: String,
    pub email: String,
    pub avatar: String,
    pub custom: CustomValues,
    pub tags: Vec<i64>,
    pub assigned_user_id: Option<i64>,
    pub is_opted_out: bool,
    pub blocked: bool,
    pub created: i64,
    pub updated: i64,
    pub rev: i64,
    pub op: Op,
    /// Id of the phone channel (the first of `/v2/contact/{uuid}/channels`).
    pub phone_channel_id: i64,
    pub channels: Vec<Channel>,
}

impl Contact {
    /// The display name a contact gets when none is given: "first last", trimmed.
    fn default_display_name(&self) -> String {
        format!("{} {}", self.first, self.last).trim().to_string()
    }

    /// Applies every field `write` sets (not the phone: the store keeps its index).
    fn apply(&mut self, write: &ContactWrite) {
        let derived_name = self.display_name == self.default_display_name();
        let set = |field: &mut String, value: &Option<String>| {
            if let Some(v) = value {
                field.clone_from(v);
            }
        };
        set(&mut self.first, &write.first);
        set(&mut self.last, &write.last);
        set(&mut self.email, &write.email);
        set(&mut self.avatar, &write.avatar);
        match &write.display_name {
            Some(name) => self.display_name.clone_from(name),
            None if derived_name => self.display_name = self.default_display_name(),
            None => {}
        }
        if let Some(custom) = &write.custom {
            for (id, value) in custom {
                self.custom.set(*id, value);
            }
        }
        if let Some(tags) = &write.tags {
            self.tags.clone_from(tags);
        }
        if let Some(assignee) = write.assignee_id {
            self.assigned_user_id = (assignee != -1).then_some(assignee);
        }
        if let Some(opted_out) = write.is_opted_out {
            self.is_opted_out = opted_out;
        }
    }
}

/// A contact's place in the listing order: `(updated seconds, id)`.
type OrderKey = (i64, i64);

/// Which slice of the `updated` order a listing reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Oldest first when true, newest first when false.
    pub ascending: bool,
    /// The cursor: `(seconds, nanoseconds)` of the `date` field, if any.
    pub date: Option<(i64, u32)>,
    /// Whether `updated == date` is inside the window.
    pub inclusive: bool,
}

impl Window {
    /// The `(updated, id)` key range this window covers. Descending reads below
    /// the date, ascending above it; `updated` has whole seconds, so a date with
    /// a fraction is rounded up where that keeps the comparison exact.
    fn key_range(&self) -> (Bound<OrderKey>, Bound<OrderKey>) {
        let Some((secs, nanos)) = self.date else {
            return (Bound::Unbounded, Bound::Unbounded);
        };
        let ceil = secs.saturating_add(i64::from(nanos > 0));
        let next = secs.saturating_add(1);
        match (self.ascending, self.inclusive) {
            // updated < date
            (false, false) => (Bound::Unbounded, Bound::Excluded((ceil, i64::MIN))),
            // updated <= date
            (false, true) => (Bound::Unbounded, Bound::Excluded((next, i64::MIN))),
            // updated > date
            (true, false) => (Bound::Included((next, i64::MIN)), Bound::Unbounded),
            // updated >= date
            (true, true) => (Bound::Included((ceil, i64::MIN)), Bound::Unbounded),
        }
    }
}

#[derive(Debug, Default)]
pub struct Store {
    contacts: Vec<Option<Contact>>,
    live: usize,
    by_phone: HashMap<u64, i64>,
    by_uuid: HashMap<Uuid, i64>,
    /// `(email_key, id)`.
    by_email: BTreeSet<(u64, i64)>,
    /// The channels added to contacts: `(kind, key, id)`, kind 0 for a
    /// phone ([`phone_key`]) and 1 for an email ([`email_key`]).
    by_channel: BTreeSet<(u8, u64, i64)>,
    by_updated: BTreeSet<OrderKey>,
    next_channel_id: i64,
    pub catalog: Catalog,
}

impl Store {
    pub fn new(config: &SimConfig, now: i64) -> Self {
        Store {
            catalog: Catalog::new(
                config.fields.clone(),
                config.tags.clone(),
                config.team.clone(),
                now,
            ),
            next_channel_id: 1,
            ..Store::default()
        }
    }

    /// A store holding `contacts` as a state file gives them, indexes rebuilt.
    /// Fails, naming the contact, on what a store never holds: an id out of
    /// range or twice, a phone or UUID twice, a channel id not yet handed out.
    pub fn restore(
        catalog: Catalog,
        contacts: Vec<Contact>,
        next_contact_id: i64,
        next_channel_id: i64,
    ) -> Result<Store, String> {
        let slots = usize::try_from(next_contact_id.saturating_sub(1))
            .map_err(|_| format!("next_contact_id {next_contact_id} is out of range"))?;
        if contacts.len() > slots {
            return Err(format!(
                "{} contacts but next_contact_id is {next_contact_id}",
                contacts.len()
            ));
        }
        let mut store = Store {
            catalog,
            contacts: vec![None; slots],
            next_channel_id,
            ..Store::default()
        };
        for contact in contacts {
            let id = contact.id;
            let slot = usize::try_from(id.saturating_sub(1))
                .ok()
                .filter(|_| id >= 1)
                .filter(|&i| i < slots && store.contacts[i].is_none())
                .ok_or_else(|| format!("contact id {id} is out of range or appears twice"))?;
            let key = phone_key(&contact.phone)
                .filter(|_| store.phone_taken(&contact.phone, None).is_none())
                .ok_or_else(|| {
                    format!(
                        "contact {id}: phone {:?} is invalid or taken",
                        contact.phone
                    )
                })?;
            if store.by_uuid.insert(contact.uuid, id).is_some() {
                return Err(format!("contact {id}: uuid {} appears twice", contact.uuid));
            }
            let channel_ids = contact.channels.iter().map(|c| c.id);
            if std::iter::once(contact.phone_channel_id)
                .chain(channel_ids)
                .any(|c| c < 1 || c >= next_channel_id)
            {
                return Err(format!(
                    "contact {id}: a channel id is not below next_channel_id {next_channel_id}"
                ));
            }
            store.index(Some(key), email_key(&contact.email), id);
            for c in &contact.channels {
                if let Some(k) = channel_key(&c.channel_type, &c.channel_id) {
                    store.by_channel.insert((k.0, k.1, id));
                }
            }
            store.by_updated.insert((contact.updated, id));
            store.contacts[slot] = Some(contact);
            store.live += 1;
        }
        Ok(store)
    }

    /// The id the next contact created gets (ids are never reused).
    pub fn next_contact_id(&self) -> i64 {
        self.contacts.len() as i64 + 1
    }

    /// The id the next channel added gets.
    pub fn next_channel_id(&self) -> i64 {
        self.next_channel_id
    }

    /// How many contacts are stored.
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    pub fn get(&self, id: i64) -> Option<&Contact> {
        let index = usize::try_from(id.checked_sub(1)?).ok()?;
        self.contacts.get(index)?.as_ref()
    }

    fn get_mut(&mut self, id: i64) -> Option<&mut Contact> {
        let index = usize::try_from(id.checked_sub(1)?).ok()?;
        self.contacts.get_mut(index)?.as_mut()
    }

    pub fn id_by_phone(&self, phone: &str) -> Option<i64> {
        self.by_phone.get(&phone_key(phone)?).copied()
    }

    pub fn id_by_uuid(&self, uuid: &Uuid) -> Option<i64> {
        self.by_uuid.get(uuid).copied()
    }

    /// Contacts whose email is `email`, compared without case.
    pub fn ids_by_email(&self, email: &str) -> Vec<i64> {
        let Some(key) = email_key(email) else {
            return Vec::new();
        };
        let wanted = email.to_lowercase();
        self.by_email
            .range((key, i64::MIN)..=(key, i64::MAX))
            .map(|&(_, id)| id)
            .filter(|&id| {
                self.get(id)
                    .is_some_and(|c| c.email.to_lowercase() == wanted)
            })
            .collect()
    }

    /// Contacts holding `phone`: as their phone, or as a channel added.
    pub fn ids_by_any_phone(&self, phone: &str) -> Vec<i64> {
        let mut ids: Vec<i64> = self.id_by_phone(phone).into_iter().collect();
        for id in self.ids_by_channel("phone", phone) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }

    /// Contacts holding `email` (without case): as their email, or as a
    /// channel added.
    pub fn ids_by_any_email(&self, email: &str) -> Vec<i64> {
        let mut ids = self.ids_by_email(email);
        for id in self.ids_by_channel("email", email) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }

    /// Contacts with an added channel `channel_type` / `channel_id` (emails
    /// compared without case).
    fn ids_by_channel(&self, channel_type: &str, channel_id: &str) -> Vec<i64> {
        let Some((kind, key)) = channel_key(channel_type, channel_id) else {
            return Vec::new();
        };
        self.by_channel
            .range((kind, key, i64::MIN)..=(kind, key, i64::MAX))
            .map(|&(_, _, id)| id)
            .filter(|&id| {
                self.get(id).is_some_and(|c| {
                    c.channels.iter().any(|ch| {
                        ch.channel_type == channel_type
                            && ch.channel_id.to_lowercase() == channel_id.to_lowercase()
                    })
                })
            })
            .collect()
    }

    /// Every contact, by id.
    pub fn all(&self) -> impl Iterator<Item = &Contact> {
        self.contacts.iter().flatten()
    }

    /// The contacts of `window`, in its order, after skipping `skip`: at most `limit`.
    pub fn page(&self, window: Window, skip: usize, limit: usize) -> Vec<&Contact> {
        let range = self.by_updated.range(window.key_range());
        let keys: Vec<OrderKey> = if window.ascending {
            range.skip(skip).take(limit).copied().collect()
        } else {
            range.rev().skip(skip).take(limit).copied().collect()
        };
        keys.into_iter()
            .filter_map(|(_, id)| self.get(id))
            .collect()
    }

    /// How many contacts `window` holds.
    pub fn count(&self, window: Window) -> usize {
        if window.date.is_none() {
            return self.live;
        }
        self.by_updated.range(window.key_range()).count()
    }

    /// Why `phone` cannot go to contact `id` (`None` = a new contact), if it
    /// cannot: another contact has it as its phone. (A phone added to a
    /// contact as a channel may be another's phone or channel too: people
    /// share a home or office number, and the reference does not forbid it.)
    pub fn phone_taken(&self, phone: &str, id: Option<i64>) -> Option<String> {
        let holder = self.id_by_phone(phone).filter(|&h| Some(h) != id)?;
        let uuid = self.get(holder).map(|c| c.uuid).unwrap_or_default();
        Some(format!("phone exists: {uuid}"))
    }

    /// Creates a contact from `write` (whose phone must be set) at time `now`.
    /// Fails with `phone exists: <uuid>` when another contact holds the phone.
    pub fn create(&mut self, write: &ContactWrite, now: i64) -> Result<i64, String> {
        let phone = write.phone.clone().unwrap_or_default();
        if let Some(taken) = self.phone_taken(&phone, None) {
            return Err(taken);
        }
        self.create_duplicate(write, now)
    }

    /// Why the phone channels of `write` cannot go to contact `id` (`None`:
    /// a new contact), if one cannot: another contact holds it.
    fn channels_taken(&self, write: &ContactWrite, id: Option<i64>) -> Option<String> {
        write
            .channels
            .iter()
            .filter(|(kind, _)| kind == "phone")
            .find_map(|(_, phone)| self.phone_taken(phone, id))
    }

    /// Adds the channels of `write` that contact `id` does not hold yet.
    fn add_write_channels(&mut self, id: i64, write: &ContactWrite, now: i64) {
        for (kind, value) in &write.channels {
            if self.channel_held(id, kind, value).is_none() {
                self.add_channel(id, kind, value, now);
            }
        }
    }

    /// [`Store::create`] even when another contact holds the phone (the
    /// `existing_phone: duplicate` switch): the phone index keeps the first
    /// holder, so searches by phone find that one.
    pub fn create_duplicate(&mut self, write: &ContactWrite, now: i64) -> Result<i64, String> {
        let phone = write.phone.clone().unwrap_or_default();
        let key = phone_key(&phone)
            .ok_or_else(|| format!("phone must be 8 to 15 digits, got {phone:?}"))?;
        if let Some(taken) = self.channels_taken(write, None) {
            return Err(taken);
        }
        let key = Some(key).filter(|_| self.id_by_phone(&phone).is_none());
        let id = self.contacts.len() as i64 + 1;
        let mut contact = Contact {
            id,
            uuid: Uuid::new_v4(),
            phone,
            first: String::new(),
            last: String::new(),
            display_name: String::new(),
            email: String::new(),
            avatar: String::new(),
            custom: CustomValues::default(),
            tags: Vec::new(),
            assigned_user_id: None,
            is_opted_out: false,
            blocked: false,
            created: now,
            updated: now,
            rev: 1,
            op: Op::Create,
            phone_channel_id: self.next_channel_id,
            channels: Vec::new(),
        };
        self.next_channel_id += 1;
        contact.apply(write);
        self.index(key, email_key(&contact.email), id);
        self.by_uuid.insert(contact.uuid, id);
        self.by_updated.insert((now, id));
        self.contacts.push(Some(contact));
        self.live += 1;
        self.add_write_channels(id, write, now);
        Ok(id)
    }

    /// Applies `write` to contact `id` at time `now`. Fails with
    /// `phone exists: <uuid>` when the new phone belongs to another contact.
    pub fn update(&mut self, id: i64, write: &ContactWrite, now: i64) -> Result<(), String> {
        if let Some(taken) = write
            .phone
            .as_deref()
            .and_then(|p| self.phone_taken(p, Some(id)))
        {
            return Err(taken);
        }
        if let Some(taken) = self.channels_taken(write, Some(id)) {
            return Err(taken);
        }
        let found = self.modify(id, now, |contact| {
            if let Some(phone) = &write.phone {
                contact.phone.clone_from(phone);
            }
            contact.apply(write);
        });
        if found {
            self.add_write_channels(id, write, now);
            Ok(())
        } else {
            Err(format!("contact not found: id {id}"))
        }
    }

    /// Changes contact `id` with `change` as one write: `updated` becomes `now`,
    /// `rev` goes up by one, indexes follow. False when there is no such contact.
    pub fn modify(&mut self, id: i64, now: i64, change: impl FnOnce(&mut Contact)) -> bool {
        let Some(contact) = self.get_mut(id) else {
            return false;
        };
        let old_phone = phone_key(&contact.phone);
        let old_email = email_key(&contact.email);
        let old_updated = contact.updated;
        change(contact);
        contact.updated = now;
        contact.rev += 1;
        contact.op = Op::Update;
        let (phone, email) = (phone_key(&contact.phone), email_key(&contact.email));
        if (phone, email) != (old_phone, old_email) {
            self.unindex(old_phone, old_email, id);
            self.index(phone, email, id);
        }
        self.by_updated.remove(&(old_updated, id));
        self.by_updated.insert((now, id));
        true
    }

    /// Sets `updated` and `created` of a fresh contact, for seeding history.
    pub fn backdate(&mut self, id: i64, when: i64) {
        let Some(contact) = self.get_mut(id) else {
            return;
        };
        let old = contact.updated;
        contact.created = when;
        contact.updated = when;
        self.by_updated.remove(&(old, id));
        self.by_updated.insert((when, id));
    }

    /// Deletes contact `id` for good. False when there is no such contact.
    pub fn delete(&mut self, id: i64) -> bool {
        let slot = usize::try_from(id.saturating_sub(1))
            .ok()
            .and_then(|index| self.contacts.get_mut(index));
        let Some(contact) = slot.and_then(Option::take) else {
            return false;
        };
        self.unindex(phone_key(&contact.phone), email_key(&contact.email), id);
        for c in &contact.channels {
            if let Some((kind, key)) = channel_key(&c.channel_type, &c.channel_id) {
                self.by_channel.remove(&(kind, key, id));
            }
        }
        self.by_uuid.remove(&contact.uuid);
        self.by_updated.remove(&(contact.updated, id));
        self.live -= 1;
        true
    }

    /// The id of contact `id`'s channel `channel_type`/`channel_id` (its
    /// phone included), if it has it.
    pub fn channel_held(&self, id: i64, channel_type: &str, channel_id: &str) -> Option<i64> {
        let contact = self.get(id)?;
        if channel_type == "phone" && contact.phone == channel_id {
            return Some(contact.phone_channel_id);
        }
        contact
            .channels
            .iter()
            .find(|c| c.channel_type == channel_type && c.channel_id == channel_id)
            .map(|c| c.id)
    }

    /// Adds a channel to contact `id` (even one it has: see [`Self::channel_held`]).
    pub fn add_channel(&mut self, id: i64, channel_type: &str, channel_id: &str, now: i64) {
        let next_id = self.next_channel_id;
        let Some(contact) = self.get_mut(id) else {
            return;
        };
        contact.channels.push(Channel {
            id: next_id,
            channel_type: channel_type.to_string(),
            channel_id: channel_id.to_string(),
            created: now,
            updated: now,
        });
        self.next_channel_id += 1;
        if let Some((kind, key)) = channel_key(channel_type, channel_id) {
            self.by_channel.insert((kind, key, id));
        }
    }

    /// Takes contact `id` out of the phone and email indexes under these keys.
    fn unindex(&mut self, phone: Option<u64>, email: Option<u64>, id: i64) {
        // A duplicate (see `create_duplicate`) is not the phone's holder.
        if let Some(key) = phone
            && self.by_phone.get(&key) == Some(&id)
        {
            self.by_phone.remove(&key);
        }
        if let Some(key) = email {
            self.by_email.remove(&(key, id));
        }
    }

    /// Puts contact `id` in the phone and email indexes under these keys.
    fn index(&mut self, phone: Option<u64>, email: Option<u64>, id: i64) {
        if let Some(key) = phone {
            self.by_phone.insert(key, id);
        }
        if let Some(key) = email {
            self.by_email.insert((key, id));
        }
    }
}

/// Key of the phone index: the digits as a number, with their count in the
/// top bits so that "0123…" and "123…" differ (15 digits need 50 bits).
/// `None` unless `phone` is 1 to 15 ASCII digits.
pub fn phone_key(phone: &str) -> Option<u64> {
    if phone.is_empty() || phone.len() > 15 || !phone.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits: u64 = phone.parse().ok()?;
    Some(((phone.len() as u64) << 50) | digits)
}

/// Key of the channel index: `(0, phone key)` or `(1, email key)`.
fn channel_key(channel_type: &str, channel_id: &str) -> Option<(u8, u64)> {
    match channel_type {
        "phone" => phone_key(channel_id).map(|k| (0, k)),
        "email" => email_key(channel_id).map(|k| (1, k)),
        _ => None,
    }
}

/// Key of the email index: a hash of the lowercased address (`None` for an
/// empty one). Lookups compare the contacts' own emails, so two addresses
/// that share a hash never mix.
pub fn email_key(email: &str) -> Option<u64> {
    if email.is_empty() {
        return None;
    }
    let mut hasher = DefaultHasher::new();
    email.to_lowercase().hash(&mut hasher);
    Some(hasher.finish())
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
