//! Read shapes: takes a stored contact and gives what the API shows of it.
//!
//! - v2 (`/v2/...`): `{id, uuid, phone, first, last, display_name, email,
//!   custom, tags, assigned_user_id, is_opted_out, team_id, creator_id, shared,
//!   created, updated, rev, op}`;
//! - v1 (`/v1/contacts`): the same without `uuid`;
//! - admin (`/_sim/contacts`): v2 plus `blocked` and `avatar`, which the API
//!   itself never shows.
//!
//! Channels (`/v2/contact/{uuid}/channels`): the phone first, then the
//! channels added to the contact.

use serde::Serialize;

use super::catalog::Catalog;
use super::store::{Contact, CustomValues};
use super::wire::rfc3339;

/// Which read shape to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    V1,
    V2,
    Admin,
}

#[derive(Debug, Serialize)]
pub struct ContactView<'a> {
    id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    uuid: Option<String>,
    phone: &'a str,
    first: &'a str,
    last: &'a str,
    display_name: &'a str,
    email: &'a str,
    custom: &'a CustomValues,
    tags: &'a [i64],
    assigned_user_id: Option<i64>,
    is_opted_out: bool,
    team_id: i64,
    creator_id: i64,
    shared: bool,
    created: String,
    updated: String,
    rev: i64,
    op: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    blocked: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    avatar: Option<&'a str>,
}

pub fn contact_view<'a>(contact: &'a Contact, catalog: &Catalog, shape: Shape) -> ContactView<'a> {
    let admin = shape == Shape::Admin;
    ContactView {
        id: contact.id,
        uuid: (shape != Shape::V1).then(|| contact.uuid.to_string()),
        phone: &contact.phone,
        first: &contact.first,
        last: &contact.last,
        display_name: &contact.display_name,
        email: &contact.email,
        custom: &contact.custom,
        tags: &contact.tags,
        assigned_user_id: contact.assigned_user_id,
        is_opted_out: contact.is_opted_out,
        team_id: catalog.team.id,
        creator_id: catalog.creator_id(),
        shared: true,
        created: rfc3339(contact.created),
        updated: rfc3339(contact.updated),
        rev: contact.rev,
        op: contact.op.as_str(),
        blocked: admin.then_some(contact.blocked),
        avatar: admin.then_some(contact.avatar.as_str()),
    }
}

/// Views of `contacts` in one shape.
pub fn contact_views<'a>(
    contacts: impl IntoIterator<Item = &'a Contact>,
    catalog: &Catalog,
    shape: Shape,
) -> Vec<ContactView<'a>> {
    contacts
        .into_iter()
        .map(|c| contact_view(c, catalog, shape))
        .collect()
}

#[derive(Debug, Serialize)]
pub struct ChannelView<'a> {
    id: i64,
    team_id: i64,
    /// The contact's UUID (v2 identifies contacts by UUID).
    contact_id: String,
    channel_type: &'a str,
    channel_id: &'a str,
    /// How the channel is shown: `+15105553344` for a phone.
    channel_handle: String,
    info_channel: bool,
    created: String,
    updated: String,
}

/// The contact's channels: its phone, then the ones added to it.
pub fn channel_views<'a>(contact: &'a Contact, catalog: &Catalog) -> Vec<ChannelView<'a>> {
    let view = |id, channel_type: &'a str, channel_id: &'a str, created, updated| ChannelView {
        id,
        team_id: catalog.team.id,
        contact_id: contact.uuid.to_string(),
        channel_type,
        channel_id,
        channel_handle: if channel_type == "phone" {
            format!("+{channel_id}")
        } else {
            channel_id.to_string()
        },
        info_channel: false,
        created: rfc3339(created),
        updated: rfc3339(updated),
    };
    let phone = view(
        contact.phone_channel_id,
        "phone",
        &contact.phone,
        contact.created,
        contact.updated,
    );
    let added = contact
        .channels
        .iter()
        .map(|c| view(c.id, &c.channel_type, &c.channel_id, c.created, c.updated));
    std::iter::once(phone).chain(added).collect()
}
