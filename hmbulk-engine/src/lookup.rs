//! Files that name existing contacts (`hmbulk status`, `hmbulk delete`):
//! each row names one contact by its `uuid`, its `id`, or its phone.
//!
//! Takes a file's header (and a `--map` file, and a [`PhoneNormaliser`]);
//! gives [`Names`], which reads each record into a [`Named`] contact or the
//! row's error, with import's own pieces: the same [`Mapping`] (synonyms,
//! known layouts, several phone columns, country columns), the same phone
//! rules and the same messages. A row's `uuid` wins over its `id`, which wins
//! over its phone. [`Finder`] then finds the contacts a batch of rows names —
//! phones and uuids by `POST /v2/contacts/search`, one request per 1000 — and
//! [`Seen`] catches two rows naming one contact. A phone finds the contact
//! whose own phone it is (from `phone`, or its first phone channel), not one
//! that holds it as another channel. When the answers
//! carry no `uuid` (the public answer schemas show none), a contact found by
//! a search of several uuids cannot be told apart: those uuids are searched
//! again one per request, and the contact each finds is that uuid's. [`in_parallel`] runs the
//! per-contact requests of a batch on a few threads (they share the
//! client's rate limiter).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::api::{ApiError, Client, Contact, SearchBy};
use crate::contact::columns;
use crate::error::{Error, Result};
use crate::halves::{Failed, send_in_halves};
use crate::input::{Record, RowNumbers};
use crate::mapping::{Field, Lookup, MapFile, Mapping, Sample, normalise_header, quoted_list};
use crate::outcome::{ErrorCode, RowError};
use crate::phone::PhoneNormaliser;

/// Headers (normalised) of a column holding the contact's integer id.
const ID_HEADERS: [&str; 3] = ["id", "contactid", "heymarketid"];

/// How a row names its contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    /// A contact UUID, lower-case and hyphenated.
    Uuid(String),
    /// A contact id.
    Id(i64),
    /// E.164 digits without `+`.
    Phone(String),
}

impl std::fmt::Display for Named {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Named::Uuid(u) => write!(f, "uuid {u}"),
            Named::Id(id) => write!(f, "id {id}"),
            Named::Phone(p) => write!(f, "phone {p}"),
        }
    }
}

/// One row of a file that names a contact.
#[derive(Debug, Clone)]
pub struct NamedRow {
    pub row: u64,
    /// The phone cell as written (empty when the row names no phone).
    pub phone_raw: String,
    pub named: Named,
    /// The row's cells, for the error report.
    pub cells: Vec<String>,
}

/// Reads rows of a file that names contacts.
pub struct Names {
    mapping: Mapping,
    id: Option<usize>,
    phones: PhoneNormaliser,
}

impl Names {
    /// The columns of `headers` that name contacts, for `command`. `claimed`
    /// are the command's own columns (such as `status`); `uses` says which
    /// other fields it reads (all other columns are ignored and named); the
    /// `sample` of the first rows is the mapper's evidence, as for an
    /// import. A file with no phone, `id` or `uuid` column is a usage error.
    pub fn new(
        headers: &[String],
        sample: &Sample,
        map_file: Option<&MapFile>,
        phones: PhoneNormaliser,
        command: &str,
        claimed: &[usize],
        uses: &dyn Fn(Field) -> bool,
    ) -> Result<Names> {
        let id = headers
            .iter()
            .position(|h| ID_HEADERS.contains(&normalise_header(h).as_str()));
        let mut own: Vec<usize> = claimed.to_vec();
        own.extend(id);
        let uses = |f: Field| matches!(f, Field::Phone | Field::Country | Field::Uuid) || uses(f);
        let lookup = Lookup {
            command,
            claimed: &own,
            uses: &uses,
        };
        let mapping = Mapping::for_lookup(headers, sample, map_file, &lookup)?;
        if mapping.phones().is_empty() && id.is_none() && mapping.column(Field::Uuid).is_none() {
            return Err(Error::usage(format!(
                "no column names the contacts: a file for `hmbulk {command}` needs a phone \
                 column (phone, mobile, cell, …), an `id` column or a `uuid` column, as an \
                 export has (columns found: {})",
                quoted_list(headers)
            )));
        }
        Ok(Names {
            mapping,
            id,
            phones,
        })
    }

    pub fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    /// The phone reader rows are read with.
    pub fn phones(&self) -> &PhoneNormaliser {
        &self.phones
    }

    /// Read rows' phones with `phones` (once the file's digits are known
    /// to be E.164 or not: [`crate::phone::DigitsReading`]).
    pub fn set_phones(&mut self, phones: PhoneNormaliser) {
        self.phones = phones;
    }

    /// The `id` column, if any.
    pub fn id_column(&self) -> Option<usize> {
        self.id
    }

    /// The contact a record names, or the row's error: its shape, then its
    /// `uuid`, `id` or phone (the first that is not blank).
    pub fn read(&self, record: &Record) -> std::result::Result<NamedRow, RowError> {
        let cells = &record.cells;
        if let Some(problem) = &record.problem {
            return Err(crate::contact::cut_row(problem));
        }
        if cells.len() != self.mapping.len() {
            return Err(crate::contact::row_shape(cells.len(), self.mapping.len()));
        }
        let phone_raw = self
            .mapping
            .column(Field::Phone)
            .map(|i| cells[i].clone())
            .unwrap_or_default();
        let named_row = |named| NamedRow {
            row: record.row,
            phone_raw: phone_raw.clone(),
            named,
            cells: cells.clone(),
        };
        if let Some(i) = self.mapping.column(Field::Uuid)
            && let Some(uuid) = crate::contact::uuid(self.mapping.header(i), &cells[i])?
        {
            return Ok(named_row(Named::Uuid(uuid)));
        }
        if let Some(i) = self.id {
            let cell = cells[i].trim();
            if !cell.is_empty() {
                return match cell.parse::<i64>() {
                    Ok(id) if id > 0 => Ok(named_row(Named::Id(id))),
                    _ => Err(RowError::new(
                        ErrorCode::IdInvalid,
                        format!(
                            "column \"{}\": \"{cell}\" is not a contact id; write the id as an \
                             export gives it (a whole number such as 12345), or leave it blank \
                             to name the contact by its uuid or phone",
                            self.mapping.header(i)
                        ),
                    )),
                };
            }
        }
        if self.mapping.phones().is_empty() {
            let columns: Vec<&str> = self
                .id
                .into_iter()
                .chain(self.mapping.column(Field::Uuid))
                .map(|i| self.mapping.header(i))
                .collect();
            return Err(RowError::new(
                ErrorCode::PhoneMissing,
                format!(
                    "the row names no contact: {} {} empty",
                    quoted_list(&columns),
                    if columns.len() == 1 { "is" } else { "are" }
                ),
            ));
        }
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        let region = columns::row_region(&self.mapping, &cells);
        let phones = columns::phones(&self.phones, &self.mapping, &cells, &region)?;
        let mut named = named_row(Named::Phone(phones.primary.digits));
        named.phone_raw = phones.raw.to_string();
        Ok(named)
    }
}

/// Contacts found by a search, by phone and by uuid.
#[derive(Debug, Default)]
pub struct Found {
    by_phone: HashMap<String, Contact>,
    by_uuid: HashMap<String, Contact>,
}

impl Found {
    fn add(&mut self, c: Contact) {
        if let Some(u) = &c.uuid {
            self.by_uuid.insert(u.to_ascii_lowercase(), c.clone());
        }
        // By its own phone only: a search also finds the contacts that hold
        // a phone as another channel (a shared home or office number), and
        // those are other people.
        if let Some(p) = &c.phone {
            self.by_phone.insert(p.clone(), c);
        }
    }

    /// The contacts of `other` too.
    pub fn extend(&mut self, other: Found) {
        for c in other
            .by_uuid
            .into_values()
            .chain(other.by_phone.into_values())
        {
            self.add(c);
        }
    }

    /// The contact a row names, when it was searched for and found.
    pub fn get(&self, named: &Named) -> Option<&Contact> {
        match named {
            Named::Uuid(u) => self.uuid(u),
            Named::Phone(p) => self.phone(p),
            Named::Id(_) => None,
        }
    }

    /// The contact found holding `phone` (E.164 digits).
    pub fn phone(&self, phone: &str) -> Option<&Contact> {
        self.by_phone.get(phone)
    }

    /// The contact found with `uuid` (hyphenated, lower case, as rows and
    /// the found contacts are keyed).
    pub fn uuid(&self, uuid: &str) -> Option<&Contact> {
        self.by_uuid.get(uuid)
    }

    /// Whether any phone searched for holds a contact.
    pub fn has_phones(&self) -> bool {
        !self.by_phone.is_empty()
    }
}

/// Finds contacts by phone and uuid in as few requests as the API's batch
/// size allows.
pub struct Finder<'a> {
    client: &'a Client,
    /// Most ids one search carries; lowered when the API refuses a size.
    max: AtomicUsize,
    /// An answer to a search of uuids gave contacts without one: from then
    /// on uuids are searched one per request.
    uuid_less: AtomicBool,
}

impl<'a> Finder<'a> {
    pub fn new(client: &'a Client, max: usize) -> Self {
        Finder {
            client,
            max: AtomicUsize::new(max.max(1)),
            uuid_less: AtomicBool::new(false),
        }
    }

    /// Search every phone and uuid the rows name (ids are not searchable).
    pub fn find<'r>(
        &self,
        rows: impl Iterator<Item = &'r Named>,
    ) -> std::result::Result<Found, ApiError> {
        let mut phones = Vec::new();
        let mut uuids = Vec::new();
        for named in rows {
            match named {
                Named::Phone(p) => phones.push(p.clone()),
                Named::Uuid(u) => uuids.push(u.clone()),
                Named::Id(_) => {}
            }
        }
        self.find_ids(&phones, &uuids)
    }

    /// Search these phones (E.164 digits) and uuids.
    pub fn find_ids(
        &self,
        phones: &[String],
        uuids: &[String],
    ) -> std::result::Result<Found, ApiError> {
        let mut found = Found::default();
        for c in self.search(SearchBy::Phone, phones)? {
            found.add(c);
        }
        for c in self.search_uuids(uuids)? {
            found.add(c);
        }
        Ok(found)
    }

    /// The contacts with these uuids, each carrying the uuid it was found
    /// by. A call whose answer gives contacts without a uuid is searched
    /// again one uuid per request (a single uuid's contact is that uuid's),
    /// and so is every later uuid.
    pub fn search_uuids(&self, uuids: &[String]) -> std::result::Result<Vec<Contact>, ApiError> {
        let mut all = Vec::new();
        let mut rest = uuids;
        while !rest.is_empty() {
            let max = match self.uuid_less.load(Ordering::Relaxed) {
                true => 1,
                false => self.max.load(Ordering::Relaxed),
            };
            let (chunk, tail) = rest.split_at(max.min(rest.len()));
            rest = tail;
            let mut found = Vec::new();
            self.search_chunk(SearchBy::Id, chunk, &mut found)?;
            if found.iter().all(|c| c.uuid.is_some()) {
                all.extend(found);
            } else if let ([uuid], [_]) = (chunk, found.as_slice()) {
                all.extend(found.into_iter().map(|mut c| {
                    c.uuid = Some(uuid.to_ascii_lowercase());
                    c
                }));
            } else if chunk.len() > 1 && !found.is_empty() {
                self.uuid_less.store(true, Ordering::Relaxed);
                all.extend(self.search_uuids(chunk)?);
            } else {
                // One uuid that finds several contacts, none named: no
                // contact can be taken for it.
                all.extend(found.into_iter().filter(|c| c.uuid.is_some()));
            }
        }
        Ok(all)
    }

    /// The contacts with these ids, in calls of at most `max`.
    pub fn search(
        &self,
        kind: SearchBy,
        ids: &[String],
    ) -> std::result::Result<Vec<Contact>, ApiError> {
        let mut all = Vec::new();
        let mut rest = ids;
        while !rest.is_empty() {
            let take = self.max.load(Ordering::Relaxed).min(rest.len());
            let (chunk, tail) = rest.split_at(take);
            self.search_chunk(kind, chunk, &mut all)?;
            rest = tail;
        }
        Ok(all)
    }

    /// One search; a call the API refuses is split in halves until the
    /// refused ids stand alone (an id it cannot read finds nothing). When
    /// both halves go through, the size was the problem: later calls are
    /// cut to it ([`send_in_halves`]).
    fn search_chunk(
        &self,
        kind: SearchBy,
        chunk: &[String],
        all: &mut Vec<Contact>,
    ) -> std::result::Result<(), ApiError> {
        let searched = send_in_halves(
            all,
            chunk,
            &self.max,
            &mut |all, chunk| match self.client.search(kind, chunk) {
                Ok(found) => {
                    all.extend(found);
                    Ok(())
                }
                Err(e @ ApiError::Rejected { .. }) => Err(Failed::Refused(chunk, e)),
                Err(e) => Err(Failed::Stop(e)),
            },
            &mut |_, _, _| {},
        );
        searched.map(|_| ()).map_err(|stopped| stopped.stop)
    }
}

/// The contacts named so far, by id, with the row that first named each;
/// messages name that row as the reports do ([`RowNumbers`]: a workbook's
/// own sheet row).
#[derive(Debug, Default)]
pub struct Seen(HashMap<i64, u64>, RowNumbers);

impl Seen {
    /// No contact named yet; rows are shown as `numbers` shows them.
    pub fn new(numbers: RowNumbers) -> Seen {
        Seen(HashMap::new(), numbers)
    }

    /// `duplicate_in_file` when an earlier row named contact `id`; else
    /// remembers `row` for it.
    pub fn check(&mut self, id: i64, row: u64) -> std::result::Result<(), RowError> {
        match self.0.get(&id) {
            Some(&first) if first != row => Err(RowError::new(
                ErrorCode::DuplicateInFile,
                format!(
                    "row {} names the same contact (id {id}); each contact once per \
                     file: remove one of the two rows",
                    self.1.shown(first)
                ),
            )),
            Some(_) => Ok(()),
            None => {
                self.0.insert(id, row);
                Ok(())
            }
        }
    }
}

/// `f` over `items` on at most `workers` threads; results in input order.
pub fn in_parallel<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let workers = workers.clamp(1, items.len().max(1));
    if workers == 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return mine;
                        };
                        mine.push((i, f(item)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Minutes and seconds, for an estimate: `1 h 40 min`, `3 min 20 s`, `12 s`.
pub fn duration_words(secs: f64) -> String {
    let secs = secs.max(0.0).round() as u64;
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 if secs.is_multiple_of(60) => format!("{} min", secs / 60),
        60..3600 => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{} h {} min", secs / 3600, (secs % 3600).div_ceil(60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_results_keep_the_input_order() {
        let items: Vec<u32> = (0..100).collect();
        let doubled = in_parallel(&items, 4, |x| x * 2);
        assert_eq!(doubled, (0..100).map(|x| x * 2).collect::<Vec<_>>());
        assert!(in_parallel(&Vec::<u32>::new(), 4, |x| *x).is_empty());
    }

    #[test]
    fn durations_read_as_words() {
        assert_eq!(duration_words(12.0), "12 s");
        assert_eq!(duration_words(200.0), "3 min 20 s");
        assert_eq!(duration_words(6000.0), "1 h 40 min");
        assert_eq!(duration_words(120.0), "2 min");
    }

    #[test]
    fn a_second_row_naming_a_contact_is_a_duplicate() {
        let mut seen = Seen::default();
        assert!(seen.check(7, 1).is_ok());
        assert!(seen.check(8, 2).is_ok());
        let e = seen.check(7, 5).unwrap_err();
        assert_eq!(e.code, ErrorCode::DuplicateInFile);
        assert!(e.message.contains("row 1"), "{}", e.message);

        // A sheet's rows are named as the sheet numbers them.
        let numbers = RowNumbers::sheet();
        numbers.record(1, 4);
        numbers.record(2, 6);
        let mut seen = Seen::new(numbers);
        assert!(seen.check(7, 1).is_ok());
        let e = seen.check(7, 2).unwrap_err();
        assert!(e.message.starts_with("row 4 names"), "{}", e.message);
    }
}
