//! Duplicates stay duplicates: an error report remembers why a
//! `duplicate_in_file` row is in it, so that the report imported again as
//! it is does not write that row over the contact its first row made.
//! Takes a duplicate's cells (as the error report will hold them) and gives
//! its mark — `(duplicate of row 3, check 3f2a9c1d)`, at the end of its
//! `_error` — and, for a row of an error report fed back in, whether it is
//! still that duplicate, unchanged ([`HeldColumns::still_held`]).
//!
//! The check is the CRC-32 of the row's cells as the error report writes
//! them (meta columns left out), trimmed, with the phone cell the row was
//! read from taken as its number (E.164 digits): a spreadsheet that turns
//! `+1 415 555 0101` into `14155550101` changes no check, a person who
//! edits any cell does.

use crate::report::META_COLUMNS;

/// The mark of a duplicate of row `first_row` whose cells' check is `check`.
pub fn mark(first_row: u64, check: &str) -> String {
    format!("(duplicate of row {first_row}, check {check})")
}

/// The check of a row: its `cells` but those at `skip`, the one at
/// `phone_column` as `phone`.
pub fn row_check<'a>(
    cells: impl Iterator<Item = &'a str>,
    skip: &[usize],
    phone_column: usize,
    phone: &str,
) -> String {
    let mut crc = crc32fast::Hasher::new();
    for (i, cell) in cells.enumerate().filter(|(i, _)| !skip.contains(i)) {
        let cell = if i == phone_column {
            phone
        } else {
            cell.trim()
        };
        crc.update(cell.as_bytes());
        crc.update(b"\x1f");
    }
    format!("{:08x}", crc.finalize())
}

/// The row and check of a duplicate's mark at the end of `message`.
pub fn parse_mark(message: &str) -> Option<(u64, &str)> {
    let inner = message.trim_end().strip_suffix(')')?;
    let start = inner.rfind("(duplicate of row ")?;
    let (row, check) = inner[start..]
        .strip_prefix("(duplicate of row ")?
        .split_once(", check ")?;
    let ok = check.len() == 8 && check.bytes().all(|b| b.is_ascii_hexdigit());
    Some((row.parse().ok()?, check)).filter(|_| ok)
}

/// Where an error report fed back in keeps a row's `_error_code` and
/// `_error`, and which columns a check leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldColumns {
    code: usize,
    message: usize,
    meta: Vec<usize>,
}

impl HeldColumns {
    /// For a file with `headers`: `None` unless it is an error report.
    pub fn of(headers: &[String]) -> Option<HeldColumns> {
        let at = |name: &str| headers.iter().position(|h| h.trim() == name);
        Some(HeldColumns {
            code: at("_error_code")?,
            message: at("_error")?,
            meta: meta_columns(headers),
        })
    }

    /// The first row (of the file the error report came from) and check of
    /// a row the error report holds as a duplicate, when its cells are as
    /// the report wrote them: it is still that duplicate.
    pub fn still_held<'c>(
        &self,
        cells: &[&'c str],
        phone_column: usize,
        phone: &str,
    ) -> Option<(u64, &'c str)> {
        if cells.get(self.code)?.trim() != "duplicate_in_file" {
            return None;
        }
        let (first_row, check) = parse_mark(cells.get(self.message)?)?;
        let now = row_check(cells.iter().copied(), &self.meta, phone_column, phone);
        (now == check).then_some((first_row, check))
    }
}

/// The columns of `headers` an error report writes anew (`_row`,
/// `_error_code`, `_error`).
pub fn meta_columns(headers: &[String]) -> Vec<usize> {
    (headers.iter().enumerate())
        .filter(|(_, h)| META_COLUMNS.contains(&h.as_str()))
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_reads_back_and_anything_else_is_no_mark() {
        let message = format!("the phone … is row 3's; merge it {}", mark(3, "3f2a9c1d"));
        assert_eq!(parse_mark(&message), Some((3, "3f2a9c1d")));
        assert_eq!(parse_mark("(duplicate of row 3, check 3f2a9c1z)"), None);
        assert_eq!(parse_mark("(duplicate of row x, check 3f2a9c1d)"), None);
        assert_eq!(parse_mark("row 3 is imported"), None);
    }

    #[test]
    fn the_check_sees_every_edit_but_not_the_phones_spelling_or_the_meta_columns() {
        let headers: Vec<String> = ["Name", "Mobile", "_row", "_error_code", "_error"]
            .map(String::from)
            .to_vec();
        let held = HeldColumns::of(&headers).unwrap();
        let check = row_check(
            ["Ada", "+1 415 555 0101"].into_iter(),
            &[],
            1,
            "14155550101",
        );
        let message = format!("same phone {}", mark(1, &check));
        let row = |name, phone| vec![name, phone, "2", "duplicate_in_file", message.as_str()];
        let as_is = row("Ada", "+1 415 555 0101");
        assert_eq!(
            held.still_held(&as_is, 1, "14155550101"),
            Some((1, check.as_str()))
        );
        // Excel rewrote the number: the same row still.
        let excel = row(" Ada ", "14155550101");
        assert!(held.still_held(&excel, 1, "14155550101").is_some());
        let edited = row("Ada K", "+1 415 555 0101");
        assert_eq!(held.still_held(&edited, 1, "14155550101"), None);
        let mut other_code = as_is.clone();
        other_code[3] = "phone_invalid";
        assert_eq!(held.still_held(&other_code, 1, "14155550101"), None);
        assert_eq!(HeldColumns::of(&headers[..2]), None, "not an error report");
    }
}
