//! vCard files (`.vcf`) as rows. Apple Contacts and iCloud export contacts
//! as vCard 3.0 only; Google, Outlook and Android phones write vCard 2.1,
//! 3.0 or 4.0. Takes the decoded stream of a file whose first line is
//! `BEGIN:VCARD` (see [`starts_vcard`]; the extension does not matter);
//! gives CSV text: a fixed header ([`header`]) and one record per card, in
//! file order. The CSV reader reads that text like any export, so a vCard
//! file is a known layout (`apple_vcard` or `vcard`, see
//! [`crate::mapping::layouts`]), its rows are numbered and reported like a
//! CSV file's, and its error report is a CSV file that imports again.
//!
//! What a card gives: [`card()`](card::card). Each card is parsed by the `calcard` crate
//! (Stalwart's; line folding, `item1.` groups, parameters of every version,
//! quoted-printable values and their CHARSET); a line it cannot make sense
//! of is skipped. calcard parses a whole text held in memory and does not
//! say on which line a card begins, so the cards are split here, line by
//! line (LF, CRLF or CR), one card in memory at a time, with the line each
//! begins on. Photos, logos, sounds and keys are dropped while splitting,
//! so a card's size does not depend on its photo. (`ical` does not read
//! 2.1's bare parameters or quoted-printable; `vcard4` reads 4.0 only.)
//!
//! A `BEGIN:VCARD` inside a card ends the card before it (its `END:VCARD`
//! is taken as missing), except a card embedded by an `AGENT` property
//! (vCard 2.1: `AGENT:` then the agent's card, or `AGENT:BEGIN:VCARD`):
//! that card is read apart, to its own `END:VCARD`, and given as a row of
//! its own after its outer card, whose lines after it stay the outer
//! card's. A card still open at the end of the file is read as it is.

mod card;

use std::io::{self, BufRead, BufReader, Read};

use card::card;

/// The header of a generic vCard file's rows; the first column, the line of
/// the card's `BEGIN:VCARD`, names the layout ([`APPLE_LINE`] for Apple's).
pub const LINE: &str = "vCard line";
/// The first column of an Apple Contacts / iCloud file's rows.
pub const APPLE_LINE: &str = "Apple vCard line";
/// The columns after the line, filled by [`card()`](card::card).
pub const COLUMNS: [&str; 9] = [
    "Name",
    "First Name",
    "Last Name",
    "Mobile Phone",
    "Phone",
    "Fax",
    "Email",
    "Country",
    "Categories",
];

/// A card longer than this without its photo is not a contact: almost
/// always an `END:VCARD` that is missing.
const MAX_CARD_BYTES: usize = 1 << 20;

/// Properties dropped unread: binary data, never a contact's phone, email,
/// name or country.
const DROPPED: [&str; 4] = ["PHOTO", "LOGO", "SOUND", "KEY"];

/// Does the (decoded) file start with a vCard? Blank lines and spaces
/// before it do not count.
pub fn starts_vcard(head: &[u8]) -> bool {
    let text = head.trim_ascii_start();
    text.len() >= 11 && text[..11].eq_ignore_ascii_case(b"BEGIN:VCARD")
}

/// Was the file written by Apple Contacts or iCloud? Apple writes its
/// PRODID (`-//Apple Inc.//iPhone OS 17.5//EN`, `//Mac OS X 10.15.7//`),
/// and properties no one else writes (`X-ABUID`, `X-ABADR`, `X-ABShowAs`,
/// `X-APPLE-…`). Google writes Apple's `X-ABLabel` too, so that one does
/// not count.
pub fn is_apple(head: &[u8]) -> bool {
    const MARKS: [&str; 5] = [
        "PRODID:-//APPLE INC.//",
        "X-ABUID",
        "X-ABADR",
        "X-ABSHOWAS",
        "X-APPLE-",
    ];
    let upper = head.to_ascii_uppercase();
    MARKS
        .iter()
        .any(|m| upper.windows(m.len()).any(|w| w == m.as_bytes()))
}

/// The header of the rows: the line column, then [`COLUMNS`].
pub fn header(apple: bool) -> Vec<&'static str> {
    let line = if apple { APPLE_LINE } else { LINE };
    std::iter::once(line).chain(COLUMNS).collect()
}

/// The cards of `stream` as CSV text (UTF-8, `,`, LF): the header, then one
/// record per card. Memory: one card (without its photo) at a time.
pub fn csv(stream: Box<dyn Read + Send>, apple: bool) -> Box<dyn Read + Send> {
    Box::new(CsvText {
        cards: Cards::new(stream),
        apple,
        buf: Vec::new(),
        pos: 0,
        started: false,
    })
}

/// The CSV text of the cards, produced one record at a time as it is read.
struct CsvText {
    cards: Cards,
    apple: bool,
    buf: Vec<u8>,
    pos: usize,
    started: bool,
}

impl CsvText {
    /// Fill `buf` with the next record (the header first); `false` at the end.
    fn refill(&mut self) -> io::Result<bool> {
        self.buf.clear();
        self.pos = 0;
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(&mut self.buf);
        if !self.started {
            self.started = true;
            writer.write_record(header(self.apple))?;
        } else {
            let Some((line, text)) = self.cards.next_card()? else {
                return Ok(false);
            };
            let row = card(&text);
            let mut cells = vec![line.to_string()];
            cells.extend(row.cells());
            writer.write_record(&cells)?;
        }
        writer.flush()?;
        Ok(true)
    }
}

impl Read for CsvText {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.buf.len() && !self.refill()? {
            return Ok(0);
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// The cards of a stream: the text of each, with the line its
/// `BEGIN:VCARD` is on.
struct Cards {
    input: BufReader<Box<dyn Read + Send>>,
    /// Lines read so far.
    line: u64,
    /// A `BEGIN:VCARD` met inside the card before it, and its line.
    begun: Option<u64>,
    /// Cards embedded in the card given last (`AGENT`), to give next.
    agents: std::collections::VecDeque<(u64, String)>,
    done: bool,
}

/// Cards embedded in embedded cards past this depth are taken as cards
/// whose `END:VCARD` is missing.
const MAX_AGENT_DEPTH: usize = 4;

/// One physical line, without its line break.
struct Line {
    bytes: Vec<u8>,
    /// Longer than [`MAX_CARD_BYTES`]: only its start is kept.
    cut: bool,
}

impl Cards {
    fn new(stream: Box<dyn Read + Send>) -> Self {
        Cards {
            input: BufReader::with_capacity(64 * 1024, stream),
            line: 0,
            begun: None,
            agents: std::collections::VecDeque::new(),
            done: false,
        }
    }

    /// The next card: the line of its `BEGIN:VCARD` and its text (photo
    /// dropped, lines decoded, LF between them). `None` at the end.
    fn next_card(&mut self) -> io::Result<Option<(u64, String)>> {
        if let Some(agent) = self.agents.pop_front() {
            return Ok(Some(agent));
        }
        let start = match self.begun.take() {
            Some(line) => line,
            None => loop {
                let Some(line) = self.read_line()? else {
                    return Ok(None);
                };
                if is_marker(&line.bytes, b"BEGIN:VCARD") {
                    break self.line;
                }
            },
        };
        let text = self.read_card(start, 0)?;
        Ok(Some((start, text)))
    }

    /// The text of the card that begins on line `start`, read to its
    /// `END:VCARD`; the cards its `AGENT` embeds (`depth` deep) are read
    /// apart, into [`Cards::agents`].
    fn read_card(&mut self, start: u64, depth: usize) -> io::Result<String> {
        let mut text = String::from("BEGIN:VCARD\n");
        let mut dropping = false;
        // The last property was an `AGENT` with no value: its card follows.
        let mut agent_follows = false;
        while let Some(line) = self.read_line()? {
            let bytes = &line.bytes;
            if is_marker(bytes, b"END:VCARD") {
                break;
            }
            let embeds = agent_value(bytes).is_some_and(|v| is_marker(v, b"BEGIN:VCARD"));
            if (embeds || (agent_follows && is_marker(bytes, b"BEGIN:VCARD")))
                && depth < MAX_AGENT_DEPTH
            {
                let at = self.line;
                let agent = self.read_card(at, depth + 1)?;
                self.agents.push_back((at, agent));
                agent_follows = false;
                continue;
            }
            if is_marker(bytes, b"BEGIN:VCARD") {
                self.begun = Some(self.line);
                break;
            }
            // A folded line goes on with a space or tab; a 2.1 photo's
            // base64 lines may not, but hold no `:` as a property does.
            let continued =
                matches!(bytes.first(), Some(b' ' | b'\t')) || (dropping && !bytes.contains(&b':'));
            if !continued {
                dropping = DROPPED.iter().any(|p| property_is(bytes, p));
                agent_follows = agent_value(bytes).is_some_and(|v| v.trim_ascii().is_empty());
                if agent_follows {
                    continue;
                }
            }
            if dropping {
                continue;
            }
            if line.cut || text.len() + bytes.len() > MAX_CARD_BYTES {
                return Err(io::Error::other(format!(
                    "the vCard that begins on line {start} runs past 1 MiB without its photo \
                     (at line {}); is its END:VCARD missing?",
                    self.line
                )));
            }
            text.push_str(&decode(bytes));
            text.push('\n');
        }
        text.push_str("END:VCARD\n");
        Ok(text)
    }

    /// The next physical line (LF, CRLF or a bare CR ends it); `None` at the
    /// end of the input. A line longer than [`MAX_CARD_BYTES`] is read to
    /// its end but only its start is kept (a photo on one line).
    fn read_line(&mut self) -> io::Result<Option<Line>> {
        if self.done {
            return Ok(None);
        }
        let mut line = Line {
            bytes: Vec::new(),
            cut: false,
        };
        let mut any = false;
        loop {
            let buf = self.input.fill_buf()?;
            if buf.is_empty() {
                self.done = true;
                break;
            }
            any = true;
            let end = buf.iter().position(|&b| b == b'\n' || b == b'\r');
            let take = end.unwrap_or(buf.len());
            let room = MAX_CARD_BYTES.saturating_sub(line.bytes.len());
            line.bytes.extend_from_slice(&buf[..take.min(room)]);
            line.cut |= take > room;
            let Some(end) = end else {
                self.input.consume(take);
                continue;
            };
            let cr = buf[end] == b'\r';
            self.input.consume(end + 1);
            if cr && self.input.fill_buf()?.first() == Some(&b'\n') {
                self.input.consume(1);
            }
            break;
        }
        if !any && line.bytes.is_empty() {
            return Ok(None);
        }
        self.line += 1;
        Ok(Some(line))
    }
}

/// The value of an `AGENT` property line (`AGENT:…`, `AGENT;VALUE=…:…`).
fn agent_value(line: &[u8]) -> Option<&[u8]> {
    let colon = line.iter().position(|&b| b == b':')?;
    property_is(line, "AGENT").then(|| &line[colon + 1..])
}

/// `BEGIN:VCARD` / `END:VCARD`, whatever the case and surrounding spaces.
fn is_marker(line: &[u8], marker: &[u8]) -> bool {
    line.trim_ascii().eq_ignore_ascii_case(marker)
}

/// Is this the first line of property `name` (`PHOTO;ENCODING=b:…`,
/// `item1.PHOTO:…`)?
fn property_is(line: &[u8], name: &str) -> bool {
    let end = line
        .iter()
        .position(|&b| b == b':' || b == b';')
        .unwrap_or(line.len());
    let full = &line[..end];
    let bare = match full.iter().rposition(|&b| b == b'.') {
        Some(dot) => &full[dot + 1..],
        None => full,
    };
    bare.trim_ascii().eq_ignore_ascii_case(name.as_bytes())
}

/// A line as text: UTF-8, or else Windows-1252 (vCard 2.1 files of old
/// phones and Outlook in the local code page).
fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.into(),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

#[cfg(test)]
mod tests;
