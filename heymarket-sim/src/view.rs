//! Read shapes: takes a stored contact and gives what the API shows of it.
//!
//! - v2 (`/v2/...`): `{id, uuid, phone, first, last, display_name, email,
//!   custom, tags, assigned_user_id, is_opted_out, team_id, creator_id, shared,
//!   created, updated, rev, op}`, as the [`Readings`] say: without `uuid`
//!   (`answers_uuid`), with `contact_channels` instead of or beside `phone`
//!   (`contact_shape`), tags as objects or ids (`tag_shape`);
//! - v1 (`/v1/contacts`): the same without `uuid` or channels;
//! - admin (`/_sim/contacts`): v2 with tag ids, plus `blocked` and `avatar`,
//!   which the API itself never shows.
//!
//! Channels (`/v2/contact/{uuid}/channels`, and a contact's
//! `contact_channels`): the phone first, then the channels added to the
//! contact; a channel's `id` and `info_channel` are strings, as the
//! reference's ContactChannel object has them.

use serde::Serialize;

use super::catalog::Catalog;
use super::readings::{ContactShape, Readings, TagShape};
use super::store::{Contact, CustomValues};
use super::wire::rfc3339;

/// Which read shape to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    V1(Readings),
    V2(Readings),
    Admin,
}

/// A tag on a contact, as [`TagShape`] says.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum TagView<'a> {
    Id(i64),
    TagId {
        tag_id: i64,
    },
    Tag {
        id: i64,
        tag: &'a str,
        color: &'a str,
    },
    Name {
        id: i64,
        name: &'a str,
        color: &'a str,
    },
}

#[derive(Debug, Serialize)]
pub struct ContactView<'a> {
    id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    uuid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contact_channels: Option<Vec<ChannelView<'a>>>,
    first: &'a str,
    last: &'a str,
    display_name: &'a str,
    email: &'a str,
    custom: &'a CustomValues,
    tags: Vec<TagView<'a>>,
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

pub fn contact_view<'a>(
    contact: &'a Contact,
    catalog: &'a Catalog,
    shape: Shape,
) -> ContactView<'a> {
    let admin = shape == Shape::Admin;
    let (uuid, phone, channels, tag_shape) = match shape {
        Shape::Admin => (true, true, false, TagShape::Id),
        Shape::V1(r) => (false, true, false, r.tag_shape),
        Shape::V2(r) => (
            r.answers_uuid,
            r.contact_shape != ContactShape::Channels,
            r.contact_shape != ContactShape::Phone,
            r.tag_shape,
        ),
    };
    ContactView {
        id: contact.id,
        uuid: uuid.then(|| contact.uuid.to_string()),
        phone: phone.then_some(contact.phone.as_str()),
        contact_channels: channels.then(|| channel_views(contact, catalog, uuid)),
        first: &contact.first,
        last: &contact.last,
        display_name: &contact.display_name,
        email: &contact.email,
        custom: &contact.custom,
        tags: contact
            .tags
            .iter()
            .map(|&id| tag_view(id, catalog, tag_shape))
            .collect(),
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

fn tag_view(id: i64, catalog: &Catalog, shape: TagShape) -> TagView<'_> {
    let tag = catalog.tags.iter().find(|t| t.id == id);
    match (shape, tag) {
        (TagShape::Id, _) | (_, None) => TagView::Id(id),
        (TagShape::TagId, _) => TagView::TagId { tag_id: id },
        (TagShape::Tag, Some(t)) => TagView::Tag {
            id,
            tag: &t.tag,
            color: &t.color,
        },
        (TagShape::Name, Some(t)) => TagView::Name {
            id,
            name: &t.tag,
            color: &t.color,
        },
    }
}

/// Views of `contacts` in one shape.
pub fn contact_views<'a>(
    contacts: impl IntoIterator<Item = &'a Contact>,
    catalog: &'a Catalog,
    shape: Shape,
) -> Vec<ContactView<'a>> {
    contacts
        .into_iter()
        .map(|c| contact_view(c, catalog, shape))
        .collect()
}

#[derive(Debug, Serialize)]
pub struct ChannelView<'a> {
    id: String,
    team_id: i64,
    /// The contact's UUID (v2 identifies contacts by UUID); left out of a
    /// contact's `contact_channels` when answers carry no uuid.
    #[serde(skip_serializing_if = "Option::is_none")]
    contact_id: Option<String>,
    channel_type: &'a str,
    channel_id: &'a str,
    /// How the channel is shown: `+15105553344` for a phone.
    channel_handle: String,
    /// A related integration channel: none here.
    info_channel: &'static str,
    created: String,
    updated: String,
}

/// The contact's channels: its phone, then the ones added to it; each names
/// the contact's uuid when `uuid`.
pub fn channel_views<'a>(
    contact: &'a Contact,
    catalog: &Catalog,
    uuid: bool,
) -> Vec<ChannelView<'a>> {
    let view =
        |id: i64, channel_type: &'a str, channel_id: &'a str, created, updated| ChannelView {
            id: id.to_string(),
            team_id: catalog.team.id,
            contact_id: uuid.then(|| contact.uuid.to_string()),
            channel_type,
            channel_id,
            channel_handle: if channel_type == "phone" {
                format!("+{channel_id}")
            } else {
                channel_id.to_string()
            },
            info_channel: "",
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
