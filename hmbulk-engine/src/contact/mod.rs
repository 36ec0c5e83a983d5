//! The contact model and row validation: one input [`Record`] plus its
//! [`Mapping`] becomes a [`Draft`] (a contact ready to send) or a [`RowError`].
//! Validation is per row and shares nothing mutable: the import's pipeline
//! runs one validator thread per core over chunks of records (pipeline), and
//! the order is kept there.
//!
//! A row gets one error, the first found: its shape, then its phone, then
//! the other columns left to right. Every message names the column as the
//! file writes it, the value, and what would be accepted.
//!
//! Phones, emails and the row's region come from [`columns`] (several
//! columns, in priority order; a cell of several labelled numbers is split
//! by [`phone_labels`]); tag cells are split by [`tags`].
//!
//! With an offline catalog (a dry run without credentials) tag and member
//! names cannot be checked: they are accepted and kept in
//! [`Draft::unchecked_tags`] / [`Draft::unchecked_assignee`] so the report can
//! say "not checked"; numeric ids are taken as they are.

mod cells;
pub mod columns;
mod phone_labels;
pub mod tags;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use crate::catalog::Catalog;
use crate::channel::ChannelKind;
use crate::choice::choice;
use crate::input::Record;
use crate::mapping::{Field, Mapping, Target};
use crate::outcome::{ErrorCode, RowError};
use crate::phone::{PhoneNormaliser, Region};

pub(crate) use cells::{cut_row, row_shape, uuid};
use cells::{email_invalid, in_column, marketing_consent, opted_out, sms_consent};

/// The API takes at most this many tags on a contact.
pub const MAX_TAGS: usize = 5;

/// [`Draft::phone_column`] of a row matched by its uuid alone.
pub const NO_PHONE_COLUMN: usize = usize::MAX;

/// The layout of hmbulk's own export, whose `updated` column says when the
/// contact was as the row shows it.
const OWN_EXPORT: &str = "hmbulk_export";

/// How many names an unknown-tag or unknown-member message lists.
const NAMES_LISTED: usize = 20;

/// What a blank cell means on a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BlankPolicy {
    #[default]
    Keep,
    Clear,
}

choice!(BlankPolicy, "--blank", {
    Keep => ("keep", "Leave the field as it is (default)"),
    Clear => ("clear", "Clear the field"),
});

/// A validated row: only the fields the row sets are `Some`. Its text is
/// borrowed from the row's cells where it can be (`'a`): a dry run of a
/// million rows reports them without a copy. A row to send is made
/// [`Draft::into_owned`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Draft<'a> {
    pub row: u64,
    pub phone_raw: Cow<'a, str>,
    /// E.164 digits without `+`.
    pub phone: String,
    pub uuid: Option<String>,
    pub first: Option<Cow<'a, str>>,
    pub last: Option<Cow<'a, str>>,
    pub display_name: Option<Cow<'a, str>>,
    pub email: Option<Cow<'a, str>>,
    /// Custom field id -> value.
    pub custom: BTreeMap<i64, String>,
    /// Tag ids; `Some(vec![])` clears the tags.
    pub tags: Option<Vec<i64>>,
    /// Member id; `-1` unassigns.
    pub assignee: Option<i64>,
    pub opted_out: Option<bool>,
    /// An extension found in the phone cell (`x123`). The API has no place for
    /// it, so it is not sent; the report may show it.
    pub extension: Option<String>,
    /// The region the phone was read in as a national number (no country code).
    pub national_in: Option<Region>,
    /// Tag names that could not be checked (offline catalog). When there are
    /// any, `tags` is `None`: the draft is for a dry run and must not be sent.
    pub unchecked_tags: Vec<Cow<'a, str>>,
    /// An assignee name that could not be checked (offline catalog); `assignee`
    /// is then `None`.
    pub unchecked_assignee: Option<Cow<'a, str>>,
    /// The column the phone came from ([`NO_PHONE_COLUMN`] for a row
    /// matched by its uuid alone, whose `phone` is empty).
    pub phone_column: usize,
    /// The column the email came from, if any.
    pub email_column: Option<usize>,
    /// The row's other valid phones (E.164 digits) and emails, in priority
    /// order, then those of its `channel:phone` / `channel:email` columns:
    /// added to the contact as more channels after its write
    /// ([`crate::channel`]).
    pub secondary_phones: Vec<String>,
    pub secondary_emails: Vec<String>,
    /// The region a country column gave this row.
    pub country_region: Option<String>,
    /// The row of the original file, when the input is an error report (`_row`).
    pub source_row: Option<Cow<'a, str>>,
    /// When the contact was last updated as hmbulk's own export wrote it
    /// (its `updated` column, Unix seconds): the row is a copy of the
    /// contact as of then ([`crate::batch::merge`]).
    pub exported_at: Option<i64>,
}

impl Draft<'_> {
    /// The draft with its text copied out of the row's cells: a row kept
    /// beyond its chunk (one to send).
    pub fn into_owned(self) -> Draft<'static> {
        let own = |text: Option<Cow<'_, str>>| text.map(|t| Cow::Owned(t.into_owned()));
        Draft {
            row: self.row,
            phone_raw: Cow::Owned(self.phone_raw.into_owned()),
            phone: self.phone,
            uuid: self.uuid,
            first: own(self.first),
            last: own(self.last),
            display_name: own(self.display_name),
            email: own(self.email),
            custom: self.custom,
            tags: self.tags,
            assignee: self.assignee,
            opted_out: self.opted_out,
            extension: self.extension,
            national_in: self.national_in,
            unchecked_tags: (self.unchecked_tags.into_iter())
                .map(|t| Cow::Owned(t.into_owned()))
                .collect(),
            unchecked_assignee: own(self.unchecked_assignee),
            phone_column: self.phone_column,
            email_column: self.email_column,
            secondary_phones: self.secondary_phones,
            secondary_emails: self.secondary_emails,
            country_region: self.country_region,
            source_row: own(self.source_row),
            exported_at: self.exported_at,
        }
    }

    /// The row's name and email for the results report: the display name,
    /// or first and last name; empty when the row has none.
    pub fn who(&self) -> (String, String) {
        let mut name = String::new();
        self.name_into(&mut name);
        (name, self.email.as_deref().unwrap_or_default().to_string())
    }

    /// The name of [`who`](Self::who), into `out` (emptied first): a dry
    /// run renders a million of them into one buffer.
    pub fn name_into(&self, out: &mut String) {
        out.clear();
        match self.display_name.as_deref().map(str::trim) {
            Some(display) if !display.is_empty() => out.push_str(display),
            _ => {
                let parts = [self.first.as_deref(), self.last.as_deref()];
                for part in parts.into_iter().flatten().map(str::trim) {
                    if !part.is_empty() {
                        if !out.is_empty() {
                            out.push(' ');
                        }
                        out.push_str(part);
                    }
                }
            }
        }
    }

    /// True when names in this row could not be checked against the account
    /// (offline catalog): fine for a dry run, not to be sent.
    pub fn has_unchecked_names(&self) -> bool {
        !self.unchecked_tags.is_empty() || self.unchecked_assignee.is_some()
    }
}

/// What a validated row keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// Everything a write sends.
    All,
    /// What a dry run reports ([`Validator::check_cells`]).
    Reported,
}

/// Validates records of one file against its mapping.
pub struct Validator {
    mapping: Mapping,
    catalog: Catalog,
    phones: PhoneNormaliser,
    blank: BlankPolicy,
    tags: Directory,
    members: Directory,
    /// `--create-tags`: an unknown tag is one the run creates (or, in a dry
    /// run, would create), not a row error.
    create_tags: bool,
    /// Keep the row's other phones and emails, to add them as channels
    /// (`import --no-channels` turns it off).
    channels: bool,
    /// What the row's tags do to the contact's (`remove` takes any number).
    tags_mode: tags::TagsMode,
    /// A row with a uuid needs no phone (`update`, `upsert`).
    uuid_for_phone: bool,
    /// hmbulk's own export: its `updated` column ([`Draft::exported_at`]).
    exported_column: Option<usize>,
    /// The one country the file's numbers with a country code carry, when
    /// not the default region's ([`ColumnSample::file_region`](crate::phone::ColumnSample::file_region)).
    file_region: Option<Region>,
}

/// Names and ids of one kind of catalog entry (tags, team members), for
/// lookups that stay fast whatever the catalog's size.
struct Directory {
    /// By name, ASCII-lower-cased and trimmed (as [`Catalog`] compares names).
    by_name: HashMap<String, i64>,
    ids: HashSet<i64>,
    online: bool,
}

impl Directory {
    fn new<'a>(entries: impl Iterator<Item = (&'a str, i64)> + Clone, online: bool) -> Self {
        Directory {
            by_name: entries
                .clone()
                .map(|(name, id)| (name.trim().to_ascii_lowercase(), id))
                .collect(),
            ids: entries.map(|(_, id)| id).collect(),
            online,
        }
    }

    /// The id `text` stands for: a name, or an id the catalog has (any id
    /// when the catalog is offline and nothing can be checked).
    fn find(&self, text: &str) -> Option<i64> {
        let mut buf = [0u8; 64];
        let by_name = match buf.get_mut(..text.len()) {
            // No names (an offline catalog): nothing to look up.
            _ if self.by_name.is_empty() => None,
            // Lower-cased on the stack: a lookup allocates nothing.
            Some(lower) => {
                lower.copy_from_slice(text.as_bytes());
                lower.make_ascii_lowercase();
                std::str::from_utf8(lower)
                    .ok()
                    .and_then(|l| self.by_name.get(l))
                    .copied()
            }
            None => self.by_name.get(&text.to_ascii_lowercase()).copied(),
        };
        by_name.or_else(|| {
            text.parse()
                .ok()
                .filter(|id| !self.online || self.ids.contains(id))
        })
    }
}

impl Validator {
    pub fn new(
        mapping: Mapping,
        catalog: Catalog,
        phones: PhoneNormaliser,
        blank: BlankPolicy,
    ) -> Self {
        let tags = catalog.tags.iter().map(|t| (t.name.as_str(), t.id));
        let members = catalog.members.iter().map(|m| (m.name.as_str(), m.id));
        let exported_column = mapping
            .layout()
            .filter(|l| l.id == OWN_EXPORT)
            .and_then(|_| mapping.headers().iter().position(|h| h.trim() == "updated"));
        Validator {
            tags_mode: tags::TagsMode::default(),
            uuid_for_phone: false,
            exported_column,
            tags: Directory::new(tags, catalog.online),
            members: Directory::new(members, catalog.online),
            mapping,
            catalog,
            phones,
            blank,
            create_tags: false,
            channels: true,
            file_region: None,
        }
    }

    /// The one country the file's numbers with a country code carry (from
    /// a sample of its rows), for [`Validator::valid_in_file_region`].
    pub fn with_file_region(mut self, region: Option<Region>) -> Self {
        self.file_region = region;
        self
    }

    /// The phone reader rows are validated with.
    pub fn phones(&self) -> &PhoneNormaliser {
        &self.phones
    }

    /// For a row refused for its phone, read with the default region: the
    /// file's region ([`Validator::with_file_region`]) when its phone is a
    /// valid national number there.
    pub fn valid_in_file_region(&self, cells: &[&str]) -> Option<Region> {
        let region = self.file_region?;
        columns::valid_in(&self.phones, &self.mapping, cells, region).then_some(region)
    }

    /// Whether rows keep their other phones and emails as channels to add.
    pub fn with_channels(mut self, channels: bool) -> Self {
        self.channels = channels;
        self
    }

    /// What the rows' tags do to their contacts' (`--tags`): in `remove`
    /// mode a row may name more tags than a contact can have.
    pub fn with_tags_mode(mut self, mode: tags::TagsMode) -> Self {
        self.tags_mode = mode;
        self
    }

    /// Let a row with a uuid go without a phone (`update` and `upsert`
    /// match contacts by uuid first): its phone is left empty, and the
    /// contact's kept ([`crate::batch::merge`]).
    pub fn with_uuid_for_phone(mut self, on: bool) -> Self {
        self.uuid_for_phone = on;
        self
    }

    /// Accept tags the run creates (`--create-tags`).
    pub fn with_create_tags(mut self, create_tags: bool) -> Self {
        self.create_tags = create_tags;
        self
    }

    /// The mapping the records are read with.
    pub fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    /// Validate one record: row shape, phone, email, tags, assignee, opted-out,
    /// uuid, custom fields. The message names the column and what is accepted.
    pub fn validate(&self, record: &Record) -> Result<Draft<'static>, RowError> {
        if let Some(problem) = &record.problem {
            return Err(cut_row(problem));
        }
        let cells: Vec<&str> = record.cells.iter().map(String::as_str).collect();
        self.validate_cells(record.row, &cells)
    }

    /// [`validate`](Self::validate) for row `row` whose cells are `cells`.
    pub fn validate_cells(&self, row: u64, cells: &[&str]) -> Result<Draft<'static>, RowError> {
        self.validate_row(row, cells).map(Draft::into_owned)
    }

    /// [`validate_cells`](Self::validate_cells), the draft's text borrowed
    /// from `cells`.
    pub fn validate_row<'a>(&self, row: u64, cells: &[&'a str]) -> Result<Draft<'a>, RowError> {
        self.validate_as(row, cells, Keep::All)
    }

    /// Check row `row` as [`validate_cells`](Self::validate_cells) does,
    /// keeping only what a dry run reports: the phone (as written and
    /// normalised, its column and national reading), the name and email
    /// ([`Draft::who`]) and the email's column, the country column's region,
    /// the uuid, the source row and whether names went unchecked. The values
    /// only a write sends (other emails, custom fields) are checked, not
    /// kept: the draft must not be sent.
    pub fn check_cells<'a>(&self, row: u64, cells: &[&'a str]) -> Result<Draft<'a>, RowError> {
        self.validate_as(row, cells, Keep::Reported)
    }

    fn validate_as<'a>(
        &self,
        row: u64,
        cells: &[&'a str],
        keep: Keep,
    ) -> Result<Draft<'a>, RowError> {
        let all = keep == Keep::All;
        if cells.len() != self.mapping.len() {
            return Err(row_shape(cells.len(), self.mapping.len()));
        }
        let mut draft = Draft {
            row,
            ..Draft::default()
        };
        let mapping = &self.mapping;
        let region = columns::row_region(mapping, cells);
        if let columns::RowRegion::From { region, .. } = &region {
            draft.country_region = Some(region.to_string());
        }
        match columns::phones(&self.phones, mapping, cells, &region) {
            Ok(phones) => {
                draft.phone_raw = Cow::Borrowed(phones.raw);
                draft.phone = phones.primary.digits;
                draft.extension = phones.primary.extension;
                draft.national_in = phones.primary.national_in;
                draft.phone_column = phones.column;
                draft.secondary_phones = phones.secondary;
            }
            // No phone, but a uuid that names the contact: matched by it.
            Err(e) if e.code == ErrorCode::PhoneMissing && self.has_uuid(cells) => {
                draft.phone_column = NO_PHONE_COLUMN;
            }
            Err(e) => return Err(e),
        }
        let emails = columns::emails(mapping, cells, email_invalid)?;
        draft.email = match emails.primary {
            Some(email) => Some(Cow::Borrowed(email)),
            None if emails.blank && self.blank == BlankPolicy::Clear => {
                (!mapping.emails().is_empty()).then_some(Cow::Borrowed(""))
            }
            None => None,
        };
        draft.email_column = emails.column;
        if all {
            draft.secondary_emails = emails.secondary.iter().map(|e| e.to_string()).collect();
        }
        draft.source_row = mapping
            .source_row_column()
            .map(|i| cells[i].trim())
            .filter(|r| !r.is_empty())
            .map(Cow::Borrowed);
        if all && let Some(i) = self.exported_column {
            draft.exported_at = chrono::DateTime::parse_from_rfc3339(cells[i].trim())
                .ok()
                .map(|t| t.timestamp());
        }
        // What the row's consent columns say: opted out when any says so.
        let (mut consent, mut marketing) = (None, None);
        for (i, &cell) in cells.iter().enumerate() {
            let Target::Field(field) = mapping.target(i) else {
                continue;
            };
            let header = mapping.header(i);
            match field {
                Field::Phone | Field::Email | Field::Country => {}
                Field::Custom(_) if !all => {}
                Field::First => draft.first = self.text(cell),
                Field::Last => draft.last = self.text(cell),
                Field::DisplayName => draft.display_name = self.text(cell),
                Field::Tags => self.tags(header, cell, &mut draft)?,
                Field::OptedOut => draft.opted_out = opted_out(header, cell)?,
                Field::SmsConsent => consent = sms_consent(header, cell)?.or(consent),
                Field::MarketingConsent => {
                    marketing = marketing_consent(header, cell)?.or(marketing)
                }
                Field::Assignee => self.assignee(header, cell, &mut draft)?,
                Field::Uuid => draft.uuid = uuid(header, cell)?,
                Field::Custom(id) => {
                    if let Some(value) = self.text(cell) {
                        draft.custom.insert(id, value.into_owned());
                    }
                }
                Field::Channel(kind) => self.channel(kind, header, cell, &region, &mut draft)?,
            }
        }
        if !self.channels {
            draft.secondary_phones.clear();
            draft.secondary_emails.clear();
        }
        // SMS consent is opted-out inverted; a marketing consent of no named
        // channel only ever opts out. Any column of the row that says the
        // contact opted out (or gave no consent) wins: nothing a file says
        // about consent makes an opted-out person textable.
        let says = [
            draft.opted_out,
            consent.map(|yes| !yes),
            marketing.filter(|yes| !yes).map(|_| true),
        ];
        draft.opted_out = if says.contains(&Some(true)) {
            Some(true)
        } else {
            says.into_iter().flatten().next()
        };
        Ok(draft)
    }

    /// Whether the row's uuid cell holds a uuid and a uuid may stand in for
    /// the phone.
    fn has_uuid(&self, cells: &[&str]) -> bool {
        self.uuid_for_phone
            && (self.mapping.column(Field::Uuid))
                .is_some_and(|i| uuid(self.mapping.header(i), cells[i]).is_ok_and(|u| u.is_some()))
    }

    /// Validate a chunk, results in input order: what one validator thread
    /// of the import's pipeline does with a chunk (the benches measure it).
    pub fn validate_chunk(&self, records: &[Record]) -> Vec<Result<Draft<'static>, RowError>> {
        records.iter().map(|r| self.validate(r)).collect()
    }

    /// A text cell, trimmed; blank is "leave as is" or "clear" by the policy.
    fn text<'a>(&self, cell: &'a str) -> Option<Cow<'a, str>> {
        let cell = cell.trim();
        if !cell.is_empty() {
            Some(Cow::Borrowed(cell))
        } else if self.blank == BlankPolicy::Clear {
            Some(Cow::Borrowed(""))
        } else {
            None
        }
    }

    /// The values of a `channel:<type>` column, kept with the row's other
    /// phones or emails (each once, never the contact's own).
    fn channel(
        &self,
        kind: ChannelKind,
        header: &str,
        cell: &str,
        region: &columns::RowRegion,
        draft: &mut Draft<'_>,
    ) -> Result<(), RowError> {
        let values: Box<dyn Iterator<Item = &str>> = match kind {
            ChannelKind::Phone => Box::new(columns::phone_values(cell)),
            ChannelKind::Email => Box::new(columns::email_values(cell)),
        };
        for value in values {
            match kind {
                ChannelKind::Phone => {
                    let value = value.strip_prefix('\'').unwrap_or(value);
                    let phone = columns::read(&self.phones, &self.mapping, value, region)
                        .map_err(|e| RowError::new(e.code, in_column(header, &e.message)))?;
                    let digits = phone.digits;
                    if digits != draft.phone && !draft.secondary_phones.contains(&digits) {
                        draft.secondary_phones.push(digits);
                    }
                }
                ChannelKind::Email => {
                    if !columns::is_email(value) {
                        return Err(email_invalid(header, value));
                    }
                    let known = draft.email.as_deref().into_iter();
                    let mut known = known.chain(draft.secondary_emails.iter().map(String::as_str));
                    if !known.any(|e| e.eq_ignore_ascii_case(value)) {
                        draft.secondary_emails.push(value.to_string());
                    }
                }
            }
        }
        Ok(())
    }

    /// Tag names (case-insensitive) or ids, as [`tags::tag_names`] splits
    /// them; a tag named twice counts once.
    fn tags<'a>(&self, header: &str, cell: &'a str, draft: &mut Draft<'a>) -> Result<(), RowError> {
        let mut ids: Vec<i64> = Vec::new();
        let mut unknown: Vec<&str> = Vec::new();
        let mut to_create: Vec<&str> = Vec::new();
        let once = |names: &mut Vec<&'a str>, name: &'a str| {
            if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                names.push(name);
            }
        };
        tags::each_tag_name(cell, |name| match self.tags.find(name) {
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(_) => {}
            None if self.catalog.online && self.create_tags => once(&mut to_create, name),
            None if self.catalog.online => once(&mut unknown, name),
            None if !draft
                .unchecked_tags
                .iter()
                .any(|t| t.eq_ignore_ascii_case(name)) =>
            {
                draft.unchecked_tags.push(Cow::Borrowed(name))
            }
            None => {}
        });
        if !unknown.is_empty() {
            return Err(self.unknown_tags(header, &unknown));
        }
        let count = ids.len() + draft.unchecked_tags.len() + to_create.len();
        if count > MAX_TAGS && self.tags_mode != tags::TagsMode::Remove {
            return Err(RowError::new(
                ErrorCode::TooManyTags,
                in_column(
                    header,
                    &format!(
                        "\"{}\" names {count} different tags, and a contact can have at most \
                         {MAX_TAGS}; keep {MAX_TAGS} or fewer",
                        cell.trim()
                    ),
                ),
            ));
        }
        // Unchecked names: nothing to send. A blank cell: as the policy says.
        let unchecked = !draft.unchecked_tags.is_empty() || !to_create.is_empty();
        let keep_blank = ids.is_empty() && self.blank == BlankPolicy::Keep;
        draft.tags = (!unchecked && !keep_blank).then_some(ids);
        Ok(())
    }

    /// `unknown_tag`, naming the closest known tags and `--create-tags`.
    fn unknown_tags(&self, header: &str, unknown: &[&str]) -> RowError {
        let known = || self.catalog.tags.iter().map(|t| t.name.as_str());
        let mut near: Vec<&str> = Vec::new();
        for name in unknown {
            for k in tags::closest(name, known()) {
                if !near.contains(&k) {
                    near.push(k);
                }
            }
        }
        let hint = if near.is_empty() {
            format!("this account's tags are {}", names(known(), "tags"))
        } else {
            format!("the closest known tags are {}", quoted(&near))
        };
        let what = if unknown.len() == 1 {
            "an unknown tag"
        } else {
            "unknown tags"
        };
        RowError::new(
            ErrorCode::UnknownTag,
            in_column(
                header,
                &format!(
                    "{what} {}; {hint}; pass --create-tags to create missing tags, or write \
                     the account's names (any case) or ids",
                    quoted(unknown)
                ),
            ),
        )
    }

    /// A team member by name (case-insensitive) or id.
    fn assignee<'a>(
        &self,
        header: &str,
        cell: &'a str,
        draft: &mut Draft<'a>,
    ) -> Result<(), RowError> {
        let name = cell.trim();
        if name.is_empty() {
            draft.assignee = (self.blank == BlankPolicy::Clear).then_some(-1);
            return Ok(());
        }
        match self.members.find(name) {
            Some(id) => draft.assignee = Some(id),
            None if !self.catalog.online => draft.unchecked_assignee = Some(Cow::Borrowed(name)),
            None => {
                let members = self
                    .catalog
                    .members
                    .iter()
                    .map(|m| format!("{} ({})", m.name, m.id));
                return Err(RowError::new(
                    ErrorCode::UnknownAssignee,
                    in_column(
                        header,
                        &format!(
                            "\"{name}\" is not a member of this team; write a member's name \
                             or id: {}",
                            names(members, "members")
                        ),
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// `"VIP", "Lead"`.
fn quoted<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|s| format!("\"{}\"", s.as_ref()))
        .collect();
    quoted.join(", ")
}

/// Names for a message, at most [`NAMES_LISTED`] of them.
fn names<S: AsRef<str>>(all: impl Iterator<Item = S>, what: &str) -> String {
    let all: Vec<S> = all.collect();
    if all.is_empty() {
        return format!("(none: this account has no {what})");
    }
    let shown: Vec<&str> = all.iter().take(NAMES_LISTED).map(AsRef::as_ref).collect();
    let mut text = shown.join(", ");
    if all.len() > NAMES_LISTED {
        text.push_str(&format!(
            " and {} more (see `hmbulk {what}`)",
            all.len() - NAMES_LISTED
        ));
    }
    text
}
