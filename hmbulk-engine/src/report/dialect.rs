//! The dialect a run's CSV reports are written in: the input's own, so a
//! spreadsheet opens them as it opened the input and `import` reads an
//! error report back as it is. Takes the [`RowReader`] of the input (its
//! delimiter and encoding) and `--bom` / `--no-bom`; gives a [`Dialect`].
//!
//! - The delimiter is the input's when it is one the reader sniffs
//!   (`, ; tab |`): a `;` file from European Excel gets `;` reports, which
//!   that Excel opens in columns. Any other delimiter (`--delimiter :`) could
//!   not be sniffed back, so those reports use `,`.
//! - The text is always UTF-8. It starts with a UTF-8 BOM whenever the input
//!   was not plain UTF-8 (Windows-1252, UTF-16, or UTF-8 with a BOM): Excel
//!   reads a CSV without one in the machine's code page, and shows `RenÃ©e`
//!   for `Renée`. A Windows-1252 file is known as such by its first byte that
//!   is not UTF-8, which may come after the reports began: the BOM is then
//!   put in front at the end ([`Dialect::bom_for`]). `--bom` / `--no-bom`
//!   force it either way.

use crate::input::config::DELIMITERS;
use crate::input::{Encoding, RowReader};

/// How a run's CSV reports are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    /// Start with a UTF-8 byte-order mark.
    pub bom: bool,
    /// `bom` was asked for (`--bom`, `--no-bom`): an input found later not
    /// to be plain UTF-8 does not change it ([`Dialect::bom_for`]).
    pub forced: bool,
}

impl Default for Dialect {
    fn default() -> Self {
        Dialect::PLAIN
    }
}

impl Dialect {
    /// Comma-separated UTF-8 without a BOM.
    pub const PLAIN: Dialect = Dialect {
        delimiter: b',',
        bom: false,
        forced: true,
    };

    /// The dialect of the reports of an input read by `reader`; `bom` is
    /// `--bom` (`Some(true)`) or `--no-bom` (`Some(false)`).
    pub fn of(reader: &RowReader, bom: Option<bool>) -> Dialect {
        Dialect::for_input(reader.delimiter(), reader.encoding(), bom)
    }

    /// [`Dialect::of`] an input with `delimiter` and `encoding`.
    pub fn for_input(delimiter: u8, encoding: Encoding, bom: Option<bool>) -> Dialect {
        Dialect {
            delimiter: if DELIMITERS.contains(&delimiter) {
                delimiter
            } else {
                b','
            },
            bom: bom.unwrap_or(encoding != Encoding::Utf8),
            forced: bom.is_some(),
        }
    }

    /// Whether the reports start with a BOM once the whole input was read
    /// in `encoding`: a Windows-1252 file is known for one only when its
    /// first byte that is not UTF-8 is read, which may be after the reports
    /// began.
    pub fn bom_for(&self, encoding: Encoding) -> bool {
        match self.forced {
            true => self.bom,
            false => self.bom || encoding != Encoding::Utf8,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_input_delimiter_and_a_bom_unless_plain_utf8() {
        let d = Dialect::for_input(b';', Encoding::Windows1252, None);
        assert_eq!((d.delimiter, d.bom), (b';', true));
        for encoding in [Encoding::Utf8Bom, Encoding::Utf16Le, Encoding::Utf16Be] {
            assert!(
                Dialect::for_input(b'\t', encoding, None).bom,
                "{encoding:?}"
            );
        }
        let plain = Dialect::for_input(b',', Encoding::Utf8, None);
        assert_eq!((plain.delimiter, plain.bom), (b',', false));
        assert!(plain.bom_for(Encoding::Windows1252), "found later");
        assert!(!plain.bom_for(Encoding::Utf8));
        let no_bom = Dialect::for_input(b',', Encoding::Utf16Le, Some(false));
        assert!(!no_bom.bom && !no_bom.bom_for(Encoding::Windows1252));
        assert!(Dialect::for_input(b',', Encoding::Utf8, Some(true)).bom);
        // A delimiter the reader would not sniff back: commas.
        assert_eq!(
            Dialect::for_input(b':', Encoding::Utf8, None).delimiter,
            b','
        );
    }
}
