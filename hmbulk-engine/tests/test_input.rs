//! Reading files through `Config::reader`: encodings, delimiters, quoting,
//! ragged rows, blank lines, the formula guard, and the input errors a bad
//! file gives.

use std::io::Write;

use hmbulk_engine::error::Error;
use hmbulk_engine::input::config::Config;
use hmbulk_engine::input::{Chunk, Encoding, Record, RowReader};

fn file_with(bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    file.write_all(bytes).unwrap();
    file.flush().unwrap();
    file
}

/// Read a whole file; keep the reader to ask it what it found. The file is
/// read a second time in chunks (as the pipeline reads), which must give
/// the same records and find the same.
fn read(bytes: &[u8]) -> (RowReader, Vec<Record>) {
    let file = file_with(bytes);
    let mut reader = Config::new(file.path()).reader().unwrap();
    let records: Vec<Record> = reader.by_ref().map(Result::unwrap).collect();
    let (chunked, in_chunks) = read_chunks(file.path(), 2);
    assert_eq!(in_chunks, records, "chunks read as records do");
    assert_eq!(chunked.blank_lines(), reader.blank_lines());
    assert_eq!(chunked.encoding(), reader.encoding());
    (reader, records)
}

/// Read a whole file in chunks of at most `rows` records.
fn read_chunks(path: &std::path::Path, rows: usize) -> (RowReader, Vec<Record>) {
    let mut reader = Config::new(path).reader().unwrap();
    let mut chunk = Chunk::default();
    let mut records = Vec::new();
    loop {
        reader.read_chunk(&mut chunk, rows).unwrap();
        if chunk.is_empty() {
            return (reader, records);
        }
        assert!(chunk.len() <= rows);
        records.extend((0..chunk.len()).map(|i| chunk.record(i)));
    }
}

fn cells(records: &[Record]) -> Vec<Vec<&str>> {
    records
        .iter()
        .map(|r| r.cells.iter().map(String::as_str).collect())
        .collect()
}

fn input_error(bytes: &[u8]) -> String {
    let file = file_with(bytes);
    match Config::new(file.path()).reader() {
        Err(Error::Input { path, message: msg }) => {
            assert_eq!(path, file.path());
            let name = file.path().file_name().unwrap().to_str().unwrap();
            assert!(msg.contains(name), "message does not name the file: {msg}");
            msg
        }
        Err(other) => panic!("not an input error: {other:?}"),
        Ok(r) => panic!("read fine: {:?}", r.headers()),
    }
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        let bytes = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        out.extend_from_slice(&bytes);
    }
    out
}

const TEXT: &str = "phone,first,city\r\n4155553434,José,\"Zürich, CH\"\r\n4155553435,Zoë,東京\r\n";

fn assert_text_read(reader: &RowReader, records: &[Record]) {
    assert_eq!(reader.headers(), ["phone", "first", "city"]);
    assert_eq!(
        cells(records),
        [
            vec!["4155553434", "José", "Zürich, CH"],
            vec!["4155553435", "Zoë", "東京"],
        ]
    );
    assert_eq!(records[1].row, 2);
}

#[test]
fn utf8_without_bom() {
    let (reader, records) = read(TEXT.as_bytes());
    assert_text_read(&reader, &records);
    assert_eq!(reader.encoding(), Encoding::Utf8);
    assert_eq!(reader.encoding().as_str(), "utf-8");
}

#[test]
fn utf8_with_bom_loses_the_bom_from_the_first_header() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(TEXT.as_bytes());
    let (reader, records) = read(&bytes);
    assert_text_read(&reader, &records);
    assert_eq!(reader.encoding(), Encoding::Utf8Bom);
}

#[test]
fn utf16_little_endian_with_bom() {
    let (reader, records) = read(&utf16(TEXT, false));
    assert_text_read(&reader, &records);
    assert_eq!(reader.encoding(), Encoding::Utf16Le);
}

#[test]
fn utf16_big_endian_with_bom() {
    let (reader, records) = read(&utf16(TEXT, true));
    assert_text_read(&reader, &records);
    assert_eq!(reader.encoding(), Encoding::Utf16Be);
}

#[test]
fn utf16_with_semicolons_is_sniffed_after_decoding() {
    let (reader, records) = read(&utf16("phone;first\n4155553434;Ada\n", false));
    assert_eq!(reader.delimiter(), b';');
    assert_eq!(cells(&records), [vec!["4155553434", "Ada"]]);
}

#[test]
fn windows_1252_is_detected_from_the_cells() {
    let file = file_with(
        b"phone,first,note\n4155553434,Ada,plain\n4155553435,Jos\xe9,\x93quoted\x94 \x80 5\n",
    );
    let mut reader = Config::new(file.path()).reader().unwrap();
    // Known from the first bytes (the sniffer's sample), before any row:
    // the reports' BOM is decided before they begin.
    assert_eq!(reader.encoding(), Encoding::Windows1252);
    let first = reader.next().unwrap().unwrap();
    assert_eq!(first.cells, ["4155553434", "Ada", "plain"]);
    let second = reader.next().unwrap().unwrap();
    assert_eq!(
        second.cells,
        ["4155553435", "José", "\u{201c}quoted\u{201d} € 5"]
    );
    assert_eq!(reader.encoding(), Encoding::Windows1252);
    assert_eq!(reader.encoding().as_str(), "windows-1252");
    assert!(reader.next().is_none());

    // Past the sample (64 KiB of ASCII first): known from the cells.
    let mut text = b"phone,first\n".to_vec();
    for i in 0..5000 {
        text.extend_from_slice(format!("41555{i:05},Person {i:05}\n").as_bytes());
    }
    text.extend_from_slice(b"4155599999,Ren\xe9e\n");
    let file = file_with(&text);
    let mut reader = Config::new(file.path()).reader().unwrap();
    assert_eq!(
        reader.encoding(),
        Encoding::Utf8,
        "nothing but ASCII so far"
    );
    let last = reader.by_ref().last().unwrap().unwrap();
    assert_eq!(last.cells, ["4155599999", "Renée"]);
    assert_eq!(reader.encoding(), Encoding::Windows1252);
}

#[test]
fn windows_1252_header() {
    let (reader, records) = read(b"T\xe9l\xe9phone;Pr\xe9nom\n4155553434;Ren\xe9e\n");
    assert_eq!(reader.headers(), ["Téléphone", "Prénom"]);
    assert_eq!(cells(&records), [vec!["4155553434", "Renée"]]);
    assert_eq!(reader.encoding(), Encoding::Windows1252);
}

#[test]
fn malformed_bytes_in_a_bom_file_do_not_stop_the_read() {
    let (reader, records) = read(b"\xEF\xBB\xBFphone,first\n4155553434,Jos\xe9\n4155553435,Ada\n");
    assert_eq!(reader.encoding(), Encoding::Utf8Bom);
    assert_eq!(cells(&records)[0], ["4155553434", "Jos\u{fffd}"]);
    assert_eq!(records.len(), 2);
    // An odd trailing byte in UTF-16.
    let mut bytes = utf16("phone,first\n4155553434,Ada\n", false);
    bytes.push(0x41);
    let (_, records) = read(&bytes);
    assert_eq!(cells(&records)[0], ["4155553434", "Ada"]);
}

#[test]
fn every_delimiter_is_sniffed() {
    for d in [',', ';', '\t', '|'] {
        let text = format!("phone{d}first{d}last\n4155553434{d}Ada{d}Lovelace\n");
        let (reader, records) = read(text.as_bytes());
        assert_eq!(reader.delimiter() as char, d);
        assert_eq!(reader.headers(), ["phone", "first", "last"]);
        assert_eq!(cells(&records), [vec!["4155553434", "Ada", "Lovelace"]]);
    }
}

#[test]
fn a_forced_delimiter_wins_over_sniffing() {
    let file = file_with(b"phone;first,last\n4155553434;Ada,Lovelace\n");
    let mut reader = Config::new(file.path())
        .delimiter(Some(b','))
        .reader()
        .unwrap();
    assert_eq!(reader.delimiter(), b',');
    assert_eq!(reader.headers(), ["phone;first", "last"]);
    let record = reader.next().unwrap().unwrap();
    assert_eq!(record.cells, ["4155553434;Ada", "Lovelace"]);
}

#[test]
fn quoted_delimiters_quotes_and_newlines() {
    let (_, records) = read(
        b"phone,note,city\r\n\
          4155553434,\"say \"\"hi\"\", then go\",\"Line 1\r\nLine 2\"\r\n\
          4155553435,\"a\nb\",\"\"\r\n",
    );
    assert_eq!(
        cells(&records),
        [
            vec!["4155553434", "say \"hi\", then go", "Line 1\r\nLine 2"],
            vec!["4155553435", "a\nb", ""],
        ]
    );
    assert_eq!(records[1].row, 2);
}

#[test]
fn lf_and_crlf_read_the_same() {
    let (_, lf) = read(b"phone,a\n1,x\n2,y\n");
    let (_, crlf) = read(b"phone,a\r\n1,x\r\n2,y\r\n");
    assert_eq!(lf, crlf);
    // No newline at the end of the file.
    let (_, last) = read(b"phone,a\r\n1,x\r\n2,y");
    assert_eq!(lf, last);
}

#[test]
fn ragged_rows_are_yielded_as_they_are() {
    let (reader, records) =
        read(b"phone,first,last\n1,Ada\n2,Bob,Builder,extra,more\n3,Cy,Young\n4\n");
    assert_eq!(reader.headers().len(), 3);
    assert_eq!(
        cells(&records),
        [
            vec!["1", "Ada"],
            vec!["2", "Bob", "Builder", "extra", "more"],
            vec!["3", "Cy", "Young"],
            vec!["4"],
        ]
    );
    let rows: Vec<u64> = records.iter().map(|r| r.row).collect();
    assert_eq!(rows, [1, 2, 3, 4]);
}

#[test]
fn blank_lines_are_skipped_counted_and_not_numbered() {
    let text = "phone,a\n\n1,x\n,\n   \n2,y\n\"\",\"\"\n3,\"multi\nline\"\n\n4,z\n\n\n";
    for text in [text.to_string(), text.replace('\n', "\r\n")] {
        let (reader, records) = read(text.as_bytes());
        let rows: Vec<(u64, &str)> = records
            .iter()
            .map(|r| (r.row, r.cells[0].as_str()))
            .collect();
        assert_eq!(rows, [(1, "1"), (2, "2"), (3, "3"), (4, "4")], "{text:?}");
        // An empty line, `,`, spaces, `"",""`, an empty line, two at the end.
        assert_eq!(reader.blank_lines(), 7, "{text:?}");
    }
}

#[test]
fn blank_lines_before_the_header_are_skipped() {
    let (reader, records) = read(b"\n\n,,\nphone,a\n1,x\n");
    assert_eq!(reader.headers(), ["phone", "a"]);
    assert_eq!(records[0].row, 1);
    assert_eq!(reader.blank_lines(), 3);
}

#[test]
fn blank_line_count_is_live() {
    let file = file_with(b"phone\n1\n\n\n2\n");
    let mut reader = Config::new(file.path()).reader().unwrap();
    assert_eq!(reader.next().unwrap().unwrap().row, 1);
    assert_eq!(reader.blank_lines(), 0);
    assert_eq!(reader.next().unwrap().unwrap().row, 2);
    assert_eq!(reader.blank_lines(), 2);
    assert!(reader.next().is_none());
    assert!(reader.next().is_none());
}

#[test]
fn the_formula_guard_is_undone() {
    let (reader, records) =
        read(b"phone,'=note,other\n'+1 415 555 3434,'=SUM(A1),'plain\n4155553434,'-2+3,'@x\n");
    assert_eq!(reader.headers(), ["phone", "=note", "other"]);
    assert_eq!(
        cells(&records),
        [
            vec!["+1 415 555 3434", "=SUM(A1)", "'plain"],
            vec!["4155553434", "-2+3", "@x"],
        ]
    );
}

#[test]
fn a_guarded_report_reads_back_as_written() {
    use hmbulk_engine::formula::guard;
    let original = [
        "=HYPERLINK(\"x\")",
        "+1-1",
        "-42",
        "@mention",
        "plain",
        "'own quote",
    ];
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(["phone", "a", "b", "c", "d", "e"])
        .unwrap();
    writer
        .write_record(original.iter().map(|c| guard(c).into_owned()))
        .unwrap();
    let (_, records) = read(&writer.into_inner().unwrap());
    assert_eq!(records[0].cells, original);
}

#[test]
fn bytes_read_reaches_the_file_size() {
    let text = b"phone,a\n1,x\n2,y\n";
    let (reader, _) = read(text);
    assert_eq!(reader.bytes_read(), text.len() as u64);
}

#[test]
fn a_missing_file_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nowhere.csv");
    let err = Config::new(&path).reader().err().unwrap();
    let msg = err.to_string();
    assert!(matches!(&err, Error::Input { path: p, .. } if *p == path));
    assert!(
        msg.contains("nowhere.csv") && msg.contains("check the path"),
        "{msg}"
    );
}

#[test]
fn an_empty_file_is_an_input_error() {
    for bytes in [
        &b""[..],
        b"\n\n\r\n",
        b"\xEF\xBB\xBF",
        b"\xFF\xFE",
        b" , ,\n",
    ] {
        let msg = input_error(bytes);
        assert!(msg.contains("is empty") && msg.contains("header"), "{msg}");
    }
}

#[test]
fn header_without_names_is_an_input_error() {
    let msg = input_error(b"phone,first,,last\n1,a,,b\n");
    assert!(msg.contains("column C") && msg.contains("no name"), "{msg}");
}

#[test]
fn a_header_with_a_name_twice_keeps_the_columns_apart_by_position() {
    let file = file_with(b"Phone,First,phone\n1,a,2\n");
    let reader = Config::new(file.path()).reader().unwrap();
    assert_eq!(reader.headers(), ["Phone", "First", "phone (C)"]);
}

#[test]
fn a_file_without_header_is_an_input_error() {
    let msg = input_error(b"(415) 555-3434,Ada,Lovelace\n(415) 555-3435,Bob,Builder\n");
    assert!(
        msg.contains("no header line") && msg.contains("(415) 555-3434"),
        "{msg}"
    );
    let msg = input_error(b"Ada,ada@example.com\n");
    assert!(msg.contains("no header line"), "{msg}");
}

#[test]
fn classic_mac_line_ends() {
    let (reader, records) = read(b"phone,a\r1,x\r\r2,\"y\rz\"\r");
    assert_eq!(cells(&records), [vec!["1", "x"], vec!["2", "y\rz"]]);
    assert_eq!(records[1].row, 2);
    assert_eq!(reader.blank_lines(), 1);
}

#[test]
fn a_long_file_streams() {
    let mut text = String::from("phone,first\n");
    for i in 0..50_000 {
        text.push_str(&format!("{},Name {i}\n", 4155550000u64 + i));
    }
    let (_, records) = read(text.as_bytes());
    assert_eq!(records.len(), 50_000);
    assert_eq!(records[49_999].row, 50_000);
    assert_eq!(records[49_999].cells, ["4155599999", "Name 49999"]);
}

#[test]
fn a_broken_workbook_or_binary_file_is_an_input_error() {
    // A zip is read as a workbook (issue 17); one that is cut short says so.
    let msg = input_error(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00");
    assert!(
        msg.contains("no workbook hmbulk reads") && msg.contains(".xlsx"),
        "{msg}"
    );
    // UTF-16 without its byte-order mark.
    let msg = input_error(b"p\x00h\x00o\x00n\x00e\x00\n\x00");
    assert!(
        msg.contains("UTF-16 text without a byte-order mark"),
        "{msg}"
    );
}

/// The rows of `records` as (row, first cell, problem's line), for a file
/// whose rows each start with a distinct first cell.
fn rows_and_cuts(records: &[Record]) -> Vec<(u64, String, Option<String>)> {
    records
        .iter()
        .map(|r| {
            let line = r.problem.as_ref().map(|p| {
                assert!(p.contains("never closes"), "{p}");
                let at = p.find("on line ").expect("names the line") + 8;
                p[at..].split(' ').next().unwrap().to_string()
            });
            (r.row, r.cells[0].clone(), line)
        })
        .collect()
}

/// A quote that never closes, wherever it is (issue 22): more than 1 MiB
/// before the end, or near it, or on the last line: the record is the
/// quote's line alone, with a problem naming that line, and every line
/// after it is a row. Read whole and in chunks, the same.
#[test]
fn an_unclosed_quote_is_one_row_naming_its_line_wherever_it_is() {
    for after in [0usize, 1, 3, 500, 40_000] {
        let mut text = b"phone,note\n4155550100,fine\n4155550101,\"never closed\n".to_vec();
        for i in 0..after {
            text.extend_from_slice(
                format!("41555{i:05},more text in the runaway cell\n").as_bytes(),
            );
        }
        let (_, records) = read(&text);
        let rows = rows_and_cuts(&records);
        assert_eq!(rows.len(), 2 + after, "after {after}: every line a row");
        assert_eq!(rows[0], (1, "4155550100".into(), None));
        assert_eq!(rows[1], (2, "4155550101".into(), Some("3".into())));
        assert_eq!(records[1].cells, ["4155550101", "never closed"]);
        for (i, row) in rows[2..].iter().enumerate() {
            assert_eq!(row, &(3 + i as u64, format!("41555{i:05}"), None));
        }
    }
}

#[test]
fn an_unclosed_quote_after_a_closed_multiline_cell_cuts_at_its_own_line() {
    // Lines 2-3 are one row (a note over two lines); line 4 opens a quote
    // that never closes; lines 5 and 6 are rows; CRLF line ends.
    let text = b"phone,note\r\n1,\"two\r\nlines\"\r\n2,\"open\r\n3,x\r\n\r\n4,\"\"y\r\n";
    let (reader, records) = read(text);
    assert_eq!(
        rows_and_cuts(&records),
        [
            (1, "1".into(), None),
            (2, "2".into(), Some("4".into())),
            (3, "3".into(), None),
            (4, "4".into(), None),
        ]
    );
    assert_eq!(records[0].cells, ["1", "two\r\nlines"]);
    assert_eq!(
        records[3].cells,
        ["4", "y"],
        "an empty quoted cell, then text"
    );
    assert_eq!(reader.blank_lines(), 1);
}

#[test]
fn two_unclosed_quotes_are_two_rows_and_a_blank_cut_row_is_still_a_row() {
    // Line 3's quote runs past 1 MiB; the last line's, alone on its line,
    // meets the end of the file (its cells are blank, but the row is an
    // error, not a blank line).
    let mut text = b"phone,note\n1,a\n2,\"b\n".to_vec();
    let filler = 40_000;
    for i in 0..filler {
        text.extend_from_slice(format!("f{i},more text in the runaway cell\n").as_bytes());
    }
    text.extend_from_slice(b",\"");
    let (_, records) = read(&text);
    let rows = rows_and_cuts(&records);
    assert_eq!(rows.len(), 3 + filler);
    assert_eq!(rows[1], (2, "2".into(), Some("3".into())));
    assert_eq!(rows[2], (3, "f0".into(), None));
    let last_line = (4 + filler).to_string();
    assert_eq!(
        rows[2 + filler],
        (3 + filler as u64, "".into(), Some(last_line))
    );
}

#[test]
fn a_header_whose_quote_never_closes_is_an_input_error() {
    let msg = input_error(b"phone,\"note\n1,a\n");
    assert!(msg.contains("header line opens a double quote"), "{msg}");
}

#[test]
fn a_line_past_1_mib_without_a_quote_stops_the_read() {
    let mut text = b"phone,note\n4155550100,fine\n4155550101,".to_vec();
    text.extend(std::iter::repeat_n(b'x', (1 << 20) + 10));
    text.extend_from_slice(b"\n4155550102,after\n");
    let file = file_with(&text);
    let mut reader = Config::new(file.path()).reader().unwrap();
    let mut chunk = Chunk::default();
    reader.read_chunk(&mut chunk, 100).unwrap();
    assert_eq!(chunk.len(), 1);
    assert_eq!(chunk.record(0).cells, ["4155550100", "fine"]);
    match reader.read_chunk(&mut chunk, 100) {
        Err(Error::Input { message: msg, .. }) => {
            assert!(msg.contains("after data row 1"), "{msg}");
            assert!(msg.contains("runs past 1 MiB"), "{msg}");
        }
        other => panic!("{other:?}"),
    }
    reader.read_chunk(&mut chunk, 100).unwrap();
    assert!(chunk.is_empty(), "nothing after the error");
}

/// The rows read ahead for a look at the content ([`RowReader::peek`]: the
/// mapper's and the phone reading's one sample) come again, in order, from
/// the next reads: in chunks of any size and record by record; a second
/// look gives the same first rows; nothing is read twice (a pipe could not
/// be).
#[test]
fn rows_read_ahead_are_given_again_in_chunks_and_one_by_one() {
    let mut text = b"phone,name\n".to_vec();
    for i in 0..25 {
        text.extend_from_slice(format!("41555501{i:02},P{i}\n").as_bytes());
        if i == 3 {
            text.extend_from_slice(b"\n,\n");
        }
    }
    let file = file_with(&text);
    let (_, all) = read_chunks(file.path(), 1000);
    assert_eq!(all.len(), 25);
    let cells_of = |records: &[Record]| -> Vec<Vec<String>> {
        records.iter().map(|r| r.cells.clone()).collect()
    };
    for (ahead, chunk_rows) in [(10, 4), (10, 25), (3, 100), (100, 7)] {
        let mut reader = Config::new(file.path()).reader().unwrap();
        let seen = reader.peek(ahead);
        assert_eq!(seen, cells_of(&all[..ahead.min(25)]), "{ahead}");
        assert_eq!(reader.peek(1).len(), seen.len(), "the same rows again");
        let mut chunk = Chunk::default();
        let mut records = Vec::new();
        loop {
            reader.read_chunk(&mut chunk, chunk_rows).unwrap();
            if chunk.is_empty() {
                break;
            }
            assert!(chunk.len() <= chunk_rows);
            records.extend((0..chunk.len()).map(|i| chunk.record(i)));
        }
        assert_eq!(records, all, "{ahead} ahead, chunks of {chunk_rows}");
        assert_eq!(reader.blank_lines(), 2);
        let mut reader = Config::new(file.path()).reader().unwrap();
        reader.peek(ahead);
        let records: Vec<Record> = reader.by_ref().map(Result::unwrap).collect();
        assert_eq!(records, all, "record by record after reading ahead");
    }
}
