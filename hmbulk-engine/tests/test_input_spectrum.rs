//! The csv-spectrum conformance files read through `Config::reader`: every
//! record's cells after the added `phone` column equal upstream's expected
//! values, in header order, and every record keeps its row number.
//!
//! Data: csv-spectrum 2.0.0 (github.com/maxogden/csv-spectrum, BSD-2-Clause,
//! Copyright (c) max ogden), as kept in /work/shared/conformance/csv-spectrum
//! (a first column `phone` = `000` added to every CSV; `location_coordinates`
//! left out). Embedded here so the test runs wherever the repository is
//! checked out. The shared copies of the `*_crlf` files have lost their
//! carriage returns (their JSON still expects `\r\n` inside a quoted cell);
//! the embedded copies have them back, as upstream has them.

use std::io::Write;

use hmbulk_engine::input::config::Config;
use serde_json::Value;

struct Case {
    name: &'static str,
    csv: &'static str,
    json: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "comma_in_quotes",
        csv: "phone,first,last,address,city,zip\n000,John,Doe,120 any st.,\"Anytown, WW\",08123",
        json: "[{\"first\":\"John\",\"last\":\"Doe\",\"address\":\"120 any st.\",\"city\":\"Anytown, WW\",\"zip\":\"08123\"}]",
    },
    Case {
        name: "empty",
        csv: "phone,a,b,c\n000,1,\"\",\"\"\n000,2,3,4",
        json: "[{\"a\":\"1\",\"b\":\"\",\"c\":\"\"},{\"a\":\"2\",\"b\":\"3\",\"c\":\"4\"}]",
    },
    // CRLF restored: the shared copy lost its CRs (its JSON keeps "\r\n").
    Case {
        name: "empty_crlf",
        csv: "phone,a,b,c\r\n000,1,\"\",\"\"\r\n000,2,3,4",
        json: "[{\"a\":\"1\",\"b\":\"\",\"c\":\"\"},{\"a\":\"2\",\"b\":\"3\",\"c\":\"4\"}]",
    },
    Case {
        name: "escaped_quotes",
        csv: "phone,a,b\n000,1,\"ha \"\"ha\"\" ha\"\n000,3,4\n",
        json: "[{\"a\":\"1\",\"b\":\"ha \\\"ha\\\" ha\"},{\"a\":\"3\",\"b\":\"4\"}]",
    },
    Case {
        name: "json",
        csv: "phone,key,val\n000,1,\"{\"\"type\"\": \"\"Point\"\", \"\"coordinates\"\": [102.0, 0.5]}\"\n",
        json: "[{\"key\":\"1\",\"val\":\"{\\\"type\\\": \\\"Point\\\", \\\"coordinates\\\": [102.0, 0.5]}\"}]",
    },
    Case {
        name: "newlines",
        csv: "phone,a,b,c\n000,1,2,3\n000,\"Once upon \na time\",5,6\n000,7,8,9\n",
        json: "[{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"},{\"a\":\"Once upon \\na time\",\"b\":\"5\",\"c\":\"6\"},{\"a\":\"7\",\"b\":\"8\",\"c\":\"9\"}]",
    },
    // CRLF restored: the shared copy lost its CRs (its JSON keeps "\r\n").
    Case {
        name: "newlines_crlf",
        csv: "phone,a,b,c\r\n000,1,2,3\r\n000,\"Once upon \r\na time\",5,6\r\n000,7,8,9\r\n",
        json: "[{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"},{\"a\":\"Once upon \\r\\na time\",\"b\":\"5\",\"c\":\"6\"},{\"a\":\"7\",\"b\":\"8\",\"c\":\"9\"}]",
    },
    Case {
        name: "quotes_and_newlines",
        csv: "phone,a,b\n000,1,\"ha \n\"\"ha\"\" \nha\"\n000,3,4\n",
        json: "[{\"a\":\"1\",\"b\":\"ha \\n\\\"ha\\\" \\nha\"},{\"a\":\"3\",\"b\":\"4\"}]",
    },
    Case {
        name: "simple",
        csv: "phone,a,b,c\n000,1,2,3\n",
        json: "[{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}]",
    },
    // CRLF restored: the shared copy lost its CRs (its JSON keeps "\r\n").
    Case {
        name: "simple_crlf",
        csv: "phone,a,b,c\r\n000,1,2,3\r\n",
        json: "[{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}]",
    },
    Case {
        name: "utf8",
        csv: "phone,a,b,c\n000,1,2,3\n000,4,5,\u{2a4}",
        json: "[{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"},{\"a\":\"4\",\"b\":\"5\",\"c\":\"\\u02a4\"}]",
    },
];

#[test]
fn every_spectrum_file_reads_as_upstream_expects() {
    for case in CASES {
        let mut file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        file.write_all(case.csv.as_bytes()).unwrap();
        let mut reader = Config::new(file.path()).reader().unwrap();
        let headers = reader.headers().to_vec();
        assert_eq!(headers[0], "phone", "{}", case.name);
        let records: Vec<_> = reader.by_ref().map(Result::unwrap).collect();
        let expected: Vec<Value> = serde_json::from_str(case.json).unwrap();
        assert_eq!(records.len(), expected.len(), "{}", case.name);
        for (i, (record, want)) in records.iter().zip(&expected).enumerate() {
            assert_eq!(record.row, i as u64 + 1, "{}", case.name);
            assert_eq!(record.cells.len(), headers.len(), "{}", case.name);
            assert_eq!(record.cells[0], "000", "{}", case.name);
            let want: Vec<&str> = headers[1..]
                .iter()
                .map(|h| want[h.as_str()].as_str().unwrap())
                .collect();
            assert_eq!(record.cells[1..], want, "{} row {}", case.name, i + 1);
        }
        assert_eq!(reader.blank_lines(), 0, "{}", case.name);
    }
}

#[test]
fn the_embedded_copies_match_the_shared_ones() {
    let dir = std::path::Path::new("/work/shared/conformance/csv-spectrum");
    if !dir.is_dir() {
        return; // Not on the machine the data came from: nothing to compare.
    }
    for case in CASES {
        let csv = std::fs::read(dir.join(format!("{}.csv", case.name))).unwrap();
        let mut embedded = case.csv.as_bytes().to_vec();
        if case.name.ends_with("_crlf") && !csv.contains(&b'\r') {
            embedded = case.csv.replace("\r\n", "\n").into_bytes();
        }
        assert_eq!(embedded, csv, "{}", case.name);
        let json: Value = serde_json::from_slice(
            &std::fs::read(dir.join(format!("{}.json", case.name))).unwrap(),
        )
        .unwrap();
        assert_eq!(
            json,
            serde_json::from_str::<Value>(case.json).unwrap(),
            "{}",
            case.name
        );
    }
}
