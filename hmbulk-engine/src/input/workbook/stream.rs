//! A sheet as CSV text, made on a thread of its own while the reader reads
//! it (the way [`crate::vcard`] gives a vCard file's rows): the header row,
//! then one record per row, each row padded with empty cells to the
//! header's width (cells past it that hold text are kept, so the row is
//! reported as ragged and nothing is lost). A row that holds nothing but
//! spaces is an empty line, which the CSV reader skips and counts as a
//! blank line; every other row's sheet row is recorded in the
//! [`RowNumbers`] before its text is handed on, and whether the sheet
//! hides it.
//!
//! An `.xlsx` sheet's layout (merged regions, hidden rows) is searched for
//! on a thread of its own from the start ([`super::merges::Early`]); its
//! first cells are read and kept while that search ends, so that the
//! search does not hold back the first row.
//!
//! Memory: the rows in a few 64 KiB blocks queued between the threads, the
//! cells kept while the layout search ends (at most 131,072), and, for
//! formats calamine reads whole, the sheet. The thread ends at
//! the end of the sheet, or as soon as the reader is dropped.

use std::io::{self, Read};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use super::book::Book;
use super::cells::is_blank;
use super::merges::{Layout, xlsx_layout};
use super::rows::SheetRows;
use super::{Origin, Plan};
use crate::input::RowNumbers;

/// Bytes of CSV text handed over at once.
const BLOCK: usize = 64 * 1024;
/// Blocks queued at most.
const QUEUED: usize = 4;

/// Start the thread reading `plan`'s sheet of `book`; gives the text.
pub(super) fn csv_text(
    book: Book,
    origin: Origin,
    plan: Plan,
    rows: RowNumbers,
) -> Box<dyn Read + Send> {
    let (tx, rx) = sync_channel(QUEUED);
    let spawned = std::thread::Builder::new()
        .name("workbook".into())
        .spawn(move || {
            let mut out = Blocks {
                tx,
                buf: Vec::with_capacity(BLOCK),
            };
            let written = write_sheet(book, &origin, plan, &rows, &mut out);
            // The rows read before an error are handed on before it, so
            // that the error comes after the last good row.
            if out.flush()
                && let Err(e) = written
            {
                let _ = out.tx.send(Err(e));
            }
        });
    match spawned {
        Ok(_) => Box::new(Text {
            rx: Some(rx),
            block: Vec::new(),
            pos: 0,
        }),
        Err(e) => Box::new(Failed(Some(e))),
    }
}

/// The rows of the sheet from its header on, written to `out`.
fn write_sheet(
    mut book: Book,
    origin: &Origin,
    mut plan: Plan,
    numbers: &RowNumbers,
    out: &mut Blocks,
) -> io::Result<()> {
    let sheet = &plan.sheet;
    let known = match plan.early {
        Some(_) => None,
        None => Some(book.layout(origin, sheet)?),
    };
    let mut cells = book.cells(sheet)?;
    let layout = match (known, plan.early.take()) {
        (Some(found), _) => found,
        (None, Some(early)) => {
            // The sheet's first cells are read (and kept) while the early
            // search for its layout ends, rather than wait for it.
            while !early.is_finished() && cells.read_ahead() {}
            match early.of(sheet) {
                Some(found) => found,
                None => xlsx_layout(origin.side_source()?, Some(sheet))?.1,
            }
        }
        (None, None) => Layout::default(),
    };
    let mut hidden = layout.hidden_rows.iter().copied().peekable();
    let mut rows = SheetRows::new(cells, &layout.merges, plan.header_row);
    let width = plan.width;
    let mut last = None::<u32>;
    let mut data_row = 0u64;
    while let Some((row, cells)) = rows.next_row().map_err(io::Error::other)? {
        if row < plan.header_row {
            continue;
        }
        // Rows with no cells at all between two that have some are empty.
        if let Some(last) = last {
            for _ in last + 1..row {
                out.push(b"\n");
            }
        }
        last = Some(row);
        let blank = cells.iter().all(|c| is_blank(c));
        if row > plan.header_row && blank {
            out.push(b"\n");
            continue;
        }
        if row > plan.header_row {
            data_row += 1;
            numbers.record(data_row, u64::from(row) + 1);
            while hidden.next_if(|&h| h < row).is_some() {}
            if hidden.next_if_eq(&row).is_some() {
                numbers.record_hidden(u64::from(row) + 1);
            }
        }
        let kept = cells
            .iter()
            .rposition(|c| !c.is_empty())
            .map_or(0, |i| i + 1);
        let n = if row == plan.header_row {
            kept
        } else {
            kept.max(width)
        };
        for i in 0..n {
            if i > 0 {
                out.push(b",");
            }
            put_field(&mut out.buf, cells.get(i).map_or("", String::as_str));
        }
        out.push(b"\n");
        if out.buf.len() >= BLOCK && !out.flush() {
            // The reader is gone: nothing more to do.
            return Ok(());
        }
    }
    Ok(())
}

/// One CSV field, quoted when it holds `,`, `"` or a line break.
fn put_field(out: &mut Vec<u8>, text: &str) {
    if !text
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    out.push(b'"');
    for b in text.bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// The writing end: text gathered into blocks, sent when full.
struct Blocks {
    tx: SyncSender<io::Result<Vec<u8>>>,
    buf: Vec<u8>,
}

impl Blocks {
    fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Send what is gathered; false when the reader is gone.
    fn flush(&mut self) -> bool {
        if self.buf.is_empty() {
            return true;
        }
        let block = std::mem::replace(&mut self.buf, Vec::with_capacity(BLOCK));
        self.tx.send(Ok(block)).is_ok()
    }
}

/// The reading end.
struct Text {
    rx: Option<Receiver<io::Result<Vec<u8>>>>,
    block: Vec<u8>,
    pos: usize,
}

impl Read for Text {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.block.len() {
            let Some(rx) = &self.rx else { return Ok(0) };
            match rx.recv() {
                Ok(Ok(block)) => {
                    self.block = block;
                    self.pos = 0;
                }
                Ok(Err(e)) => {
                    self.rx = None;
                    return Err(e);
                }
                // The sheet is done.
                Err(_) => {
                    self.rx = None;
                    return Ok(0);
                }
            }
        }
        let n = out.len().min(self.block.len() - self.pos);
        out[..n].copy_from_slice(&self.block[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// The thread could not be started.
struct Failed(Option<io::Error>);

impl Read for Failed {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}
