//! The small part of XML an `.xlsx` workbook's parts are written in, read
//! by hand for speed ([`super::xlsx_sheet`] says why): tags (`<x:c r="A1">`,
//! `</c>`, `<v/>`; a namespace prefix is read past), their attributes, the
//! text between them (entities and CDATA sections undone), and Excel's own
//! `_xHHHH_` escapes. Takes bytes; gives borrowed tags and owned text. Not
//! a general XML reader: no DTD entities, no namespace resolution (a prefix
//! is dropped, whatever it names), which an OOXML part does not use.

use memchr::{memchr, memmem};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Start,
    End,
    Empty,
    /// A comment, processing instruction, CDATA section or declaration.
    Other,
}

/// One tag as written: `<x:c r="A1" t="s">`.
pub(super) struct Tag<'a> {
    pub(super) kind: Kind,
    /// The name as written (`x:c`), for finding its end tag.
    pub(super) name: &'a [u8],
    /// The name without a namespace prefix (`c`).
    pub(super) local: &'a [u8],
    /// What follows the name, up to `>` or `/>`.
    attrs: &'a [u8],
}

impl<'a> Tag<'a> {
    /// `markup` runs from `<` to `>` ([`markup_len`]).
    pub(super) fn of(markup: &'a [u8]) -> Tag<'a> {
        let other = Tag {
            kind: Kind::Other,
            name: b"",
            local: b"",
            attrs: b"",
        };
        let (kind, inner) = match markup.get(1) {
            Some(b'/') => (Kind::End, &markup[2..markup.len() - 1]),
            Some(b'?' | b'!') | None => return other,
            _ if markup.ends_with(b"/>") => (Kind::Empty, &markup[1..markup.len() - 2]),
            _ => (Kind::Start, &markup[1..markup.len() - 1]),
        };
        let name_len = inner
            .iter()
            .position(|b| b.is_ascii_whitespace())
            .unwrap_or(inner.len());
        let name = &inner[..name_len];
        let local = match memchr::memrchr(b':', name) {
            Some(colon) => &name[colon + 1..],
            None => name,
        };
        Tag {
            kind,
            name,
            local,
            attrs: &inner[name_len..],
        }
    }

    /// The raw value of attribute `key` (its name as written, prefix and all).
    pub(super) fn attr(&self, key: &[u8]) -> Option<&'a [u8]> {
        let [value] = self.attrs([key]);
        value
    }

    /// The raw values of attributes `keys`, in one pass over the tag.
    pub(super) fn attrs<const N: usize>(&self, keys: [&[u8]; N]) -> [Option<&'a [u8]>; N] {
        let mut found = [None; N];
        let mut rest = self.attrs;
        while let Some(eq) = memchr(b'=', rest) {
            let name = rest[..eq].trim_ascii();
            let after = rest[eq + 1..].trim_ascii_start();
            let Some(&quote) = after.first().filter(|q| matches!(q, b'"' | b'\'')) else {
                break;
            };
            let Some(len) = memchr(quote, &after[1..]) else {
                break;
            };
            if let Some(i) = keys.iter().position(|key| *key == name) {
                found[i] = Some(&after[1..1 + len]);
            }
            rest = &after[len + 2..];
        }
        found
    }
}

/// Where the end tag `</name>` starts in `xml`.
pub(super) fn end_tag(xml: &[u8], name: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(i) = memchr(b'<', &xml[at..]) {
        let lt = at + i;
        let rest = &xml[lt + 1..];
        if rest.first() == Some(&b'/')
            && rest[1..].starts_with(name)
            && rest.get(1 + name.len()) == Some(&b'>')
        {
            return Some(lt);
        }
        at = lt + 1;
    }
    None
}

/// The length of the markup at the start of `xml` (which starts with
/// `<`), through its closing `>`; `None` when it is not all there.
/// Quoted attribute values may hold `>`.
pub(super) fn markup_len(xml: &[u8]) -> Option<usize> {
    let (open, close): (&[u8], &[u8]) = if xml.starts_with(b"<!--") {
        (b"<!--", b"-->")
    } else if xml.starts_with(b"<![CDATA[") {
        (b"<![CDATA[", b"]]>")
    } else if xml.starts_with(b"<?") {
        (b"<?", b"?>")
    } else {
        let mut at = 1;
        while let Some(i) = memchr::memchr3(b'>', b'"', b'\'', &xml[at..]) {
            let found = at + i;
            if xml[found] == b'>' {
                return Some(found + 1);
            }
            at = found + 1 + memchr(xml[found], &xml[found + 1..])? + 1;
        }
        return None;
    };
    memmem::find(&xml[open.len()..], close).map(|i| open.len() + i + close.len())
}

/// The tags of a piece of XML held whole, in order; an element's content
/// can be taken as it is ([`Tags::content`]).
pub(super) struct Tags<'a> {
    xml: &'a [u8],
    at: usize,
}

impl<'a> Tags<'a> {
    pub(super) fn new(xml: &'a [u8]) -> Tags<'a> {
        Tags { xml, at: 0 }
    }

    /// The content of the element `tag` (just read, a start tag) up to its
    /// end tag, or to the end of the XML; the reading goes on after it.
    pub(super) fn content(&mut self, tag: &Tag<'_>) -> &'a [u8] {
        let rest = &self.xml[self.at..];
        let len = end_tag(rest, tag.name).unwrap_or(rest.len());
        self.at = (self.at + len + tag.name.len() + 3).min(self.xml.len());
        &rest[..len]
    }
}

impl<'a> Iterator for Tags<'a> {
    type Item = Tag<'a>;

    /// The next tag; `None` at the end, or at markup cut short.
    fn next(&mut self) -> Option<Tag<'a>> {
        let from = self.at + memchr(b'<', &self.xml[self.at..])?;
        let len = markup_len(&self.xml[from..])?;
        self.at = from + len;
        Some(Tag::of(&self.xml[from..from + len]))
    }
}

/// The text of a string item (`<si>`, `<is>`) appended to `out`: its `<t>`
/// runs joined, phonetic runs (`<rPh>`) left out, each run trimmed of ASCII
/// spaces unless `xml:space="preserve"`, then unescaped (as calamine's
/// `read_string` reads it).
pub(super) fn rich_text(xml: &[u8], out: &mut String) {
    let mut phonetic = false;
    let mut tags = Tags::new(xml);
    while let Some(tag) = tags.next() {
        match (tag.kind, tag.local) {
            (Kind::Start, b"rPh") => phonetic = true,
            (Kind::End, b"rPh") => phonetic = false,
            (Kind::Start, b"t") if !phonetic => {
                let preserve = tag.attr(b"xml:space") == Some(b"preserve");
                push_run(tags.content(&tag), preserve, out);
            }
            _ => {}
        }
    }
}

/// One `<t>` run's content appended to `out`: trimmed of ASCII spaces
/// unless `preserve`, entities, CDATA and Excel's escapes undone.
pub(super) fn push_run(raw: &[u8], preserve: bool, out: &mut String) {
    let raw = &*line_ends(raw);
    let plain = memchr::memchr2(b'&', b'<', raw).is_none();
    let owned;
    let text = match std::str::from_utf8(raw) {
        Ok(text) if plain => text,
        _ => {
            owned = char_data(raw);
            &owned
        }
    };
    let text = if preserve {
        text
    } else {
        text.trim_matches([' ', '\t', '\r', '\n'])
    };
    if text.contains("_x") {
        out.push_str(&unescape_excel(text));
    } else {
        out.push_str(text);
    }
}

/// XML's end-of-line handling (XML 1.0, 2.11): a `\r\n` pair or a lone
/// `\r` written in the file is read as `\n`, as every XML reader reads it
/// (a workbook written on Windows by .NET keeps its line ends; a `\r`
/// meant as text is written `&#13;` or `_x000D_`, undone after this).
pub(super) fn line_ends(raw: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if memchr(b'\r', raw).is_none() {
        return raw.into();
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.iter().peekable();
    while let Some(&b) = bytes.next() {
        if b == b'\r' {
            out.push(b'\n');
            bytes.next_if_eq(&&b'\n');
        } else {
            out.push(b);
        }
    }
    out.into()
}

/// Character data as text: CDATA sections as they are, entities undone.
pub(super) fn char_data(xml: &[u8]) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(at) = memmem::find(rest, b"<![CDATA[") {
        out.push_str(&unescape_entities(&String::from_utf8_lossy(&rest[..at])));
        let body = &rest[at + 9..];
        let end = memmem::find(body, b"]]>").unwrap_or(body.len());
        out.push_str(&String::from_utf8_lossy(&body[..end]));
        rest = &body[(end + 3).min(body.len())..];
    }
    out.push_str(&unescape_entities(&String::from_utf8_lossy(rest)));
    out
}

/// XML's entities and character references undone.
pub(super) fn unescape_entities(text: &str) -> String {
    unescape(text)
}

/// Excel's escapes undone: `_x000D_` is the UTF-16 unit 0x000D (a pair
/// of them a character past the BMP; a lone surrogate U+FFFD).
pub(super) fn unescape_excel(text: &str) -> String {
    if !text.contains("_x") {
        return text.to_string();
    }
    let unit = |s: &str, at: usize| -> Option<u16> {
        let e = s.get(at..at + 7)?;
        if !e.starts_with("_x") || !e.ends_with('_') {
            return None;
        }
        let hex = &e[2..6];
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u16::from_str_radix(hex, 16).ok()
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while let Some(found) = text[i..].find("_x").map(|f| i + f) {
        let Some(u) = unit(text, found) else {
            i = found + 1;
            continue;
        };
        out.push_str(&text[copied..found]);
        let mut next = found + 7;
        match u {
            0xD800..=0xDBFF => match unit(text, next) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    let c = 0x10000 + ((u32::from(u) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    out.push(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                    next += 7;
                }
                _ => out.push(char::REPLACEMENT_CHARACTER),
            },
            0xDC00..=0xDFFF => out.push(char::REPLACEMENT_CHARACTER),
            _ => out.push(char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
        copied = next;
        i = next;
    }
    out.push_str(&text[copied..]);
    out
}

/// Each tag whose local name is `local` (`sheet` finds `<sheet …>` and
/// `<x:sheet …>`, not `<sheets>`), from its `<` up to its `>`.
pub(super) fn tags<'a>(xml: &'a [u8], local: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    memmem::find_iter(xml, local).filter_map(move |at| {
        let after = *xml.get(at + local.len())?;
        if !(after.is_ascii_whitespace() || after == b'/' || after == b'>') {
            return None;
        }
        let open = match at.checked_sub(1).map(|i| xml[i]) {
            Some(b'<') => at - 1,
            Some(b':') => {
                let open = memchr::memrchr(b'<', &xml[..at])?;
                let prefix = &xml[open + 1..at - 1];
                if prefix.is_empty()
                    || prefix
                        .iter()
                        .any(|b| b.is_ascii_whitespace() || b"/>\"'=".contains(b))
                {
                    return None;
                }
                open
            }
            _ => return None,
        };
        let rest = &xml[open..];
        Some(&rest[..memchr(b'>', rest).unwrap_or(rest.len())])
    })
}

/// The value of the attribute of `tag` whose name ends with `key`
/// (`ref`, `name`, `:id` for `r:id` whatever the prefix).
pub(super) fn tag_attr(tag: &[u8], key: &[u8]) -> Option<String> {
    let end = memchr::memchr(b'>', tag).unwrap_or(tag.len());
    let tag = &tag[..end];
    let mut from = 0;
    while let Some(eq) = memchr::memchr(b'=', &tag[from..]).map(|i| from + i) {
        let name_start = tag[..eq]
            .iter()
            .rposition(|b| b.is_ascii_whitespace())
            .map_or(0, |i| i + 1);
        let quote = *tag.get(eq + 1)?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let value_end = memchr::memchr(quote, &tag[eq + 2..])? + eq + 2;
        let name = &tag[name_start..eq];
        let matches = if key.starts_with(b":") {
            name.ends_with(key)
        } else {
            name == key
        };
        if matches {
            return Some(String::from_utf8_lossy(&tag[eq + 2..value_end]).into_owned());
        }
        from = value_end + 1;
    }
    None
}

/// XML's five entities and numeric references.
pub(super) fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let Some(end) = rest[at..].find(';').map(|e| at + e) else {
            out.push_str(&rest[at..]);
            return out;
        };
        let entity = &rest[at + 1..end];
        let ch = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => out.push(c),
            None => out.push_str(&rest[at..=end]),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_escapes_are_undone_as_calamine_undoes_them() {
        assert_eq!(unescape_excel("a_x000D_b"), "a\rb");
        assert_eq!(unescape_excel("_x005F_x000D_"), "_x000D_");
        assert_eq!(unescape_excel("_xD83D__xDCF7_"), "\u{1F4F7}");
        assert_eq!(unescape_excel("_xD83D_"), "\u{FFFD}");
        assert_eq!(unescape_excel("_x41 _x0041_"), "_x41 A");
    }

    /// Line ends written in the file are `\n`; a `\r` written as a
    /// reference or an Excel escape is kept (the escape-then-CRLF case is
    /// calamine's tests/has_x000D_.xlsx, written by Excel).
    #[test]
    fn line_ends_are_read_as_xml_reads_them() {
        let mut text = String::new();
        push_run(b"a\r\nb\rc\nd&#13;e_x000D_\r\nf", true, &mut text);
        assert_eq!(text, "a\nb\nc\nd\re\r\nf");
    }

    #[test]
    fn tags_content_and_rich_text() {
        let xml = br#"<?xml version="1.0"?><!-- a > b --><x:si a='1>2'><x:r><x:t>ru</x:t></x:r><x:r><x:t xml:space="preserve"> n </x:t></x:r><x:rPh><x:t>no</x:t></x:rPh><x:t><![CDATA[<&>]]> &amp;</x:t></x:si>"#;
        let mut tags = Tags::new(xml);
        let si = tags.find(|t| t.local == b"si").unwrap();
        assert_eq!(
            (si.kind, si.name, si.attr(b"a")),
            (Kind::Start, &b"x:si"[..], Some(&b"1>2"[..]))
        );
        let mut text = String::new();
        rich_text(tags.content(&si), &mut text);
        assert_eq!(text, "ru n <&> &");
        assert!(tags.next().is_none());
        assert_eq!(markup_len(b"<c r=\"A1"), None, "cut short");
    }

    #[test]
    fn tags_are_found_by_their_local_name_whatever_the_prefix() {
        let xml = br#"<x:sheets><x:sheet name="A" r:id="rId1"/><sheet name="B"/><sheetPr/><my:sheet
 name="C"/><x:sheets2/></x:sheets>"#;
        let names: Vec<String> = tags(xml, b"sheet")
            .filter_map(|t| tag_attr(t, b"name"))
            .collect();
        assert_eq!(names, ["A", "B", "C"]);
        assert_eq!(unescape("a &#x41;&#66;&lt;"), "a AB<");
    }
}
