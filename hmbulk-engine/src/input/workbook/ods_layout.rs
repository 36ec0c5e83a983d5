//! The layout of an `.ods` sheet, which calamine does not report: its
//! merged regions and hidden rows, read from the workbook's `content.xml`.
//! Takes the file and the sheet's name; gives a [`Layout`] in the
//! coordinates calamine gives the cells (0-based; every `table:table-row`
//! counts `table:number-rows-repeated` rows, every `table:table-cell` and
//! `table:covered-table-cell` `table:number-columns-repeated` columns).
//!
//! - merged: a cell with `table:number-rows-spanned` or
//!   `table:number-columns-spanned` above 1 starts a region of that size;
//! - hidden: a row whose `table:visibility` is `collapse` (hidden by hand)
//!   or `filter` (hidden by a filter). A run of more than
//!   [`MAX_HIDDEN_RUN`] repeated hidden rows is the empty rest of a sheet
//!   (LibreOffice writes one), not data, and is left out.
//!
//! One pass over the XML events of the sheet's table, stopping at its end:
//! memory is one event's bytes, plus what is found.

use std::io::{self, BufRead, BufReader};

use calamine::Dimensions;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use super::Source;
use super::merges::Layout;

/// Repeated hidden rows counted at most in one run.
const MAX_HIDDEN_RUN: u32 = 1000;

/// The layout of the sheet called `name` in the `.ods` `source`.
pub(super) fn ods_layout(source: Source, name: &str) -> io::Result<Layout> {
    let mut zip = ZipArchive::new(source).map_err(io::Error::other)?;
    let content = zip.by_name("content.xml").map_err(io::Error::other)?;
    walk_table(BufReader::new(content), name)
}

/// The layout of table `name` in the OpenDocument XML `content`.
fn walk_table(content: impl BufRead, name: &str) -> io::Result<Layout> {
    let mut xml = Reader::from_reader(content);
    let mut walk = Walk::default();
    let mut buf = Vec::new();
    loop {
        let done = match xml.read_event_into(&mut buf).map_err(io::Error::other)? {
            Event::Eof => true,
            Event::Start(tag) => walk.open(&tag, name, false),
            Event::Empty(tag) => walk.open(&tag, name, true),
            Event::End(end) => walk.close(end.name().as_ref()),
            _ => false,
        };
        if done {
            break;
        }
        buf.clear();
    }
    walk.found.hidden_rows.sort_unstable();
    Ok(walk.found)
}

/// Where the walk through the XML is.
#[derive(Default)]
struct Walk {
    found: Layout,
    /// Tables open: 0 outside the sheet; 1 in it; more in a table nested
    /// in one of its cells (whose rows are not the sheet's).
    depth: u32,
    /// The row being read (its first, when repeated), and how many it is.
    row: u32,
    repeated: u32,
    col: u32,
}

impl Walk {
    /// A tag opens (`empty`: and closes); true when the sheet is done.
    fn open(&mut self, tag: &BytesStart<'_>, name: &str, empty: bool) -> bool {
        match tag.name().as_ref() {
            "table:table" if self.depth > 0 => self.depth += u32::from(!empty),
            "table:table" if !empty && attr(tag, "table:name").as_deref() == Some(name) => {
                self.depth = 1;
            }
            "table:table-row" if self.depth == 1 => {
                let repeated = number(tag, "table:number-rows-repeated");
                let hidden = raw(tag, "table:visibility", |v| {
                    matches!(v, "collapse" | "filter")
                });
                if hidden == Some(true) && repeated <= MAX_HIDDEN_RUN {
                    let rows = self.row..self.row.saturating_add(repeated);
                    self.found.hidden_rows.extend(rows);
                }
                self.repeated = repeated;
                self.col = 0;
                if empty {
                    self.row = self.row.saturating_add(repeated);
                }
            }
            "table:table-cell" | "table:covered-table-cell" if self.depth == 1 => {
                let rows = number(tag, "table:number-rows-spanned");
                let cols = number(tag, "table:number-columns-spanned");
                if rows > 1 || cols > 1 {
                    let start = (self.row, self.col);
                    let end = (
                        self.row.saturating_add(rows - 1),
                        self.col.saturating_add(cols - 1),
                    );
                    self.found.merges.push(Dimensions::new(start, end));
                }
                let repeated = number(tag, "table:number-columns-repeated");
                self.col = self.col.saturating_add(repeated);
            }
            _ => {}
        }
        false
    }

    /// A tag closes; true when it is the sheet's table.
    fn close(&mut self, name: &str) -> bool {
        match name {
            "table:table" if self.depth > 0 => {
                self.depth -= 1;
                self.depth == 0
            }
            "table:table-row" if self.depth == 1 => {
                self.row = self.row.saturating_add(self.repeated);
                false
            }
            _ => false,
        }
    }
}

/// The value of attribute `key` of `tag`, unescaped.
fn attr(tag: &BytesStart<'_>, key: &str) -> Option<String> {
    let found = tag.try_get_attribute(key).ok()??;
    found
        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .ok()
        .map(|v| v.into_owned())
}

/// A count attribute (`…-repeated`, `…-spanned`): 1 when absent or not a
/// count.
fn number(tag: &BytesStart<'_>, key: &str) -> u32 {
    raw(tag, key, |v| v.parse().ok())
        .flatten()
        .filter(|&n| n > 0)
        .unwrap_or(1)
}

/// `f` of the raw value of attribute `key` of `tag` (no allocation).
fn raw<T>(tag: &BytesStart<'_>, key: &str, f: impl FnOnce(&str) -> T) -> Option<T> {
    let found = tag.try_get_attribute(key).ok()??;
    Some(f(&found.value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_and_hidden_rows_in_the_coordinates_calamine_gives_cells() {
        let xml = r#"<office:body><table:table table:name="Notes"><table:table-row table:visibility="collapse"><table:table-cell table:number-rows-spanned="3"/></table:table-row></table:table>
<table:table table:name="A &amp; B">
<table:table-header-rows><table:table-row><table:table-cell table:number-columns-spanned="3" table:number-columns-repeated="1"><text:p>Title</text:p></table:table-cell><table:covered-table-cell table:number-columns-repeated="2"/></table:table-row></table:table-header-rows>
<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="2"/><table:table-cell/></table:table-row>
<table:table-row><table:table-cell/><table:table-cell table:number-rows-spanned="2"><table:table><table:table-row/><table:table-row table:visibility="collapse"/></table:table></table:table-cell></table:table-row>
<table:table-row table:visibility="filter"><table:table-cell/><table:covered-table-cell/></table:table-row>
<table:table-row table:visibility="collapse" table:number-rows-repeated="1048570"/>
</table:table><table:table table:name="Later"><table:table-row table:visibility="collapse"/></table:table></office:body>"#;
        let layout = walk_table(xml.as_bytes(), "A & B").unwrap();
        assert_eq!(
            layout.merges,
            [
                Dimensions::new((0, 0), (0, 2)),
                Dimensions::new((3, 1), (4, 1))
            ]
        );
        assert_eq!(
            layout.hidden_rows,
            [4],
            "the filtered row; not the empty rest"
        );
        let none = walk_table(xml.as_bytes(), "Nope").unwrap();
        assert_eq!(none, Layout::default());
    }
}
