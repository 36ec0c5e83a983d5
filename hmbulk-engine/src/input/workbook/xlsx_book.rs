//! An `.xlsx` (or `.xlsm`) workbook opened by hand, for its sheets to be
//! read by [`XlsxSheet`]: takes the workbook's origin; gives its sheets as
//! calamine lists them (name, kind, visibility, in the workbook's order)
//! and any worksheet's cells. The shared strings and the cell styles'
//! number kinds are read once, when the book is opened, and shared by
//! every sheet read from it (the header search reads several sheets' first
//! rows, then the run reads one whole).
//!
//! Why not calamine's `Xlsx`: opening it parses the shared strings on the
//! caller's thread before the first row can be read (a sheet of 1M rows
//! saved by LibreOffice: 0.5 s and 160 MB), and the hand reader needs its
//! own copy of them (calamine does not lend its own). A workbook whose
//! parts are not where Excel puts them (`_rels/.rels` naming another
//! workbook part than `xl/workbook.xml`), whose sheet list this cannot
//! read, or with a sheet kind or state calamine does not know, is opened
//! by calamine instead ([`super::book`]), which reads it or says why not.

use std::io;
use std::sync::Arc;

use calamine::{Sheet, SheetType, SheetVisible};
use zip::ZipArchive;

use super::merges::{read_part, tag_attr, tags, unescape};
use super::xlsx_parts::{NumberKind, shared_strings, style_kinds};
use super::xlsx_sheet::{SheetPart, XlsxSheet};
use super::{Origin, Source};

/// An `.xlsx` workbook's sheets and what their cells are read with.
pub(super) struct XlsxBook {
    origin: Origin,
    /// As calamine's `sheets_metadata` gives them.
    sheets: Vec<Sheet>,
    /// Each sheet's part, by the index of `sheets`.
    parts: Vec<SheetPart>,
    strings: Arc<[String]>,
    /// By cell style index.
    kinds: Arc<[NumberKind]>,
    is_1904: bool,
}

impl XlsxBook {
    /// Open the workbook at `origin`: an error when it is not one this
    /// reads (then calamine is asked).
    pub(super) fn open(origin: &Origin) -> io::Result<XlsxBook> {
        let mut zip = ZipArchive::new(origin.source()?).map_err(io::Error::other)?;
        let root = read_part(&mut zip, "_rels/.rels")?;
        let office = tags(&root, b"<Relationship ")
            .find(|tag| tag_attr(tag, b"Type").is_some_and(|t| t.ends_with("/officeDocument")))
            .and_then(|tag| tag_attr(tag, b"Target"))
            .ok_or_else(|| io::Error::other("no workbook part named"))?;
        if unescape(&office).trim_start_matches('/') != "xl/workbook.xml" {
            return Err(io::Error::other("the workbook part is not xl/workbook.xml"));
        }
        let workbook = read_part(&mut zip, "xl/workbook.xml")?;
        let rels = read_part(&mut zip, "xl/_rels/workbook.xml.rels")?;
        let mut sheets = Vec::new();
        let mut parts = Vec::new();
        for tag in tags(&workbook, b"<sheet ") {
            let (sheet, path) = listed_sheet(tag, &rels)
                .ok_or_else(|| io::Error::other("a sheet calamine would read otherwise"))?;
            parts.push(SheetPart::locate(&mut zip, &path)?);
            sheets.push(sheet);
        }
        if sheets.is_empty() {
            return Err(io::Error::other("no sheet listed"));
        }
        let is_1904 = memchr::memmem::find_iter(&workbook, b"<workbookPr")
            .map(|at| &workbook[at..])
            .find(|tag| {
                matches!(
                    tag.get(11),
                    Some(b' ' | b'/' | b'>' | b'\t' | b'\r' | b'\n')
                )
            })
            .and_then(|tag| tag_attr(tag, b"date1904"))
            .is_some_and(|v| v == "1" || v == "true");
        let strings = match part_named(&mut zip, "xl/sharedStrings.xml") {
            Some(name) => shared_strings(zip.by_name(&name).map_err(io::Error::other)?)?,
            None => Vec::new(),
        };
        let kinds = match part_named(&mut zip, "xl/styles.xml") {
            Some(name) => style_kinds(&read_part(&mut zip, &name)?),
            None => Vec::new(),
        };
        Ok(XlsxBook {
            origin: origin.clone(),
            sheets,
            parts,
            strings: strings.into(),
            kinds: kinds.into(),
            is_1904,
        })
    }

    /// The sheets, as calamine's `sheets_metadata` gives them.
    pub(super) fn sheets(&self) -> &[Sheet] {
        &self.sheets
    }

    /// Sheet `name`'s cells, read up to its first row.
    pub(super) fn sheet(&self, name: &str) -> io::Result<XlsxSheet> {
        let index = self
            .sheets
            .iter()
            .position(|s| s.name == name)
            .ok_or_else(|| io::Error::other(format!("no sheet {name}")))?;
        XlsxSheet::open(
            &self.origin,
            &self.parts[index],
            Arc::clone(&self.strings),
            Arc::clone(&self.kinds),
            self.is_1904,
        )
    }
}

/// A `<sheet>` of `xl/workbook.xml` as calamine lists it, and its part's
/// path; none when calamine would not read it so (an unknown state or
/// relationship kind, a relationship missing).
fn listed_sheet(tag: &[u8], rels: &[u8]) -> Option<(Sheet, String)> {
    let name = unescape(&tag_attr(tag, b"name")?);
    let visible = match tag_attr(tag, b"state").as_deref() {
        None | Some("visible") => SheetVisible::Visible,
        Some("hidden") => SheetVisible::Hidden,
        Some("veryHidden") => SheetVisible::VeryHidden,
        Some(_) => return None,
    };
    let id = tag_attr(tag, b":id")?;
    let rel = tags(rels, b"<Relationship ")
        .find(|rel| tag_attr(rel, b"Id").as_deref() == Some(id.as_str()))?;
    let typ = match tag_attr(rel, b"Type")?.rsplit('/').next() {
        Some("worksheet") => SheetType::WorkSheet,
        Some("chartsheet") => SheetType::ChartSheet,
        Some("dialogsheet") => SheetType::DialogSheet,
        _ => return None,
    };
    let target = unescape(&tag_attr(rel, b"Target")?);
    let path = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    };
    Some((Sheet { name, typ, visible }, path))
}

/// The zip's name for part `path`, matched without regard to case (as
/// calamine matches it).
fn part_named(zip: &mut ZipArchive<Source>, path: &str) -> Option<String> {
    if zip.index_for_name(path).is_some() {
        return Some(path.to_string());
    }
    zip.file_names()
        .flatten()
        .find(|name| name.eq_ignore_ascii_case(path))
        .map(|name| name.into_owned())
}
