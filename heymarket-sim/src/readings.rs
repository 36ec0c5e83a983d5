//! Readings of what the API reference leaves open: takes nothing, gives
//! [`Readings`] — one switch per silence of the public answer schemas (see
//! "What the public answer schemas show" in `heymarket-api.md`) — and
//! [`profiles`], the simulator configurations a client is tested under: every
//! reading that differs from the default alone, then all of them at once.
//!
//! Each default is the seeds' word where they speak ("Simulator profile"):
//! answers carry `uuid`, contacts carry `phone`, a v2 create needs a phone
//! (field or channel), `/v1/tags` names a tag `tag`, `set_status` answers the
//! JSON string `"success"`, a `limit` over 100 is refused, pages count from
//! 0 in v2 and 1 in v1, `active` clears blocked and opted-out, and the count
//! answers `{"count": n}`.

use super::{ExistingPhone, SimConfig};

/// How contacts and the answers about them look, and what the API accepts,
/// where the reference does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readings {
    /// Contact answers (search, list, the `/v2/contacts` answer) carry
    /// `uuid`. The public answer schemas show none; only the single creates
    /// are shown answering `{id, rev, uuid}`.
    pub answers_uuid: bool,
    /// Whether a v2 contact answer shows its phone as `phone`, as a
    /// `contact_channels` array ("instead of a single phone field"), or both.
    pub contact_shape: ContactShape,
    /// What a `/v2/contacts` create needs.
    pub v2_create: V2Create,
    /// How a contact answer shows its tags (and what `/v1/tags` calls a
    /// tag's name).
    pub tag_shape: TagShape,
    /// How `set_status` says "success".
    pub status_answer: StatusAnswer,
    /// What the listings do with a `limit` over [`Readings::max_limit`].
    pub list_limit: ListLimit,
    /// The largest `limit` a listing honours.
    pub max_limit: usize,
    /// Which number the first page of a listing has.
    pub page_base: PageBase,
    /// What `set_status` `active` clears.
    pub active: ActiveClears,
    /// The shape of `/v1/contacts/count`'s answer.
    pub count_answer: CountAnswer,
}

impl Default for Readings {
    fn default() -> Self {
        Readings {
            answers_uuid: true,
            contact_shape: ContactShape::Phone,
            v2_create: V2Create::Phone,
            tag_shape: TagShape::Tag,
            status_answer: StatusAnswer::Json,
            list_limit: ListLimit::Refuse,
            max_limit: 100,
            page_base: PageBase::Seeds,
            active: ActiveClears::Both,
            count_answer: CountAnswer::Object,
        }
    }
}

/// How a v2 contact answer shows its phone and emails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactShape {
    /// `phone` (and `email`), as the answer schemas list them.
    Phone,
    /// No `phone`: a `contact_channels` array of channel objects (the
    /// concepts page: "instead of a single phone field").
    Channels,
    /// `phone` and `contact_channels`.
    Both,
}

/// What a `/v2/contacts` create (an item without `contact_id`) needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum V2Create {
    /// A phone, as `phone` or as a phone channel of `contact_channels`.
    Phone,
    /// At least one channel in `contact_channels` ("at least one channel is
    /// required", `POST /v2/contact`): an item with `phone` alone fails.
    Channels,
}

/// How a contact answer shows a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagShape {
    /// `{"id", "tag", "color"}`, as `/v1/tags` lists tags.
    Tag,
    /// `{"id", "name", "color"}` ("an ID, a name, and a color"); `/v1/tags`
    /// then calls the name `name` too.
    Name,
    /// `{"tag_id"}`, the write shape.
    TagId,
    /// A bare tag id.
    Id,
}

/// How `set_status` answers a success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusAnswer {
    /// The JSON string `"success"`.
    Json,
    /// `success` as plain text.
    Text,
}

/// What a listing does with a `limit` over the largest it honours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListLimit {
    /// 400 `bad_data`.
    Refuse,
    /// Answers at most `max_limit` contacts, silently.
    Cap,
}

/// Which number the first page of a listing has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageBase {
    /// 0 in v2 (`/v2/contacts/list`), 1 in v1 (`/v1/contacts`).
    Seeds,
    /// 0 in both.
    Zero,
    /// 1 in both (page 0 is 400).
    One,
}

impl PageBase {
    /// The first page of the v1 or v2 listing.
    pub fn first(self, v1: bool) -> i64 {
        match self {
            PageBase::Seeds => i64::from(v1),
            PageBase::Zero => 0,
            PageBase::One => 1,
        }
    }
}

/// What `set_status` `active` clears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActiveClears {
    /// Blocked and opted out.
    Both,
    /// Only blocked.
    Blocked,
    /// Only opted out.
    OptedOut,
}

/// The shape of `/v1/contacts/count`'s answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountAnswer {
    /// `{"count": n}`.
    Object,
    /// A bare number.
    Number,
}

/// A simulator configuration to test a client under, by name.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    pub name: &'static str,
    pub apply: fn(&mut SimConfig),
}

/// Every reading that differs from the default, alone (those of
/// [`Readings`], and the older switches for other silences: the cursor,
/// the v1 answer, a create whose phone exists), then all at once.
pub fn profiles() -> Vec<Profile> {
    fn p(name: &'static str, apply: fn(&mut SimConfig)) -> Profile {
        Profile { name, apply }
    }
    let mut all = vec![
        p("answers_uuid_none", |c| c.readings.answers_uuid = false),
        p("contact_shape_channels", |c| {
            c.readings.contact_shape = ContactShape::Channels
        }),
        p("contact_shape_both", |c| {
            c.readings.contact_shape = ContactShape::Both
        }),
        p("v2_create_channels", |c| {
            c.readings.v2_create = V2Create::Channels
        }),
        p("tag_shape_name", |c| c.readings.tag_shape = TagShape::Name),
        p("tag_shape_tag_id", |c| {
            c.readings.tag_shape = TagShape::TagId
        }),
        p("tag_shape_id", |c| c.readings.tag_shape = TagShape::Id),
        p("status_answer_text", |c| {
            c.readings.status_answer = StatusAnswer::Text
        }),
        p("list_limit_cap_30", |c| {
            c.readings.list_limit = ListLimit::Cap;
            c.readings.max_limit = 30;
        }),
        p("list_limit_refuse_500", |c| c.readings.max_limit = 500),
        p("page_base_0", |c| c.readings.page_base = PageBase::Zero),
        p("page_base_1", |c| c.readings.page_base = PageBase::One),
        p("active_clears_blocked", |c| {
            c.readings.active = ActiveClears::Blocked
        }),
        p("active_clears_opted_out", |c| {
            c.readings.active = ActiveClears::OptedOut
        }),
        p("count_answer_number", |c| {
            c.readings.count_answer = CountAnswer::Number
        }),
        p("cursor_inclusive", |c| c.cursor_inclusive = true),
        p("v1_answer_array", |c| c.v1_answer_array = true),
        p("existing_phone_duplicate", |c| {
            c.existing_phone = ExistingPhone::Duplicate
        }),
        p("existing_phone_update", |c| {
            c.existing_phone = ExistingPhone::Update
        }),
    ];
    all.push(p("all_at_once", all_at_once));
    all
}

/// One non-default value of every switch together (the hardest of each
/// where there is a choice).
fn all_at_once(c: &mut SimConfig) {
    c.readings = Readings {
        answers_uuid: false,
        contact_shape: ContactShape::Channels,
        v2_create: V2Create::Channels,
        tag_shape: TagShape::Name,
        status_answer: StatusAnswer::Text,
        list_limit: ListLimit::Cap,
        max_limit: 30,
        page_base: PageBase::One,
        active: ActiveClears::OptedOut,
        count_answer: CountAnswer::Number,
    };
    c.cursor_inclusive = true;
    c.v1_answer_array = true;
    c.existing_phone = ExistingPhone::Duplicate;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_changes_the_default_and_names_are_unique() {
        let base = format!("{:?}", SimConfig::default());
        let mut names = std::collections::HashSet::new();
        for profile in profiles() {
            let mut c = SimConfig::default();
            (profile.apply)(&mut c);
            assert_ne!(format!("{c:?}"), base, "{}", profile.name);
            assert!(names.insert(profile.name), "{}", profile.name);
            c.check().unwrap();
        }
    }
}
