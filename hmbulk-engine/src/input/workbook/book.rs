//! A workbook opened, whoever reads it: an `.xlsx` by hand
//! ([`XlsxBook`]: several times faster), else calamine (`.xls`, `.xlsb`,
//! `.ods`, and an `.xlsx` the hand reader cannot open). Takes the file's
//! origin and its [`Signature`]; gives the workbook's sheets (as calamine
//! lists them), a sheet's cells ([`SheetCells`]) and its [`Layout`]
//! (merged regions, hidden rows) as far as its format gives it.

use std::io;
use std::path::Path;

use calamine::{Ods, Reader, Sheet, Sheets, Xls, Xlsb, Xlsx, open_workbook_from_rs};

use super::cells_of::SheetCells;
use super::merges::{Layout, xlsx_layout};
use super::ods_layout::ods_layout;
use super::xlsx_book::XlsxBook;
use super::xlsx_package::normal;
use super::xlsx_sheet::TooLarge;
use super::{Origin, Signature, Source};
use crate::error::{Error, Result};

/// A workbook opened.
pub(super) enum Book {
    /// An `.xlsx` read by hand.
    Xlsx(XlsxBook),
    Calamine(Box<Sheets<Source>>),
}

impl Book {
    /// Its sheets, in the workbook's order.
    pub(super) fn sheets(&self) -> Vec<Sheet> {
        match self {
            Book::Xlsx(book) => book.sheets().to_vec(),
            Book::Calamine(book) => book.sheets_metadata().to_vec(),
        }
    }

    /// Is it an `.xlsx` (whose layout is searched for early)?
    pub(super) fn is_xlsx(&self) -> bool {
        match self {
            Book::Xlsx(_) => true,
            Book::Calamine(book) => matches!(**book, Sheets::Xlsx(_)),
        }
    }

    /// The cells of sheet `name`.
    pub(super) fn cells(&mut self, name: &str) -> io::Result<SheetCells<'_>> {
        match self {
            Book::Xlsx(book) => Ok(SheetCells::by_hand(book.sheet(name)?)),
            Book::Calamine(book) => SheetCells::open(book, name).map_err(io::Error::other),
        }
    }

    /// The layout of sheet `name`, read from `origin`: merged regions and
    /// hidden rows of `.xlsx` ([`super::merges`]) and `.ods`
    /// ([`super::ods_layout`]), merged regions of `.xls` (calamine's);
    /// nothing for `.xlsb` (calamine reads none, and its sheets are binary
    /// records).
    pub(super) fn layout(&mut self, origin: &Origin, name: &str) -> io::Result<Layout> {
        let book = match self {
            Book::Xlsx(_) => return xlsx_layout(origin.side_source()?, Some(name)).map(|(_, l)| l),
            Book::Calamine(book) => &mut **book,
        };
        match book {
            Sheets::Xlsx(_) => xlsx_layout(origin.side_source()?, Some(name)).map(|(_, l)| l),
            Sheets::Xls(x) => Ok(Layout {
                merges: x
                    .merge_cells_by_sheet_name(name)
                    .map_err(io::Error::other)?,
                hidden_rows: Vec::new(),
            }),
            Sheets::Ods(_) => ods_layout(origin.side_source()?, name),
            Sheets::Xlsb(_) => Ok(Layout::default()),
        }
    }
}

/// The reader for the file: an OLE file is `.xls`; a zip is tried as an
/// `.xlsx` by hand, then by calamine as `.xlsx`, `.xlsb` and `.ods`.
pub(super) fn open_book(
    shown: &Path,
    origin: &Origin,
    signature: Signature,
) -> Result<(Book, &'static str)> {
    let file = shown.display();
    let io_error = |e: io::Error| Error::input(shown, format!("cannot open {file}: {e}"));
    if signature == Signature::Ole {
        return match open_workbook_from_rs::<Xls<_>, _>(origin.source().map_err(io_error)?) {
            Ok(book) => Ok((Book::Calamine(Box::new(Sheets::Xls(book))), "xls")),
            Err(_) if is_encrypted(origin) => Err(Error::input(
                shown,
                format!(
                    "{file} is a workbook encrypted with a password, which hmbulk cannot \
                     open; in Excel remove it (File > Info > Protect Workbook > Encrypt \
                     with Password, then clear it) or save a copy without it, and import that"
                ),
            )),
            Err(e) => Err(Error::input(
                shown,
                format!(
                    "cannot read {file} as an Excel 97-2003 (.xls) workbook: {e}; if it is \
                     password-protected, save a copy without the password and import that"
                ),
            )),
        };
    }
    match XlsxBook::open(origin) {
        Ok(book) => return Ok((Book::Xlsx(book), "xlsx")),
        Err(e) if TooLarge::is(&e) => {
            return Err(Error::input(shown, format!("cannot read {file}: {e}")));
        }
        Err(_) => {}
    }
    let source = || origin.source().map_err(io_error);
    // calamine holds a part whole as it reads it: a zip that inflates
    // past what it can hold is refused first (the zip reader holds each
    // part to its declared size, so the sizes can be trusted).
    let (inflated, names) = directory(source()?);
    if inflated > MAX_WHOLE {
        return Err(Error::input(
            shown,
            format!(
                "{file} inflates to {:.1} GiB, more than hmbulk reads whole (an .ods, an \
                 .xlsb, or an .xlsx it cannot read as it inflates: at most {} GiB); save it \
                 from the spreadsheet as .xlsx or as \"CSV UTF-8\"",
                inflated as f64 / f64::from(1u32 << 30),
                MAX_WHOLE >> 30
            ),
        ));
    }
    let xlsx = match open_workbook_from_rs::<Xlsx<_>, _>(source()?) {
        Ok(book) => return Ok((Book::Calamine(Box::new(Sheets::Xlsx(book))), "xlsx")),
        Err(e) => e.to_string(),
    };
    let xlsb = match open_workbook_from_rs::<Xlsb<_>, _>(source()?) {
        Ok(book) => return Ok((Book::Calamine(Box::new(Sheets::Xlsb(book))), "xlsb")),
        Err(e) => e.to_string(),
    };
    let ods = match open_workbook_from_rs::<Ods<_>, _>(source()?) {
        Ok(book) => return Ok((Book::Calamine(Box::new(Sheets::Ods(book))), "ods")),
        Err(e) => e.to_string(),
    };
    // Say why it was not read as what it says it is: an OpenDocument
    // names its kind in `mimetype`, an `.xlsb` has a binary workbook part.
    let has = |name: &str| names.iter().any(|n| n == name);
    let (kind, why) = if has("mimetype") {
        (".ods", ods)
    } else if has("xl/workbook.bin") {
        (".xlsb", xlsb)
    } else {
        (".xlsx", xlsx)
    };
    Err(Error::input(
        shown,
        format!(
            "{file} is a zip file but no workbook hmbulk reads (.xlsx, .xlsm, .xlsb, .ods): \
             read as {kind}: {why}; save it from the spreadsheet again as .xlsx or as \
             \"CSV UTF-8\""
        ),
    ))
}

/// Is the OLE file at `origin` an encrypted workbook? An `.xlsx` saved
/// with a password is an OLE file holding its package in a stream named
/// `EncryptedPackage` (MS-OFFCRYPTO), the name written in UTF-16 in the
/// file's directory.
fn is_encrypted(origin: &Origin) -> bool {
    let mut bytes = Vec::new();
    let read = origin
        .side_source()
        .and_then(|mut source| io::Read::read_to_end(&mut source, &mut bytes));
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    read.is_ok() && memchr::memmem::find(&bytes, &name).is_some()
}

/// The most a workbook read whole by calamine may inflate to: a sheet
/// of 100,000 rows saved as `.ods` by LibreOffice inflates to 86 MB and
/// takes 157 MB read, so this is about 2.5 million such rows.
const MAX_WHOLE: u64 = 2 << 30;

/// What the zip's directory declares: the bytes its parts inflate to, and
/// their names as part paths are compared ([`normal`]); nothing for a zip
/// that cannot be read.
fn directory(source: Source) -> (u64, Vec<String>) {
    let Ok(mut zip) = zip::ZipArchive::new(source) else {
        return (0, Vec::new());
    };
    let inflated = (0..zip.len())
        .filter_map(|i| zip.by_index_raw(i).ok().map(|part| part.size()))
        .fold(0, u64::saturating_add);
    (
        inflated,
        zip.file_names()
            .flatten()
            .map(|name| normal(&name))
            .collect(),
    )
}
