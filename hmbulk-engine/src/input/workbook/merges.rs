//! The merged regions of an `.xlsx` sheet, found without parsing its XML:
//! the sheet's part is found through the workbook's relationships
//! ([`Package`]), inflated as it
//! streams, and searched for `<mergeCell ref="A1:B2"/>`. calamine's own
//! reader of merged regions parses the whole sheet as XML, which took as
//! long as reading its cells (0.6 s against 0.8 s for 100,000 rows); this
//! takes the time of inflating it (0.04 s). Regions come after the cells in
//! a sheet, so they must be known before the first row is read: the
//! workbook's first visible sheet is searched on a thread of its own while
//! calamine opens the workbook and reads the sheet's first cells ([`Early`]),
//! which is the sheet read in most workbooks.
//!
//! The same pass finds the hidden rows, which calamine does not report:
//! `<row r="12" hidden="1">` (a row hidden by hand, or by a filter: Excel
//! writes both alike), so that the summary can say they were read.

use std::io::{self, Read};

use calamine::Dimensions;
use memchr::memmem;

use super::Source;
use super::xlsx_package::Package;
use super::xlsx_xml::{tag_attr, tags, unescape};

/// Bytes inflated at once; a `<mergeCell …/>` tag is far shorter than the
/// overlap kept between blocks.
const BLOCK: usize = 64 * 1024;
const OVERLAP: usize = 256;

/// What a sheet's XML says beyond its cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Layout {
    /// Merged regions.
    pub merges: Vec<Dimensions>,
    /// Hidden rows (0-based), in order.
    pub hidden_rows: Vec<u32>,
}

/// The layout of an `.xlsx` sheet, searched for on a thread of its own:
/// the sheet `--sheet` names, or else the first visible one.
pub(super) struct Early(std::thread::JoinHandle<io::Result<(String, Layout)>>);

impl Early {
    pub(super) fn start(source: Source, wanted: Option<&str>) -> Option<Early> {
        let wanted = wanted.map(str::to_string);
        let thread = std::thread::Builder::new().name("merges".into());
        let handle = thread
            .spawn(move || xlsx_layout(source, wanted.as_deref()))
            .ok()?;
        Some(Early(handle))
    }

    /// The search is done ([`Early::of`] will not wait).
    pub(super) fn is_finished(&self) -> bool {
        self.0.is_finished()
    }

    /// The layout, when the sheet searched was `name`.
    pub(super) fn of(self, name: &str) -> Option<Layout> {
        match self.0.join() {
            Ok(Ok((searched, found))) if searched == name => Some(found),
            _ => None,
        }
    }
}

/// The layout of the sheet called `name` (else the first visible sheet)
/// in the `.xlsx` `source`, and that sheet's name.
pub(super) fn xlsx_layout(source: Source, name: Option<&str>) -> io::Result<(String, Layout)> {
    let mut package = Package::open(source)?;
    let (workbook, rels) = package.workbook()?;
    let Some((name, path)) = sheet_part(&workbook, &rels, name, |t| package.target(t)) else {
        return Ok((String::new(), Layout::default()));
    };
    let mut part = package.part(&path)?;
    let mut found = Layout::default();
    let mut buf = vec![0u8; BLOCK + OVERLAP];
    let mut kept = 0;
    loop {
        let n = part.read(&mut buf[kept..])?;
        if n == 0 {
            break;
        }
        let end = kept + n;
        // A tag cut at the block's end is searched again with the next.
        let whole = memchr::memrchr(b'>', &buf[..end]).map_or(0, |i| i + 1);
        for at in memmem::find_iter(&buf[..whole], b"mergeCell ") {
            if let Some(d) = tag_attr(&buf[at..whole], b"ref").and_then(|r| region(&r)) {
                found.merges.push(d);
            }
        }
        found.hidden_rows.extend(hidden_rows(&buf[..whole]));
        let tail = (end - whole).min(OVERLAP);
        buf.copy_within(end - tail..end, 0);
        kept = tail;
    }
    found.hidden_rows.sort_unstable();
    found.hidden_rows.dedup();
    Ok((name, found))
}

/// The values of a `hidden` attribute that hide.
const HIDDEN: [&[u8]; 4] = [b"\"1\"", b"'1'", b"\"true\"", b"'true'"];

/// The rows (0-based) of the `<row … hidden="1">` tags in `xml`.
fn hidden_rows(xml: &[u8]) -> impl Iterator<Item = u32> + '_ {
    memmem::find_iter(xml, b" hidden=").filter_map(move |at| {
        // LibreOffice writes `hidden="false"` on every row: told at once.
        let value = &xml[at + b" hidden=".len()..];
        if !HIDDEN.iter().any(|v| value.starts_with(v)) {
            return None;
        }
        let open = memchr::memrchr(b'<', &xml[..at])?;
        let tag = &xml[open..];
        let name_end = memchr::memchr3(b' ', b'\t', b'\n', tag)?;
        // `<row`, or `<x:row` with a namespace prefix.
        let name = &tag[1..name_end];
        if name != b"row" && !name.ends_with(b":row") {
            return None;
        }
        tag_attr(tag, b"r")?.parse::<u32>().ok()?.checked_sub(1)
    })
}

/// The name and zip path of sheet `name` (else of the first visible
/// sheet): its `r:id` in the workbook, that relationship's target
/// (relative to `xl/`, or absolute).
pub(super) fn sheet_part(
    workbook: &[u8],
    rels: &[u8],
    name: Option<&str>,
    resolve: impl Fn(&str) -> String,
) -> Option<(String, String)> {
    let sheet = tags(workbook, b"sheet").find(|tag| match name {
        Some(name) => tag_attr(tag, b"name").is_some_and(|n| unescape(&n) == name),
        None => tag_attr(tag, b"state").is_none_or(|s| s == "visible"),
    })?;
    let found = unescape(&tag_attr(sheet, b"name")?);
    let id = tag_attr(sheet, b":id")?;
    let target = tags(rels, b"Relationship")
        .find(|tag| tag_attr(tag, b"Id").as_deref() == Some(id.as_str()))
        .and_then(|tag| tag_attr(tag, b"Target"))?;
    Some((found, resolve(&unescape(&target))))
}

/// `B3:C7` → rows 2..=6, columns 1..=2 (0-based); `B3` alone is one cell.
fn region(text: &str) -> Option<Dimensions> {
    let (a, b) = text.split_once(':').unwrap_or((text, text));
    Some(Dimensions::new(cell(a)?, cell(b)?))
}

/// `AB12` → (11, 27).
fn cell(text: &str) -> Option<(u32, u32)> {
    let text = text.trim().replace('$', "");
    let split = text.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = text.split_at(split);
    if letters.is_empty() || !letters.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let col = letters.bytes().try_fold(0u32, |n, b| {
        n.checked_mul(26)?
            .checked_add(u32::from(b.to_ascii_uppercase() - b'A') + 1)
    })?;
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_regions_are_read_as_excel_writes_them() {
        assert_eq!(cell("A1"), Some((0, 0)));
        assert_eq!(cell("AB12"), Some((11, 27)));
        assert_eq!(cell("$C$3"), Some((2, 2)));
        assert_eq!(cell("A0"), None);
        assert_eq!(region("B3:C7"), Some(Dimensions::new((2, 1), (6, 2))));
    }

    #[test]
    fn hidden_rows_are_the_row_tags_that_say_so() {
        let xml = br#"<sheetData><row r="2" spans="1:3"><c r="A2"><v>1</v></c></row><row r="5" hidden="1" spans="1:3"><c r="A5" t="inlineStr"><is><t>x hidden="1"</t></is></c></row><x:row r="7" hidden="true"/><row r="8" hidden="0"/><row hidden="1" r="12" ht="15"></row>"#;
        let rows: Vec<u32> = hidden_rows(xml).collect();
        assert_eq!(rows, [4, 6, 11]);
    }

    #[test]
    fn a_sheet_is_found_through_the_workbook_relationships() {
        let workbook = br#"<workbook><sheets><sheet name="Read me" sheetId="1" state="hidden" r:id="rId3"/><sheet name="A &amp; B" sheetId="2" r:id="rId1"/></sheets></workbook>"#;
        let rels = br#"<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet7.xml"/><Relationship Id="rId3" Target="/xl/worksheets/sheet1.xml" Type="x"/></Relationships>"#;
        let resolve = |t: &str| match t.strip_prefix('/') {
            Some(absolute) => absolute.to_string(),
            None => format!("xl/{t}"),
        };
        let path = |name| sheet_part(workbook, rels, name, resolve).map(|(_, p)| p);
        assert_eq!(
            path(Some("A & B")).as_deref(),
            Some("xl/worksheets/sheet7.xml")
        );
        assert_eq!(
            path(Some("Read me")).as_deref(),
            Some("xl/worksheets/sheet1.xml")
        );
        assert_eq!(path(Some("Nope")), None);
        let first = sheet_part(workbook, rels, None, resolve).map(|(n, _)| n);
        assert_eq!(first.as_deref(), Some("A & B"), "the first visible sheet");
    }
}
