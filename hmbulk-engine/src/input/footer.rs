//! A report's footer at the end of the file ([`crate::input::title_lines::is_footer`]):
//! takes the records [`RowReader`] reads, gives them on as data, except the
//! footer lines with nothing but blank lines after them, which are skipped
//! and kept for the summary's note ([`RowReader::footer`]). A footer-like
//! line is held until the next record shows whether the file ends there;
//! when a row follows, the held lines are given first, as rows, in order.

use super::{Record, RowReader};
use crate::error::Result;
use crate::input::title_lines::{MAX_FOOTER_LINES, is_footer};

/// The next data record.
pub(super) enum Next {
    /// The record the reader has just read (its fields, not yet decoded).
    Current,
    /// A record held back and given now, decoded, with its problem
    /// ([`super::Record::problem`]).
    Held(Vec<String>, Option<String>),
    /// The end of the file.
    End,
}

impl RowReader {
    /// The next data record, footer lines at the end of the file skipped.
    pub(super) fn next_data(&mut self) -> Result<Next> {
        if !self.footer.peeking
            && let Some((cells, problem)) = self.footer.ahead.pop_front()
        {
            return Ok(Next::Held(cells, problem));
        }
        if !self.footer.peeking
            && let Some(e) = self.footer.ahead_error.take()
        {
            return Err(e);
        }
        if let Some((cells, problem)) = self.footer.replay.pop_front() {
            return Ok(Next::Held(cells, problem));
        }
        if let Some(e) = self.footer.error.take() {
            return Err(e);
        }
        loop {
            match self.read_nonblank() {
                Ok(true)
                    if self.footer.held.len() < MAX_FOOTER_LINES
                        && self.records.cut.is_none()
                        && is_footer(self.records.fields()) =>
                {
                    let cells = self.decode_record();
                    self.footer.held.push(cells);
                }
                Ok(true) if self.footer.held.is_empty() => return Ok(Next::Current),
                Ok(true) => {
                    // Rows after them: the held lines were rows too.
                    let current = (self.decode_record(), self.cut_problem());
                    return Ok(self.give_back(Some(current)));
                }
                Ok(false) => {
                    let held = std::mem::take(&mut self.footer.held);
                    self.footer.skipped.extend(held.into_iter().map(|cells| {
                        let text = cells.iter().find(|c| !c.trim().is_empty());
                        text.map_or_else(String::new, |t| t.trim().to_string())
                    }));
                    return Ok(Next::End);
                }
                Err(e) if self.footer.held.is_empty() => return Err(e),
                Err(e) => {
                    // The rest is unread: the held lines are rows, and the
                    // error follows them.
                    self.footer.error = Some(e);
                    return Ok(self.give_back(None));
                }
            }
        }
    }

    /// The held lines (and `then`) given back as rows: the first now.
    fn give_back(&mut self, then: Option<(Vec<String>, Option<String>)>) -> Next {
        let replay = &mut self.footer.replay;
        replay.extend(self.footer.held.drain(..).map(|cells| (cells, None)));
        replay.extend(then);
        replay
            .pop_front()
            .map_or(Next::End, |(cells, problem)| Next::Held(cells, problem))
    }

    /// The footer lines skipped at the end of the file, each as its text
    /// (` Wednesday, September 30, 2026 01:46 PM GMT-05:00`); known once the
    /// file is read to its end.
    pub fn footer(&self) -> &[String] {
        &self.footer.skipped
    }

    /// The cells of the next `n` data records (fewer at the end of the
    /// file), read ahead: the reads that follow give them again, numbered
    /// as if nothing had been read. What the column mapper samples
    /// ([`crate::mapping::Sample`]); a read error met here comes with the
    /// read that reaches it.
    pub fn peek(&mut self, n: usize) -> Vec<Vec<String>> {
        self.footer.peeking = true;
        while self.footer.ahead.len() < n && self.footer.ahead_error.is_none() {
            match self.next_data() {
                Ok(Next::Current) => {
                    let current = (self.decode_record(), self.cut_problem());
                    self.footer.ahead.push_back(current);
                }
                Ok(Next::Held(cells, problem)) => self.footer.ahead.push_back((cells, problem)),
                Ok(Next::End) => break,
                Err(e) => self.footer.ahead_error = Some(e),
            }
        }
        self.footer.peeking = false;
        self.footer
            .ahead
            .iter()
            .map(|(cells, _)| cells.clone())
            .collect()
    }

    /// The next record as a [`Record`] (the iterator's way).
    pub(super) fn next_record(&mut self) -> Result<Option<Record>> {
        let (cells, problem) = match self.next_data()? {
            Next::Current => (self.decode_record(), self.cut_problem()),
            Next::Held(cells, problem) => (cells, problem),
            Next::End => return Ok(None),
        };
        self.rows += 1;
        Ok(Some(Record {
            row: self.rows,
            cells,
            problem,
        }))
    }
}

impl Footer {
    /// Rows read but not given yet.
    pub(super) fn held_rows(&self) -> u64 {
        (self.held.len() + self.replay.len() + self.ahead.len()) as u64
    }
}

/// What [`RowReader::next_data`] keeps between calls.
#[derive(Default)]
pub(super) struct Footer {
    /// Footer-like lines read, not yet known to end the file.
    held: Vec<Vec<String>>,
    /// Records to give before reading on, with their problems.
    replay: std::collections::VecDeque<(Vec<String>, Option<String>)>,
    /// Records read ahead by [`RowReader::peek`], given before the rest,
    /// with their problems.
    ahead: std::collections::VecDeque<(Vec<String>, Option<String>)>,
    /// A read error met while reading ahead: given after them.
    ahead_error: Option<crate::error::Error>,
    /// [`RowReader::peek`] is reading ahead.
    peeking: bool,
    /// A read error met while lines were held: given after them.
    error: Option<crate::error::Error>,
    /// The footer lines skipped, as their text.
    skipped: Vec<String>,
}

#[cfg(test)]
mod tests {
    use crate::input::config::Config;

    /// The rows a file gives (row number, first cell), and its footer.
    fn read(text: &str) -> (Vec<(u64, String)>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.csv");
        std::fs::write(&path, text).unwrap();
        let mut reader = Config::new(&path).reader().unwrap();
        let rows = reader
            .by_ref()
            .map(|r| r.unwrap())
            .map(|r| (r.row, r.cells[0].clone()))
            .collect();
        (rows, reader.footer().to_vec())
    }

    const HEADER: &str = "Customer full name,Phone numbers,Email\n";
    const FOOTER: &str = "\" Wednesday, September 30, 2026 01:46 PM GMT-05:00\",,\n";

    #[test]
    fn the_footer_at_the_end_is_skipped() {
        let text = format!("{HEADER}Acme,Phone:(410) 415-7406,\nSHELL OIL 123,,\n\n\n\n{FOOTER}");
        let (rows, footer) = read(&text);
        assert_eq!(rows, [(1, "Acme".into()), (2, "SHELL OIL 123".into())]);
        assert_eq!(footer, ["Wednesday, September 30, 2026 01:46 PM GMT-05:00"]);
        // Blank lines after it, CRLF line ends, no last line end: the same.
        let text = format!("{text}\n\n").replace('\n', "\r\n");
        assert_eq!(read(&text).0.len(), 2);
        assert_eq!(read(text.trim_end()).1.len(), 1);
    }

    #[test]
    fn a_footer_like_line_followed_by_rows_is_a_row() {
        let text = format!("{HEADER}A,1,\n{FOOTER}{FOOTER}\nB,2,\n{FOOTER}");
        let (rows, footer) = read(&text);
        let firsts: Vec<u64> = rows.iter().map(|r| r.0).collect();
        assert_eq!(firsts, [1, 2, 3, 4]);
        assert!(rows[1].1.contains("Wednesday") && rows[2].1.contains("Wednesday"));
        assert_eq!(rows[3].1, "B");
        assert_eq!(footer.len(), 1);
    }

    #[test]
    fn more_footer_lines_than_a_footer_has_are_rows() {
        let text = format!("{HEADER}A,1,\n{}", FOOTER.repeat(5));
        let (rows, footer) = read(&text);
        assert_eq!(rows.len(), 1 + 5);
        assert!(footer.is_empty());
        let text = format!("{HEADER}A,1,\n{}", FOOTER.repeat(4));
        assert_eq!(read(&text).1.len(), 4);
    }

    /// The chunked read gives the same rows, held lines included.
    #[test]
    fn chunks_give_the_same_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.csv");
        let text = format!("{HEADER}A,1,\n{FOOTER}B,2,\nC,3,\n{FOOTER}\n");
        std::fs::write(&path, text).unwrap();
        let mut reader = Config::new(&path).reader().unwrap();
        let mut chunk = super::super::Chunk::default();
        let mut rows = Vec::new();
        loop {
            reader.read_chunk(&mut chunk, 2).unwrap();
            if chunk.is_empty() {
                break;
            }
            for i in 0..chunk.len() {
                rows.push((chunk.row(i), chunk.cells(i).next().unwrap().to_string()));
            }
        }
        let firsts: Vec<&str> = rows.iter().map(|r| &r.1[..1]).collect();
        assert_eq!(firsts, ["A", " ", "B", "C"]);
        assert_eq!(rows.last().unwrap().0, 4);
        assert_eq!(reader.footer().len(), 1);
    }

    /// A read error after a held line: the line is a row, then the error.
    #[test]
    fn a_read_error_after_a_held_line_comes_after_it() {
        let broken = "x".repeat(1 << 20);
        let text = format!("{HEADER}A,1,\n{FOOTER}{broken}\n");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.csv");
        std::fs::write(&path, text).unwrap();
        let mut reader = Config::new(&path).reader().unwrap();
        assert_eq!(reader.next().unwrap().unwrap().row, 1);
        assert_eq!(reader.next().unwrap().unwrap().row, 2);
        let err = reader.next().unwrap().unwrap_err().to_string();
        assert!(err.contains("after data row 2"), "{err}");
        assert!(reader.footer().is_empty());
    }

    /// Rows read ahead are given again, numbered as ever, by either read.
    #[test]
    fn rows_peeked_are_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.csv");
        let text = format!("{HEADER}A,1,\n{FOOTER}B,2,\nC,3,\n{FOOTER}\n");
        std::fs::write(&path, text).unwrap();
        let mut reader = Config::new(&path).reader().unwrap();
        let peeked = reader.peek(3);
        let firsts: Vec<&str> = peeked.iter().map(|r| &r[0][..1]).collect();
        assert_eq!(firsts, ["A", " ", "B"]);
        assert_eq!(reader.peek(10).len(), 4, "to the end, the footer left out");
        let rows: Vec<(u64, String)> = reader
            .map(|r| r.unwrap())
            .map(|r| (r.row, r.cells[0][..1].to_string()))
            .collect();
        assert_eq!(
            rows,
            [
                (1, "A".into()),
                (2, " ".into()),
                (3, "B".into()),
                (4, "C".into())
            ]
        );
    }
}
