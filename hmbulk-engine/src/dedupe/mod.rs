//! In-file duplicates: two rows with the same normalised phone (or the same
//! uuid). Takes drafts in row order; tells whether a row repeats an earlier one
//! and which. A duplicate stays one when its error report is imported again
//! as it is ([`held`]).
//!
//! Memory: about 10 bytes per distinct phone ([`PhoneIndex`]: the E.164 digits
//! as a number and the first row packed in one `u64`, in sorted buckets), and
//! a hash map entry per distinct uuid (only files with a uuid column have any).

pub mod held;

use std::collections::HashMap;

use crate::contact::Draft;
use crate::outcome::{ErrorCode, RowError};

#[derive(Debug, Default)]
pub struct Dedupe {
    /// E.164 digits (at most 15, never a leading zero) as a number -> first row.
    phones: PhoneIndex,
    /// Any phone that is not such a number (not made by the validator, but
    /// nothing is lost if one comes).
    odd_phones: HashMap<String, u64>,
    uuids: HashMap<u128, u64>,
}

/// An earlier row that a row repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duplicate {
    pub first_row: u64,
    pub key: DuplicateKey,
}

/// What the two rows share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicateKey {
    Phone,
    Uuid,
}

/// What two rows are compared by: the phone (as a number when it is one)
/// and the uuid. Cheap to make on the thread that validated the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    phone: Option<std::result::Result<u64, String>>,
    uuid: Option<u128>,
}

impl Key {
    pub fn of(draft: &Draft) -> Key {
        Key {
            phone: (!draft.phone.is_empty())
                .then(|| phone_key(&draft.phone).map_err(str::to_string)),
            uuid: draft
                .uuid
                .as_deref()
                .and_then(|u| uuid::Uuid::try_parse(u).ok())
                .map(|u| u.as_u128()),
        }
    }

    /// The phone, as the draft had it (E.164 digits).
    pub fn phone(&self) -> String {
        match &self.phone {
            Some(Ok(n)) => n.to_string(),
            Some(Err(text)) => text.clone(),
            None => String::new(),
        }
    }

    /// The uuid, hyphenated, as the draft had it.
    pub fn uuid(&self) -> Option<String> {
        self.uuid
            .map(|u| uuid::Uuid::from_u128(u).hyphenated().to_string())
    }
}

impl Dedupe {
    pub fn new() -> Self {
        Dedupe::default()
    }

    /// `Some(first_row)` when `draft` repeats the phone (or uuid) of an earlier
    /// row; otherwise remembers it and gives `None`.
    pub fn check(&mut self, draft: &Draft) -> Option<u64> {
        self.find(draft).map(|d| d.first_row)
    }

    /// As [`Dedupe::check`], saying what the rows share. A duplicate is not
    /// remembered: a third row with the same phone points at the first.
    pub fn find(&mut self, draft: &Draft) -> Option<Duplicate> {
        self.find_key(&Key::of(draft), draft.row)
    }

    /// [`Dedupe::find`] for row `row` with `key`.
    pub fn find_key(&mut self, key: &Key, row: u64) -> Option<Duplicate> {
        let mut slot = Slot::default();
        let seen_phone = match &key.phone {
            Some(Ok(digits)) => self.phones.find(*digits).map_err(|s| slot = s).ok(),
            Some(Err(text)) => self.odd_phones.get(text).copied(),
            None => None,
        };
        if let Some(first_row) = seen_phone {
            return Some(Duplicate {
                first_row,
                key: DuplicateKey::Phone,
            });
        }
        if let Some(&first_row) = key.uuid.and_then(|u| self.uuids.get(&u)) {
            return Some(Duplicate {
                first_row,
                key: DuplicateKey::Uuid,
            });
        }
        match &key.phone {
            Some(Ok(digits)) => self.phones.insert_at(slot, *digits, row),
            Some(Err(text)) => {
                self.odd_phones.insert(text.clone(), row);
            }
            None => {}
        }
        if let Some(u) = key.uuid {
            self.uuids.insert(u, row);
        }
        None
    }

    /// Start fetching what [`find_key`](Self::find_key) of `key` will read.
    /// Called for the rows of a chunk before they are checked one by one,
    /// the memory reads of many rows overlap instead of queueing.
    pub fn prefetch(&self, key: &Key) {
        if let Some(Ok(phone)) = key.phone {
            self.phones.prefetch(phone);
        }
    }

    /// Bytes the phone index holds (its buckets' capacity and headers), for
    /// the bench's bytes-per-phone figure.
    pub fn phone_index_bytes(&self) -> usize {
        self.phones.bytes()
    }
}

/// Phones below this are E.164 numbers (at most 15 digits: below 10^15 < 2^50).
const PHONE_BITS: u32 = 50;

/// A set of phones (numbers below 2^50) with the row each was first seen in,
/// in about 10 bytes per phone, where a `HashMap<u64, u64>` takes 20 to 40.
///
/// A phone is mixed by a bijection of the 50-bit numbers; the top `bits` bits
/// of the mix pick a bucket, and the entry keeps only the other `50 - bits`
/// bits (the bucket says the rest: no two phones share bucket and remainder)
/// above the row, in one `u64`. A bucket is a sorted `Vec<u64>` of a few
/// dozen entries, so an insert moves a few cache lines at most. When the buckets average more than [`SPLIT_AT`] entries, each
/// is split in two by the top bit of its remainders, which keeps every half
/// sorted; the row field grows by that bit. Lookups start where an entry's
/// remainder says it should sit ([`PhoneIndex::position`]). A row too large for the field
/// (past 2^(14 + bits): over 16 million rows even with the fewest buckets)
/// goes to a small hash map instead.
///
/// Written by hand rather than taken from a crate because the packing of the
/// first row beside a quotiented key is what makes it small; a hash set of
/// `u64` would need the rows stored again beside it.
#[derive(Debug)]
pub struct PhoneIndex {
    bits: u32,
    buckets: Vec<Vec<u64>>,
    len: usize,
    /// Phones first seen in a row too large for an entry's row field.
    late: HashMap<u64, u64>,
}

/// Where a phone not in a [`PhoneIndex`] goes: its bucket and place there.
#[derive(Debug, Clone, Copy, Default)]
pub struct Slot {
    bucket: usize,
    index: usize,
}

/// Buckets to start with (as a power of two) and the mean size that splits them.
const START_BITS: u32 = 8;
const SPLIT_AT: usize = 32;

impl Default for PhoneIndex {
    fn default() -> Self {
        PhoneIndex {
            bits: START_BITS,
            buckets: vec![Vec::new(); 1 << START_BITS],
            len: 0,
            late: HashMap::new(),
        }
    }
}

impl PhoneIndex {
    /// Bits of an entry below the remainder: the row.
    fn row_bits(&self) -> u32 {
        64 - (PHONE_BITS - self.bits)
    }

    fn place(&self, phone: u64) -> (usize, u64) {
        let h = mix(phone);
        let rem_bits = PHONE_BITS - self.bits;
        ((h >> rem_bits) as usize, h & ((1 << rem_bits) - 1))
    }

    /// Where `rem` is or belongs in `bucket`. Remainders are spread evenly
    /// (the mix is a good hash), so the search starts where the remainder's
    /// share of its range puts it and walks the few entries from there: one
    /// or two cache lines instead of a binary search's eight.
    fn position(bucket: &[u64], rem: u64, rem_bits: u32) -> usize {
        let shift = 64 - rem_bits;
        let guess = ((u128::from(rem) * bucket.len() as u128) >> rem_bits) as usize;
        let mut i = guess.min(bucket.len());
        while i > 0 && bucket[i - 1] >> shift >= rem {
            i -= 1;
        }
        while i < bucket.len() && bucket[i] >> shift < rem {
            i += 1;
        }
        i
    }

    /// Read the entry where `phone` would be, to have it in the cache.
    pub fn prefetch(&self, phone: u64) {
        if phone >= 1 << PHONE_BITS {
            return;
        }
        let (b, rem) = self.place(phone);
        let bucket = &self.buckets[b];
        let guess = ((u128::from(rem) * bucket.len() as u128) >> (PHONE_BITS - self.bits)) as usize;
        if let Some(&entry) = bucket.get(guess.saturating_sub(1)) {
            std::hint::black_box(entry);
        }
    }

    /// The first row of `phone`, if it was inserted.
    pub fn get(&self, phone: u64) -> Option<u64> {
        self.find(phone).ok()
    }

    /// Remember `phone` as first seen in `row` (the caller checked it is new).
    pub fn insert(&mut self, phone: u64, row: u64) {
        if let Err(slot) = self.find(phone) {
            self.insert_at(slot, phone, row);
        }
    }

    /// The first row of `phone`, or where it goes ([`PhoneIndex::insert_at`]):
    /// a lookup and an insert that search once.
    pub fn find(&self, phone: u64) -> Result<u64, Slot> {
        if phone >= 1 << PHONE_BITS {
            return self.late.get(&phone).copied().ok_or(Slot::default());
        }
        let (b, rem) = self.place(phone);
        let shift = self.row_bits();
        let bucket = &self.buckets[b];
        let i = Self::position(bucket, rem, PHONE_BITS - self.bits);
        let slot = Slot {
            bucket: b,
            index: i,
        };
        match bucket.get(i) {
            Some(&e) if e >> shift == rem => Ok(e & ((1 << shift) - 1)),
            _ if self.late.is_empty() => Err(slot),
            _ => self.late.get(&phone).copied().ok_or(slot),
        }
    }

    /// Remember `phone`, new, as first seen in `row`, at `slot`, what
    /// [`PhoneIndex::find`] gave with nothing inserted since.
    pub fn insert_at(&mut self, slot: Slot, phone: u64, row: u64) {
        let shift = self.row_bits();
        if phone >= 1 << PHONE_BITS || row >= 1 << shift {
            self.late.insert(phone, row);
            return;
        }
        let (_, rem) = self.place(phone);
        let bucket = &mut self.buckets[slot.bucket];
        if bucket.len() == bucket.capacity() {
            // Grow by a quarter: a bucket's spare room stays small.
            bucket.reserve_exact((bucket.len() / 4).max(4));
        }
        bucket.insert(slot.index, rem << shift | row);
        self.len += 1;
        if self.len > SPLIT_AT << self.bits && self.bits < PHONE_BITS / 2 {
            self.split();
        }
    }

    /// Twice the buckets: each splits by the top bit of its remainders.
    fn split(&mut self) {
        let old_shift = self.row_bits();
        // The remainder's top bit is the entry's top bit.
        let high = 1u64 << 63;
        let mut buckets = Vec::with_capacity(self.buckets.len() * 2);
        for bucket in std::mem::take(&mut self.buckets) {
            let cut = bucket.partition_point(|&e| e & high == 0);
            // Dropping the remainder's top bit moves the row field up by one:
            // an entry's value shifts left by one, its order is kept.
            let lower: Vec<u64> = bucket[..cut]
                .iter()
                .map(|&e| relabel(e, old_shift))
                .collect();
            let upper: Vec<u64> = bucket[cut..]
                .iter()
                .map(|&e| relabel(e & !high, old_shift))
                .collect();
            buckets.push(lower);
            buckets.push(upper);
        }
        self.buckets = buckets;
        self.bits += 1;
    }

    /// Bytes held: each bucket's capacity, with the allocator's header
    /// (16 bytes) for each, the bucket headers, and the late rows' map.
    pub fn bytes(&self) -> usize {
        let entries: usize = self
            .buckets
            .iter()
            .filter(|b| b.capacity() > 0)
            .map(|b| b.capacity() * 8 + 16)
            .sum();
        entries
            + self.buckets.capacity() * std::mem::size_of::<Vec<u64>>()
            + self.late.capacity() * 16
    }
}

/// An entry whose remainder lost its top bit: the same remainder and row
/// with the row field one bit wider.
fn relabel(entry: u64, old_shift: u32) -> u64 {
    let row = entry & ((1 << old_shift) - 1);
    let rem = entry >> old_shift;
    rem << (old_shift + 1) | row
}

/// A bijection of the numbers below 2^50 that spreads neighbouring phones
/// over the buckets: odd multipliers and right xor-shifts, each invertible
/// modulo 2^50.
fn mix(x: u64) -> u64 {
    const MASK: u64 = (1 << PHONE_BITS) - 1;
    let mut h = x.wrapping_mul(0x9E37_79B9_7F4A_7C15) & MASK;
    h ^= h >> 25;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9) & MASK;
    h ^ (h >> 25)
}

impl Duplicate {
    /// The `duplicate_in_file` error for the later row, `draft`.
    pub fn row_error(&self, draft: &Draft) -> RowError {
        self.error(&draft.phone_raw, &draft.phone, draft.uuid.as_deref())
    }

    /// The `duplicate_in_file` error for a later row whose phone cell is
    /// `phone_raw`, read as `phone`, and whose uuid is `uuid`.
    pub fn error(&self, phone_raw: &str, phone: &str, uuid: Option<&str>) -> RowError {
        let first = self.first_row;
        let shared = match self.key {
            DuplicateKey::Phone => format!(
                "the phone \"{}\" is the same number as row {first}'s (+{phone} once normalised)",
                phone_raw.trim(),
            ),
            DuplicateKey::Uuid => format!(
                "the uuid {} is the same contact as row {first}'s",
                uuid.unwrap_or_default()
            ),
        };
        RowError::new(
            ErrorCode::DuplicateInFile,
            format!(
                "{shared}; a file may hold each contact once, so merge this row into row \
                 {first} or delete it (row {first} is imported)"
            ),
        )
    }
}

/// Digits as a number when that is exact (no leading zero, at most 19
/// digits), else the text itself.
fn phone_key(phone: &str) -> Result<u64, &str> {
    let exact =
        phone.len() <= 19 && !phone.starts_with('0') && phone.bytes().all(|b| b.is_ascii_digit());
    exact.then(|| phone.parse().ok()).flatten().ok_or(phone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::PhoneNormaliser;

    fn draft(row: u64, phone_raw: &str, uuid: Option<&str>) -> Draft<'static> {
        let phones = PhoneNormaliser::new("US").unwrap();
        Draft {
            row,
            phone_raw: phone_raw.to_string().into(),
            phone: phones.normalise(phone_raw).unwrap().digits,
            uuid: uuid.map(str::to_string),
            ..Draft::default()
        }
    }

    #[test]
    fn the_same_number_in_another_format_is_a_duplicate() {
        let mut d = Dedupe::new();
        assert_eq!(d.check(&draft(1, "(415) 555-0123", None)), None);
        assert_eq!(d.check(&draft(2, "+1 415 555 0124", None)), None);
        assert_eq!(d.check(&draft(3, "1-415-555-0123", None)), Some(1));
        assert_eq!(d.check(&draft(4, "1.4155550124E+10", None)), Some(2));
        // A third copy still points at the first row.
        assert_eq!(d.check(&draft(5, "415.555.0123 x9", None)), Some(1));
    }

    #[test]
    fn the_same_uuid_with_another_phone_is_a_duplicate() {
        let id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
        let mut d = Dedupe::new();
        assert_eq!(d.find(&draft(1, "4155550123", Some(id))), None);
        let dup = d.find(&draft(2, "4155550199", Some(id))).unwrap();
        assert_eq!(
            dup,
            Duplicate {
                first_row: 1,
                key: DuplicateKey::Uuid
            }
        );
        // Row 2 was not remembered: its phone is still new.
        assert_eq!(d.check(&draft(3, "4155550199", None)), None);
    }

    #[test]
    fn the_phone_is_checked_before_the_uuid() {
        let mut d = Dedupe::new();
        d.check(&draft(1, "4155550123", None));
        d.check(&draft(
            2,
            "4155550150",
            Some("3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
        ));
        let dup = d
            .find(&draft(
                3,
                "4155550123",
                Some("3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
            ))
            .unwrap();
        assert_eq!(
            dup,
            Duplicate {
                first_row: 1,
                key: DuplicateKey::Phone
            }
        );
    }

    #[test]
    fn odd_phones_are_compared_as_text() {
        let mut d = Dedupe::new();
        let odd = |row, phone: &str| Draft {
            row,
            phone: phone.to_string(),
            ..Draft::default()
        };
        assert_eq!(d.check(&odd(1, "0123")), None);
        assert_eq!(d.check(&odd(2, "123")), None);
        assert_eq!(d.check(&odd(3, "0123")), Some(1));
        assert_eq!(d.check(&odd(4, "99999999999999999999999")), None);
        assert_eq!(d.check(&odd(5, "99999999999999999999999")), Some(4));
        // No phone at all is nobody's duplicate.
        assert_eq!(d.check(&odd(6, "")), None);
        assert_eq!(d.check(&odd(7, "")), None);
    }

    #[test]
    fn the_error_names_the_first_row_and_the_shared_key() {
        let mut d = Dedupe::new();
        d.check(&draft(4, "(415) 555-0123", None));
        let later = draft(9, "415.555.0123", None);
        let error = d.find(&later).unwrap().row_error(&later);
        assert_eq!(error.code, ErrorCode::DuplicateInFile);
        assert!(
            error.message.contains("\"415.555.0123\""),
            "{}",
            error.message
        );
        assert!(
            error.message.contains("row 4's (+14155550123"),
            "{}",
            error.message
        );
        assert!(
            error.message.contains("merge this row into row 4"),
            "{}",
            error.message
        );
        let uuid = Duplicate {
            first_row: 2,
            key: DuplicateKey::Uuid,
        };
        let message = uuid.row_error(&draft(3, "4155550100", Some("x"))).message;
        assert!(
            message.starts_with("the uuid x is the same contact as row 2's"),
            "{message}"
        );
    }

    #[test]
    fn the_phone_index_agrees_with_a_hash_map_across_splits() {
        use std::collections::hash_map::Entry;
        let mut index = PhoneIndex::default();
        let mut reference = HashMap::new();
        // Neighbouring numbers (as files hold them) and scattered ones; some
        // repeated, some past the largest E.164 number.
        let mut x = 12_345u64;
        for row in 1..=300_000u64 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let phone = match row % 4 {
                0 => 14_155_550_000 + row,
                1 => x % 1_000_000_000_000_000,
                2 => 14_155_550_000 + (x % 300_000),
                _ => u64::MAX - row % 7,
            };
            // The one search of `find` gives the row, or the slot to insert at.
            match (index.find(phone), reference.entry(phone)) {
                (Ok(first), Entry::Occupied(e)) => assert_eq!(first, *e.get(), "{phone}"),
                (Err(slot), Entry::Vacant(e)) => {
                    index.insert_at(slot, phone, row);
                    e.insert(row);
                }
                (found, _) => panic!("{phone}: the index says {found:?}"),
            }
        }
        assert!(index.bits > START_BITS, "the buckets were split");
        for (&phone, &row) in &reference {
            assert_eq!(index.get(phone), Some(row));
        }
        assert_eq!(index.get(99), None);
    }

    #[test]
    fn rows_too_large_for_an_entry_are_kept_too() {
        let mut index = PhoneIndex::default();
        index.insert(14_155_550_100, 5);
        index.insert(14_155_550_101, 1 << 40);
        assert_eq!(index.get(14_155_550_100), Some(5));
        assert_eq!(index.get(14_155_550_101), Some(1 << 40));
        assert_eq!(index.get(14_155_550_102), None);
    }

    #[test]
    fn a_phone_costs_under_twelve_bytes() {
        let mut index = PhoneIndex::default();
        let n = 400_000u64;
        for row in 1..=n {
            index.insert(10_000_000_000 + row * 7, row);
        }
        let per_phone = index.bytes() as f64 / n as f64;
        assert!(per_phone < 12.0, "{per_phone:.1} bytes per phone");
    }

    /// Bytes per phone at the sizes the bench uses (by hand, in release:
    /// `cargo test --release -p hmbulk-engine --lib bytes_per_phone -- --ignored --nocapture`).
    #[test]
    #[ignore]
    fn bytes_per_phone_at_one_and_ten_million() {
        for n in [1_000_000u64, 10_000_000] {
            let started = std::time::Instant::now();
            let mut index = PhoneIndex::default();
            let mut x = 7u64;
            for row in 1..=n {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                index.insert(10_000_000_000 + x % 9_000_000_000, row);
            }
            let per_phone = index.bytes() as f64 / n as f64;
            eprintln!(
                "{n} phones: {per_phone:.2} bytes per phone, {:.0} ns per insert",
                started.elapsed().as_nanos() as f64 / n as f64
            );
            assert!(per_phone < 12.0);
        }
    }
}
