//! The in-memory contact store: takes checked writes ([`ContactWrite`]) and
//! gives contacts by id, phone, UUID or email, and in `updated` order for
//! listing, plus the account's catalog (custom fields, tags, team).
//!
//! Contacts live in a vector indexed by id − 1 (ids count up from 1 and are
//! never reused; a deleted contact leaves `None`). Indexes: phone → id,
//! UUID → id, lowercased email → ids, and an ordered set of
//! `(updated seconds, id)` so a cursor is a range query and ties on `updated`
//! are ordered by id. Timestamps are whole seconds since the epoch.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;

use uuid::Uuid;

use super::write::ContactWrite;
use super::{FieldDef, SimConfig, TagDef, TeamDef};

/// The last operation on a contact (the read shape's `op`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    pub id: i64,
    pub channel_type: String,
    pub channel_id: String,
    pub created: i64,
    pub updated: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub id: i64,
    pub uuid: Uuid,
    pub phone: String,
    pub first: String,
    pub last: String,
    pub display_name: String,
    pub email: String,
    pub avatar: String,
    /// Custom values keyed by field id as a string.
    pub custom: BTreeMap<String, String>,
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
            for (key, value) in custom {
                if value.is_empty() {
                    self.custom.remove(key);
                } else {
                    self.custom.insert(key.clone(), value.clone());
                }
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

/// A tag as stored: the seed's `{id, tag, color}` plus what `/v1/tag` answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRecord {
    pub id: i64,
    pub tag: String,
    pub color: String,
    pub uuid: Uuid,
    pub rev: i64,
    pub created: i64,
    pub updated: i64,
}

/// The account's names for things, which writes are checked against.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub fields: Vec<FieldDef>,
    pub tags: Vec<TagRecord>,
    pub team: TeamDef,
}

impl Catalog {
    pub fn new(fields: Vec<FieldDef>, tags: Vec<TagDef>, team: TeamDef, now: i64) -> Self {
        let tags = tags
            .into_iter()
            .map(|t| TagRecord {
                id: t.id,
                tag: t.tag,
                color: t.color,
                uuid: Uuid::new_v4(),
                rev: 1,
                created: now,
                updated: now,
            })
            .collect();
        Catalog { fields, tags, team }
    }

    /// Whether `key` is the id of a custom field, written as on the wire ("101").
    pub fn has_field(&self, key: &str) -> bool {
        self.fields.iter().any(|f| f.id.to_string() == key)
    }

    pub fn has_tag(&self, id: i64) -> bool {
        self.tags.iter().any(|t| t.id == id)
    }

    pub fn has_member(&self, id: i64) -> bool {
        self.team.members.iter().any(|m| m.id == id)
    }

    /// The user contacts are created by: the team's first member (0 without one).
    pub fn creator_id(&self) -> i64 {
        self.team.members.first().map_or(0, |m| m.id)
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
    by_phone: HashMap<String, i64>,
    by_uuid: HashMap<Uuid, i64>,
    by_email: HashMap<String, Vec<i64>>,
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
        self.by_phone.get(phone).copied()
    }

    pub fn id_by_uuid(&self, uuid: &Uuid) -> Option<i64> {
        self.by_uuid.get(uuid).copied()
    }

    /// Contacts whose email is `email`, compared without case.
    pub fn ids_by_email(&self, email: &str) -> &[i64] {
        self.by_email
            .get(&email.to_lowercase())
            .map_or(&[], Vec::as_slice)
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

    /// Why `phone` cannot go to contact `id` (`None` = a new contact), if it cannot.
    pub fn phone_taken(&self, phone: &str, id: Option<i64>) -> Option<String> {
        let holder = self.id_by_phone(phone)?;
        if Some(holder) == id {
            return None;
        }
        let uuid = self.get(holder).map(|c| c.uuid).unwrap_or_default();
        Some(format!("phone exists: {uuid}"))
    }

    /// Creates a contact from `write` (whose phone must be set) at time `now`.
    /// Fails with `phone exists: <uuid>` when another contact holds the phone.
    pub fn create(&mut self, write: &ContactWrite, now: i64) -> Result<i64, String> {
        let phone = write
            .phone
            .clone()
            .ok_or_else(|| "phone is required to create a contact".to_string())?;
        if let Some(taken) = self.phone_taken(&phone, None) {
            return Err(taken);
        }
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
            custom: BTreeMap::new(),
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
        self.by_phone.insert(contact.phone.clone(), id);
        self.by_uuid.insert(contact.uuid, id);
        self.index_email(&contact.email, id);
        self.by_updated.insert((now, id));
        self.contacts.push(Some(contact));
        self.live += 1;
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
        let found = self.modify(id, now, |contact| {
            if let Some(phone) = &write.phone {
                contact.phone.clone_from(phone);
            }
            contact.apply(write);
        });
        if found {
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
        let (old_phone, old_email, old_updated) = (
            contact.phone.clone(),
            contact.email.clone(),
            contact.updated,
        );
        change(contact);
        contact.updated = now;
        contact.rev += 1;
        contact.op = Op::Update;
        let (phone, email) = (contact.phone.clone(), contact.email.clone());
        if phone != old_phone {
            self.by_phone.remove(&old_phone);
            self.by_phone.insert(phone, id);
        }
        if email != old_email {
            self.unindex_email(&old_email, id);
            self.index_email(&email, id);
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
        let Some(slot) = usize::try_from(id - 1)
            .ok()
            .and_then(|i| self.contacts.get_mut(i))
        else {
            return false;
        };
        let Some(contact) = slot.take() else {
            return false;
        };
        self.by_phone.remove(&contact.phone);
        self.by_uuid.remove(&contact.uuid);
        self.unindex_email(&contact.email, id);
        self.by_updated.remove(&(contact.updated, id));
        self.live -= 1;
        true
    }

    /// Adds a channel to contact `id` unless it has it already.
    pub fn add_channel(&mut self, id: i64, channel_type: &str, channel_id: &str, now: i64) {
        let next_id = self.next_channel_id;
        let Some(contact) = self.get_mut(id) else {
            return;
        };
        let is_phone = channel_type == "phone" && contact.phone == channel_id;
        let known = contact
            .channels
            .iter()
            .any(|c| c.channel_type == channel_type && c.channel_id == channel_id);
        if is_phone || known {
            return;
        }
        contact.channels.push(Channel {
            id: next_id,
            channel_type: channel_type.to_string(),
            channel_id: channel_id.to_string(),
            created: now,
            updated: now,
        });
        self.next_channel_id += 1;
    }

    fn index_email(&mut self, email: &str, id: i64) {
        if !email.is_empty() {
            self.by_email
                .entry(email.to_lowercase())
                .or_default()
                .push(id);
        }
    }

    fn unindex_email(&mut self, email: &str, id: i64) {
        let key = email.to_lowercase();
        if let Some(ids) = self.by_email.get_mut(&key) {
            ids.retain(|&other| other != id);
            if ids.is_empty() {
                self.by_email.remove(&key);
            }
        }
    }
}
