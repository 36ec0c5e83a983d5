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
//! own copy of them (calamine does not lend its own). Its parts are found
//! as calamine finds them ([`Package`]). A workbook whose sheet list this
//! cannot read, with a sheet kind or state calamine does not know, or a
//! sheet compressed otherwise than by deflate, is opened
//! by calamine instead ([`super::book`]), which reads it or says why not.

use std::io;
use std::sync::Arc;

use calamine::{Sheet, SheetType, SheetVisible};

use super::Origin;
use super::xlsx_package::Package;
use super::xlsx_parts::{NumberKind, shared_strings, style_kinds};
use super::xlsx_sheet::{SheetPart, XlsxSheet};
use super::xlsx_xml::{tag_attr, tags, unescape};

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
        let mut package = Package::open(origin.source()?)?;
        let (workbook, rels) = package.workbook()?;
        let mut sheets = Vec::new();
        let mut parts = Vec::new();
        for tag in tags(&workbook, b"sheet") {
            let (sheet, path) = listed_sheet(tag, &rels, &package)
                .ok_or_else(|| io::Error::other("a sheet calamine would read otherwise"))?;
            let name = package
                .zip_name(&path)
                .ok_or_else(|| io::Error::other(format!("the workbook has no part {path}")))?
                .to_string();
            parts.push(SheetPart::locate(package.zip(), &name)?);
            sheets.push(sheet);
        }
        if sheets.is_empty() {
            return Err(io::Error::other("no sheet listed"));
        }
        // `<x15:workbookPr>` in an extension list shares the name and
        // never says `date1904`.
        let is_1904 = tags(&workbook, b"workbookPr")
            .filter_map(|tag| tag_attr(tag, b"date1904"))
            .last()
            .is_some_and(|v| v == "1" || v == "true");
        let strings = package.beside_workbook("sharedStrings.xml");
        let strings = match package.zip_name(&strings) {
            Some(_) => shared_strings(package.part(&strings)?)?,
            None => Vec::new(),
        };
        let styles = package.beside_workbook("styles.xml");
        let kinds = match package.zip_name(&styles) {
            Some(_) => style_kinds(&package.read(&styles)?),
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
fn listed_sheet(tag: &[u8], rels: &[u8], package: &Package) -> Option<(Sheet, String)> {
    let name = unescape(&tag_attr(tag, b"name")?);
    let visible = match tag_attr(tag, b"state").as_deref() {
        None | Some("visible") => SheetVisible::Visible,
        Some("hidden") => SheetVisible::Hidden,
        Some("veryHidden") => SheetVisible::VeryHidden,
        Some(_) => return None,
    };
    let id = tag_attr(tag, b":id")?;
    let rel = tags(rels, b"Relationship")
        .find(|rel| tag_attr(rel, b"Id").as_deref() == Some(id.as_str()))?;
    let typ = match tag_attr(rel, b"Type")?.rsplit('/').next() {
        Some("worksheet") => SheetType::WorkSheet,
        Some("chartsheet") => SheetType::ChartSheet,
        Some("dialogsheet") => SheetType::DialogSheet,
        _ => return None,
    };
    let path = package.target(&unescape(&tag_attr(rel, b"Target")?));
    Some((Sheet { name, typ, visible }, path))
}
