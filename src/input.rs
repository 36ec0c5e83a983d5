//! Reading a spreadsheet export: encoding detection (UTF-8 with or without BOM,
//! UTF-16 LE/BE with BOM, Windows-1252), delimiter sniffing (`, ; \t |`), and a
//! streaming iterator of data records numbered as the reports number them.
//! Takes a path (through [`crate::config::Config`]); gives [`Record`]s.
//! Memory stays constant whatever the file size.

use crate::error::Result;

/// The text encoding the file turned out to be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8 (bom)",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1252 => "windows-1252",
        }
    }
}

/// One data record. `row` is the 1-based index of the data record (header not
/// counted, blank lines skipped). `cells` are decoded to UTF-8 with the formula
/// guard undone ([`crate::formula::unguard`]); a ragged record keeps the cells it
/// has (validation reports it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub row: u64,
    pub cells: Vec<String>,
}

/// Streaming reader over a CSV file's data records.
pub struct RowReader {
    _todo: (),
}

impl RowReader {
    /// The header cells, decoded, BOM removed, formula guard undone.
    pub fn headers(&self) -> &[String] {
        todo!()
    }

    pub fn delimiter(&self) -> u8 {
        todo!()
    }

    /// The encoding detected so far.
    pub fn encoding(&self) -> Encoding {
        todo!()
    }

    /// Blank lines skipped so far.
    pub fn blank_lines(&self) -> u64 {
        todo!()
    }
}

impl Iterator for RowReader {
    type Item = Result<Record>;
    fn next(&mut self) -> Option<Self::Item> {
        todo!()
    }
}
