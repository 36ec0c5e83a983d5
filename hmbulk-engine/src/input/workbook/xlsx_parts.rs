//! The workbook-wide parts a sheet's cells are read with, read by hand
//! like the sheet ([`super::xlsx_sheet`]): the shared strings
//! (`xl/sharedStrings.xml`: each `<si>` item's text, in order) and what
//! each cell style's number format makes of a number
//! (`xl/styles.xml`: a date, a duration, or a number), as calamine reads
//! them.

use std::collections::HashMap;
use std::io::{self, Read};

use memchr::memmem;

use super::xlsx_sheet::{MAX_PIECE, TooLarge};
use super::xlsx_xml::{Kind, Tags, rich_text, unescape_entities};

/// What a cell style's number format makes of a number (calamine's
/// `CellFormat`, which it does not export).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum NumberKind {
    Number,
    DateTime,
    Duration,
}

/// Bytes of `xl/sharedStrings.xml` read at once.
const BLOCK: u64 = 256 * 1024;

/// `xl/sharedStrings.xml`: each `<si>` item's text, in order. Read as it
/// inflates, a block at a time up to the block's last `</si>`, so that
/// only the strings are held, not the part's XML as well (a sheet of 1M
/// rows saved by LibreOffice: 100 MB of it).
///
/// A damaged or hostile part (a small zip that inflates to gigabytes) is
/// refused: one item of more than [`MAX_PIECE`] bytes of XML, or strings
/// that would hold more than [`MAX_STRINGS`] bytes of memory.
pub(super) fn shared_strings(mut xml: impl Read) -> io::Result<Vec<String>> {
    let mut strings = Vec::new();
    let mut buf = Vec::new();
    let mut held = 0;
    loop {
        // A whole block is read before it is looked at: an inflating
        // reader gives a few bytes at a time.
        let n = (&mut xml).take(BLOCK).read_to_end(&mut buf)?;
        let end = if n == 0 {
            Some(buf.len())
        } else {
            last_item_end(&buf)
        };
        if let Some(end) = end {
            let from = strings.len();
            push_items(&buf[..end], &mut strings);
            held += strings[from..]
                .iter()
                .map(|s| s.len() + size_of::<String>())
                .sum::<usize>();
            buf.drain(..end);
        }
        if held > MAX_STRINGS {
            return Err(TooLarge::error(format!(
                "its shared strings would take more than {} GiB of memory",
                MAX_STRINGS >> 30
            )));
        }
        if buf.len() > MAX_PIECE {
            return Err(TooLarge::error(format!(
                "a shared string runs past {} MiB of XML, which no spreadsheet writes",
                MAX_PIECE >> 20
            )));
        }
        if n == 0 {
            return Ok(strings);
        }
    }
}

/// The most memory the shared strings may take (a million rows of ten
/// distinct 100-character texts take 1.2 GiB).
pub(super) const MAX_STRINGS: usize = 2 << 30;

/// Just past the last `</si>` (or `</prefix:si>`) in `xml`, if any and
/// not inside a CDATA section (then none: the part is read on).
fn last_item_end(xml: &[u8]) -> Option<usize> {
    let at = memmem::rfind(xml, b"si>")?;
    if let Some(cdata) = memmem::rfind(&xml[..at], b"<![CDATA[")
        && memmem::find(&xml[cdata..at], b"]]>").is_none()
    {
        return None;
    }
    let open = memchr::memrchr(b'<', &xml[..at])?;
    let name = xml[open + 1..at].strip_prefix(b"/")?;
    let is_end = name.is_empty()
        || (name.ends_with(b":") && name[..name.len() - 1].iter().all(u8::is_ascii_alphanumeric));
    is_end.then_some(at + 3)
}

/// The `<si>` items of `xml` (whole ones, from a tag's start) pushed.
fn push_items(xml: &[u8], strings: &mut Vec<String>) {
    let mut tags = Tags::new(xml);
    while let Some(tag) = tags.next() {
        match (tag.kind, tag.local) {
            (Kind::Empty, b"si") => strings.push(String::new()),
            (Kind::Start, b"si") => {
                let mut text = String::new();
                rich_text(tags.content(&tag), &mut text);
                strings.push(text);
            }
            _ => {}
        }
    }
}

/// `xl/styles.xml`: what each cell style (`<cellXfs>`'s `<xf>`s, in
/// order) makes of a number, by its number format: a custom one
/// (`<numFmt numFmtId formatCode>`) read as calamine reads it, else
/// Excel's built-in ids.
pub(super) fn style_kinds(xml: &[u8]) -> Vec<NumberKind> {
    let mut custom: HashMap<Vec<u8>, String> = HashMap::new();
    let mut kinds = Vec::new();
    let mut in_xfs = false;
    for tag in Tags::new(xml) {
        match (tag.kind, tag.local) {
            (Kind::Start | Kind::Empty, b"numFmt") => {
                if let (Some(id), Some(code)) = (tag.attr(b"numFmtId"), tag.attr(b"formatCode")) {
                    custom.insert(
                        id.to_vec(),
                        unescape_entities(&String::from_utf8_lossy(code)),
                    );
                }
            }
            (Kind::Start, b"cellXfs") => in_xfs = true,
            (Kind::End, b"cellXfs") => in_xfs = false,
            (Kind::Start | Kind::Empty, b"xf") if in_xfs => {
                kinds.push(match tag.attr(b"numFmtId") {
                    None => NumberKind::Number,
                    Some(id) => match custom.get(id) {
                        Some(code) => custom_kind(code),
                        None => builtin_kind(id),
                    },
                });
            }
            _ => {}
        }
    }
    kinds
}

/// Excel's built-in number formats that are dates or times (ECMA-376
/// 18.8.30, and the East Asian ones), as calamine's `builtin_format_by_id`.
fn builtin_kind(id: &[u8]) -> NumberKind {
    match id {
        b"14" | b"15" | b"16" | b"17" | b"18" | b"19" | b"20" | b"21" | b"22" | b"45" | b"47"
        | b"27" | b"28" | b"29" | b"30" | b"31" | b"32" | b"33" | b"34" | b"35" | b"36" | b"50"
        | b"51" | b"52" | b"53" | b"54" | b"55" | b"56" | b"57" | b"58" => NumberKind::DateTime,
        b"46" => NumberKind::Duration,
        _ => NumberKind::Number,
    }
}

/// A custom number format's kind, as calamine's
/// `detect_custom_number_format` tells it (MIT, after openpyxl): the first
/// section only; quoted text, `\`-escaped, `_` and `*` characters left out;
/// a date or time letter outside brackets makes a date, `[h]`/`[m]`/`[s]`
/// a duration.
fn custom_kind(format: &str) -> NumberKind {
    let mut escaped = false;
    let mut is_quote = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    let mut ap = false;
    for s in format.chars() {
        match (s, escaped, is_quote, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => is_quote = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => is_quote = true,
            (';', ..) => return NumberKind::Number,
            ('[', ..) => brackets += 1,
            (']', .., 1) if hms => return NumberKind::Duration,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return NumberKind::DateTime,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return NumberKind::DateTime;
            }
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    NumberKind::Number
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shared string that never ends is refused past [`MAX_PIECE`].
    #[test]
    fn a_shared_string_without_end_is_refused_not_held() {
        let head = io::Cursor::new(b"<sst><si><t>ok</t></si><si><t>".to_vec());
        let err = shared_strings(head.chain(io::repeat(b'a'))).err().unwrap();
        assert!(TooLarge::is(&err), "{err}");
    }

    #[test]
    fn number_formats_are_told_apart_as_calamine_tells_them() {
        assert_eq!(custom_kind("DD/MM/YY"), NumberKind::DateTime);
        assert_eq!(custom_kind("[h]:mm:ss"), NumberKind::Duration);
        assert_eq!(custom_kind("0.00"), NumberKind::Number);
        assert_eq!(custom_kind("\"days\" 0"), NumberKind::Number);
        assert_eq!(builtin_kind(b"14"), NumberKind::DateTime);
        let styles = br#"<styleSheet><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;-&quot;mm"/></numFmts><cellStyleXfs><xf numFmtId="14"/></cellStyleXfs><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="46" applyNumberFormat="1"></xf></cellXfs></styleSheet>"#;
        let kinds = style_kinds(styles);
        assert_eq!(
            kinds,
            [
                NumberKind::Number,
                NumberKind::DateTime,
                NumberKind::Duration
            ]
        );
        let strings =
            shared_strings(&br#"<sst><si><t>a</t></si><si/><si><r><t>b</t></r></si></sst>"#[..])
                .unwrap();
        assert_eq!(strings, ["a", "", "b"]);
    }

    /// A reader giving `step` bytes at a time.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(self.0.len()).min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// However the part's bytes arrive, the strings are the same: an item
    /// cut anywhere (in a tag, in `</si>`, in an entity) is read whole.
    #[test]
    fn shared_strings_are_the_same_in_any_pieces() {
        let xml = concat!(
            r#"<?xml version="1.0"?><x:sst xmlns:x="s" count="5">"#,
            r#"<x:si><x:t xml:space="preserve"> a&amp;b </x:t></x:si><x:si/>"#,
            r#"<x:si><x:r><x:t>si&gt;</x:t></x:r><x:r><x:t>c</x:t></x:r><x:rPh><x:t>no</x:t></x:rPh></x:si>"#,
            r#"<x:si><x:t><![CDATA[</si>d]]></x:t></x:si><x:si><x:t>_x0041_</x:t></x:si></x:sst>"#
        )
        .as_bytes();
        let whole = shared_strings(xml).unwrap();
        assert_eq!(whole, [" a&b ", "", "si>c", "</si>d", "A"]);
        for step in 1..xml.len() {
            assert_eq!(shared_strings(Trickle(xml, step)).unwrap(), whole, "{step}");
        }
    }
}
