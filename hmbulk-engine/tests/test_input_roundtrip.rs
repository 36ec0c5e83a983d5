//! Property: any table written by the `csv` crate (random cells with quotes,
//! delimiters, line breaks, unicode; any of the four delimiters; LF or CRLF)
//! reads back through `Config::reader` with the same cells and row numbers.
//! Rows whose every cell is blank are skipped and counted, as the reader
//! promises; a cell the formula guard would have written reads back unguarded.

use std::io::Write;

use hmbulk_engine::formula::unguard;
use hmbulk_engine::input::config::Config;
use proptest::prelude::*;

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z0-9 ,;|\t\"'\r\n=+@-]{0,12}",
        2 => "[éü漢字😀ß\u{a0}\u{feff} a,\"]{0,8}",
        1 => any::<String>(),
        1 => Just(String::new()),
    ]
}

fn table() -> impl Strategy<Value = (usize, Vec<Vec<String>>)> {
    (2usize..6).prop_flat_map(|width| {
        (
            Just(width),
            prop::collection::vec(prop::collection::vec(cell(), width), 0..12),
        )
    })
}

fn is_blank(row: &[String]) -> bool {
    row.iter()
        .all(|c| c.bytes().all(|b| b.is_ascii_whitespace()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn written_tables_read_back(
        (width, rows) in table(),
        delimiter in prop::sample::select(vec![b',', b';', b'\t', b'|']),
        crlf in any::<bool>(),
        forced in any::<bool>(),
    ) {
        let terminator = if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') };
        let mut writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(terminator)
            .from_writer(Vec::new());
        let headers: Vec<String> = (0..width).map(|i| format!("column {i}")).collect();
        writer.write_record(&headers).unwrap();
        for row in &rows {
            writer.write_record(row).unwrap();
        }
        let bytes = writer.into_inner().unwrap();
        let mut file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        file.write_all(&bytes).unwrap();

        let config = Config::new(file.path()).delimiter(forced.then_some(delimiter));
        let mut reader = config.reader().unwrap();
        prop_assert_eq!(reader.delimiter(), delimiter);
        prop_assert_eq!(reader.headers(), &headers[..]);
        let read: Vec<_> = reader.by_ref().map(Result::unwrap).collect();

        let kept: Vec<&Vec<String>> = rows.iter().filter(|r| !is_blank(r)).collect();
        prop_assert_eq!(read.len(), kept.len());
        for (i, (record, row)) in read.iter().zip(&kept).enumerate() {
            prop_assert_eq!(record.row, i as u64 + 1);
            let want: Vec<String> = row.iter().map(|c| unguard(c).into_owned()).collect();
            prop_assert_eq!(&record.cells, &want);
        }
        prop_assert_eq!(reader.blank_lines(), (rows.len() - kept.len()) as u64);
    }
}
