//! Report lines rendered ahead of writing: [`Lines`] renders a row's line
//! into a [`Decided`] buffer (on whichever thread decided the row), and the
//! [`super::Reporter`] copies the buffers to the files in row order.

use super::META_COLUMNS;
use crate::input::RowNumbers;
use crate::outcome::{Action, ErrorCode, RowOutcome, RowResult};

/// The results report's standard columns (a command's own columns follow).
pub const RESULT_COLUMNS: [&str; 9] = [
    "row",
    "phone_raw",
    "phone",
    "name",
    "email",
    "action",
    "id",
    "uuid",
    "source_row",
];

/// Rows decided, in row order, as the lines the reports will hold: what a
/// span keeps of a row that is decided before the rows in front of it are
/// written (about 16 bytes beyond the line).
#[derive(Debug, Default)]
pub struct Decided {
    pub(super) bytes: Vec<u8>,
    pub(super) rows: Vec<Line>,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Line {
    pub row: u64,
    /// End of the line in `bytes`.
    pub end: u32,
    pub kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Done(Action),
    Failed(ErrorCode),
}

impl Decided {
    /// Bytes held (the room taken, not only the room used).
    pub fn bytes(&self) -> usize {
        self.bytes.capacity() + self.rows.capacity() * std::mem::size_of::<Line>()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Lines held.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Empty, keeping the room.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.rows.clear();
    }

    /// Append line `i` of `other`.
    pub fn copy_line(&mut self, other: &Decided, i: usize) {
        let line = other.rows[i];
        let start = match i {
            0 => 0,
            _ => other.rows[i - 1].end as usize,
        };
        self.bytes
            .extend_from_slice(&other.bytes[start..line.end as usize]);
        self.push(line.row, line.kind);
    }

    /// Append lines `lines` of `other` (a run of them, in one copy).
    pub fn copy_lines(&mut self, other: &Decided, lines: std::ops::Range<usize>) {
        if lines.is_empty() {
            return;
        }
        let start = match lines.start {
            0 => 0,
            i => other.rows[i - 1].end as usize,
        };
        let end = other.rows[lines.end - 1].end as usize;
        // Each line's end moves by where the run lands less where it was.
        let offset = self.bytes.len() as i64 - start as i64;
        self.bytes.extend_from_slice(&other.bytes[start..end]);
        self.rows.extend(other.rows[lines].iter().map(|line| Line {
            end: (line.end as i64 + offset) as u32,
            ..*line
        }));
    }

    fn push(&mut self, row: u64, kind: Kind) {
        self.rows.push(Line {
            row,
            end: self.bytes.len() as u32,
            kind,
        });
    }
}

/// Renders report lines: the error report's columns come from the input's
/// header. Cheap to clone, so the threads deciding rows render them.
#[derive(Debug, Clone)]
pub struct Lines {
    /// Input columns kept in the error report (report meta columns dropped).
    pub(super) kept_columns: Vec<usize>,
    header_len: usize,
    /// The command's own result columns, after the standard ones.
    pub(super) extra_columns: usize,
    /// Between cells ([`super::Dialect`]).
    pub(super) delimiter: u8,
    /// The number printed for a row (a workbook's sheet row).
    pub(super) numbers: RowNumbers,
}

/// The fields of a results line after `row`.
#[derive(Debug, Clone, Copy)]
pub struct ResultLine<'a> {
    pub phone_raw: &'a str,
    pub phone: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub action: Action,
    pub id: Option<i64>,
    pub uuid: &'a str,
    pub source_row: &'a str,
}

impl Lines {
    pub(super) fn new(headers: &[String], extra_columns: usize, delimiter: u8) -> Lines {
        Lines {
            kept_columns: (0..headers.len())
                .filter(|&i| !META_COLUMNS.contains(&headers[i].as_str()))
                .collect(),
            header_len: headers.len(),
            extra_columns,
            delimiter,
            numbers: RowNumbers::default(),
        }
    }

    /// The number the reports print for data row `row`: the row itself,
    /// or, for a workbook, its sheet row ([`RowNumbers`]).
    pub fn shown(&self, row: u64) -> u64 {
        self.numbers.shown(row)
    }

    /// A results line (`row,phone_raw,phone,name,email,action,id,uuid,source_row`),
    /// the command's own columns empty.
    pub fn result(&self, to: &mut Decided, row: u64, line: ResultLine<'_>) {
        self.result_with(to, row, line, &[]);
    }

    /// A results line with `extra` in the command's own columns (padded).
    pub(super) fn result_with(
        &self,
        to: &mut Decided,
        row: u64,
        line: ResultLine<'_>,
        extra: &[String],
    ) {
        let (out, d) = (&mut to.bytes, self.delimiter);
        // Room for the line as it most often is (no quotes), at once.
        let cells = [line.phone_raw, line.phone, line.name, line.email];
        out.reserve(64 + cells.iter().map(|c| c.len()).sum::<usize>());
        write_number(out, self.numbers.shown(row));
        for cell in cells {
            out.push(d);
            put_cell(out, cell, d);
        }
        out.push(d);
        out.extend_from_slice(line.action.as_str().as_bytes());
        out.push(d);
        if let Some(id) = line.id {
            if id < 0 {
                out.push(b'-');
            }
            write_number(out, id.unsigned_abs());
        }
        for cell in [line.uuid, line.source_row] {
            out.push(d);
            put_cell(out, cell, d);
        }
        for i in 0..self.extra_columns {
            out.push(d);
            put_cell(out, extra.get(i).map_or("", String::as_str), d);
        }
        out.push(b'\n');
        to.push(row, Kind::Done(line.action));
    }

    /// An error report line: the row's own cells (short rows padded so the
    /// meta columns line up; a long row's extra cells after them, so nothing
    /// is lost), then `_row,_error_code,_error`.
    pub fn error<'a>(
        &self,
        to: &mut Decided,
        row: u64,
        cells: impl Iterator<Item = &'a str> + Clone,
        code: ErrorCode,
        message: &str,
    ) {
        let (out, d) = (&mut to.bytes, self.delimiter);
        let mut kept = self.kept_columns.iter().peekable();
        for (i, cell) in cells.clone().take(self.header_len).enumerate() {
            if kept.peek() == Some(&&i) {
                kept.next();
                put_cell(out, cell, d);
                out.push(d);
            }
        }
        for _ in kept {
            out.push(d);
        }
        write_number(out, self.numbers.shown(row));
        out.push(d);
        out.extend_from_slice(code.as_str().as_bytes());
        out.push(d);
        put_cell(out, &crate::redact::clean(message), d);
        for cell in cells.skip(self.header_len) {
            out.push(d);
            put_cell(out, cell, d);
        }
        out.push(b'\n');
        to.push(row, Kind::Failed(code));
    }

    /// The line of an outcome.
    pub fn outcome(&self, to: &mut Decided, o: &RowOutcome, source_row: &str) {
        self.outcome_with(to, o, source_row, &[]);
    }

    /// The line of an outcome, with the command's own result cells.
    pub(super) fn outcome_with(
        &self,
        to: &mut Decided,
        o: &RowOutcome,
        source_row: &str,
        extra: &[String],
    ) {
        match &o.result {
            RowResult::Done {
                action,
                phone,
                name,
                email,
                id,
                uuid,
            } => {
                let line = ResultLine {
                    phone_raw: &o.phone_raw,
                    phone,
                    name,
                    email,
                    action: *action,
                    id: *id,
                    uuid: uuid.as_deref().unwrap_or(""),
                    source_row,
                };
                self.result_with(to, o.row, line, extra)
            }
            RowResult::Failed { error, cells } => self.error(
                to,
                o.row,
                cells.iter().map(String::as_str),
                error.code,
                &error.message,
            ),
        }
    }
}

/// One CSV field: the cell with the formula guard applied
/// ([`crate::formula::guard`]: a leading `'`), in double quotes (doubled
/// inside) when it holds a comma, a double quote or a line break, as the
/// `csv` crate writes it. By hand because lines are rendered into a buffer
/// that keeps rows decided early, a line at a time, which the crate's writer
/// (a stream with its own buffer) does not offer.
pub(super) fn put_cell(out: &mut Vec<u8>, cell: &str, delimiter: u8) {
    let prefix = if crate::formula::is_formula_like(cell) {
        "'"
    } else {
        ""
    };
    put_quoted(out, prefix, cell, delimiter);
}

/// A header cell: quoted as [`put_cell`] quotes, with no formula guard
/// (the results report's own column names).
pub(super) fn put_name(out: &mut Vec<u8>, name: &str, delimiter: u8) {
    put_quoted(out, "", name, delimiter);
}

fn put_quoted(out: &mut Vec<u8>, prefix: &str, text: &str, delimiter: u8) {
    let text = text.as_bytes();
    if !needs_quotes(text, delimiter) {
        if !prefix.is_empty() {
            out.extend_from_slice(prefix.as_bytes());
        }
        out.extend_from_slice(text);
        return;
    }
    out.push(b'"');
    out.extend_from_slice(prefix.as_bytes());
    for &b in text {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// The field holds the delimiter, a double quote or a line break, or a
/// comma: quoted in any dialect, so that the delimiter sniffer (which counts
/// outside quotes) finds the report's own when it is read back. Looks at every byte without stopping early, which lets the
/// compiler test many at once: most cells need no quotes, and are read to
/// the end either way.
fn needs_quotes(text: &[u8], delimiter: u8) -> bool {
    text.iter().fold(false, |any, &b| {
        any | matches!(b, b',' | b'"' | b'\r' | b'\n') | (b == delimiter)
    })
}

/// `n` in decimal, through `itoa`: `write!`'s formatting machinery costs
/// more than the rest of a results line.
fn write_number(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Five rendered lines of different lengths.
    fn five() -> Decided {
        let lines = Lines::new(&["phone".to_string(), "first".to_string()], 0, b',');
        let mut d = Decided::default();
        for row in 1..=5u64 {
            let cells = ["x".repeat(row as usize), "Ann, \"A\"".to_string()];
            let cells = cells.iter().map(String::as_str);
            lines.error(&mut d, row, cells, ErrorCode::PhoneInvalid, "bad");
        }
        d
    }

    #[test]
    fn lines_copied_in_runs_equal_lines_copied_one_by_one() {
        let from = five();
        let mut one_by_one = Decided::default();
        one_by_one.copy_line(&from, 4);
        let mut runs = Decided::default();
        runs.copy_line(&from, 4);
        // Runs from the start, in the middle, of one line, empty, to the end.
        for (run, lines) in
            [0..2, 2..3, 3..3, 3..5]
                .into_iter()
                .zip([vec![0, 1], vec![2], vec![], vec![3, 4]])
        {
            runs.copy_lines(&from, run);
            lines
                .into_iter()
                .for_each(|l| one_by_one.copy_line(&from, l));
        }
        assert_eq!(runs.bytes, one_by_one.bytes);
        let ends = |d: &Decided| d.rows.iter().map(|l| (l.row, l.end)).collect::<Vec<_>>();
        assert_eq!(ends(&runs), ends(&one_by_one));
        assert_eq!(runs.len(), 6);
    }
}
