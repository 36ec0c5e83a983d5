//! The differential test of the phone layer against libphonenumber (issue 7,
//! "Must show"). `tests/data/phone_reference.jsonl.gz` holds 117,000 cells
//! made from the metadata's example numbers of every region and type, written
//! the ways people and spreadsheets write them (national, international,
//! E.164, RFC 3966, dots, dashes, brackets, 21 extension spellings, Unicode
//! digits and spaces, junk around the number, spreadsheet damage), each read
//! under its own region, another region and sometimes none, with the answer
//! of python `phonenumbers` 9.0.42 (libphonenumber; the metadata
//! rlibphonenumber 2.2.15 carries). `tests/data/gen_phone_reference.py` made
//! them and says how to make them again.
//!
//! Asserted: no cell where both accept with different digits, extensions or
//! national reading; no extension glued into a number; every cell where we
//! accept what libphonenumber rejects comes from one of our rules, listed in
//! [`DELIBERATE`] with its reason; the other accept/reject disagreements stay
//! under 0.5% (metadata or port differences); and our rules never turn a cell
//! into a number other than the one it was made from more often than
//! libphonenumber itself does on the same kind of cells.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};

use super::{PhoneNormaliser, Rule, clean};
use crate::outcome::ErrorCode;

/// Where hmbulk deliberately answers other than libphonenumber, and why.
const DELIBERATE: &[(Rule, &str)] = &[
    (
        Rule::Spaces,
        "thin (U+2009), narrow no-break (U+202F) and other Unicode spaces between digit \
         groups are spaces; libphonenumber rejects the cell",
    ),
    (
        Rule::SpreadsheetExact,
        "a spreadsheet wrote the number in exact scientific notation (1.4155553434E+10); \
         libphonenumber rejects it as not a number",
    ),
    (
        Rule::ZeroFraction,
        "a whole number printed as a float (14155553434.0); libphonenumber reads the .0 as \
         one more digit and finds the number invalid",
    ),
    (
        Rule::ExitCode,
        "00 or 011 exit code in a region that dials another one (0044… under US, 011 44… \
         under GB); libphonenumber reads it as a national number",
    ),
    (
        Rule::TrunkZero,
        "(0) trunk after the country code of a country whose numbers do not start with it",
    ),
    (
        Rule::BareInternational,
        "Heymarket's own format, E.164 digits without + (442079460001), invalid as a \
         national number of the region",
    ),
];

/// Our rejections of numbers libphonenumber accepts, and why.
const DELIBERATE_REJECTS: &[(ErrorCode, &str)] = &[(
    ErrorCode::PhoneSpreadsheetDamaged,
    "a spreadsheet rounded digits away (4.15555E+09)",
)];

struct Row {
    region: String,
    cell: String,
    kind: String,
    base: String,
    ext: String,
    valid: bool,
    digits: String,
    extension: String,
    national: bool,
}

fn rows() -> Vec<Row> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/phone_reference.jsonl.gz"
    );
    let file = std::fs::File::open(path).expect("the checked-in reference answers");
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    reader
        .lines()
        .skip(1)
        .map(|line| {
            let v: Vec<serde_json::Value> = serde_json::from_str(&line.unwrap()).unwrap();
            Row {
                region: text(&v[0]),
                cell: text(&v[1]),
                kind: text(&v[2]),
                base: text(&v[3]),
                ext: text(&v[4]),
                valid: v[5] == "valid",
                digits: text(&v[6]),
                extension: text(&v[7]),
                national: v[8] == true,
            }
        })
        .collect()
}

#[test]
fn phones_read_as_libphonenumber_reads_them() {
    let rows = rows();
    let mut normalisers: HashMap<String, PhoneNormaliser> = HashMap::new();
    let mut different = Vec::new();
    let mut glued = Vec::new();
    let mut unexplained = Vec::new();
    let mut deliberate: BTreeMap<String, usize> = BTreeMap::new();
    // Cells (made from a known number) that came out as another number.
    let (mut ours_wrong, mut ours_made) = (0usize, 0usize);
    let (mut lib_wrong, mut lib_made) = (0usize, 0usize);
    // Cells the North American fast path reads, and of them the valid ones.
    let (mut fast, mut fast_valid) = (0usize, 0usize);
    for row in &rows {
        let n = normalisers.entry(row.region.clone()).or_insert_with(|| {
            PhoneNormaliser::new(if row.region.is_empty() {
                "none"
            } else {
                &row.region
            })
            .unwrap()
        });
        let ours = n.read(&row.cell, None);
        if clean::nanp(row.cell.trim()).is_some() {
            fast += 1;
            fast_valid += usize::from(ours.is_ok());
            assert_eq!(
                ours,
                super::tests::read_full(n, &row.cell, None),
                "the fast path answers {:?} under {:?} otherwise than the full path",
                row.cell,
                row.region
            );
        }
        let case = || format!("{:?} under {:?} ({})", row.cell, row.region, row.kind);
        let made_from = !row.base.is_empty() && !row.kind.starts_with("too_");
        if let Ok((phone, _)) = &ours
            && !row.ext.is_empty()
            && phone.digits.len() > row.base.len()
            && phone.digits.starts_with(&row.base)
        {
            glued.push(format!("{} -> {}", case(), phone.digits));
        }
        match (&ours, row.valid) {
            (Ok((phone, _)), true) => {
                let national = phone.national_in.is_some();
                let ext = phone.extension.clone().unwrap_or_default();
                if phone.digits != row.digits || ext != row.extension || national != row.national {
                    different.push(format!(
                        "{}: ours {} ext {ext:?} national {national}, libphonenumber {} ext {:?} \
                         national {}",
                        case(),
                        phone.digits,
                        row.digits,
                        row.extension,
                        row.national
                    ));
                }
                if made_from {
                    lib_made += 1;
                    lib_wrong += usize::from(row.digits != row.base);
                }
            }
            (Ok((phone, rule)), false) => {
                if *rule == Rule::Libphonenumber {
                    unexplained.push(format!(
                        "{}: ours {}, libphonenumber rejects",
                        case(),
                        phone.digits
                    ));
                } else {
                    *deliberate.entry(format!("{rule:?}")).or_default() += 1;
                    if made_from {
                        ours_made += 1;
                        ours_wrong += usize::from(phone.digits != row.base);
                    }
                }
            }
            (Err(e), true) => {
                if DELIBERATE_REJECTS.iter().any(|(code, _)| *code == e.code) {
                    *deliberate.entry(e.code.to_string()).or_default() += 1;
                } else {
                    unexplained.push(format!(
                        "{}: ours {e}, libphonenumber {}",
                        case(),
                        row.digits
                    ));
                }
            }
            (Err(_), false) => {}
        }
    }
    let total = rows.len();
    let regions = normalisers.len();
    eprintln!("{total} cells under {regions} regions (\"\" = none)");
    eprintln!("deliberate differences: {deliberate:?}");
    eprintln!("fast path: {fast} cells ({fast_valid} valid), each as the full path reads it");
    for (rule, why) in DELIBERATE {
        eprintln!("  {rule:?}: {why}");
    }
    eprintln!(
        "unexplained accept/reject disagreements: {} ({:.3}%)",
        unexplained.len(),
        100.0 * unexplained.len() as f64 / total as f64
    );
    for u in unexplained.iter().take(20) {
        eprintln!("  {u}");
    }
    eprintln!(
        "another number than the cell was made from: ours (our rules) {ours_wrong} of \
         {ours_made}, libphonenumber {lib_wrong} of {lib_made}"
    );
    assert!(total >= 50_000, "{total} cells");
    assert!(
        fast_valid > 100,
        "{fast_valid} valid cells on the fast path"
    );
    assert!(regions >= 200, "{regions} regions");
    assert!(
        different.is_empty(),
        "{} cells differ:\n{}",
        different.len(),
        different[..different.len().min(30)].join("\n")
    );
    assert!(glued.is_empty(), "glued extensions:\n{}", glued.join("\n"));
    assert!(
        (unexplained.len() as f64) < 0.005 * total as f64,
        "{} unexplained disagreements",
        unexplained.len()
    );
    for rule in deliberate.keys() {
        let listed = DELIBERATE.iter().any(|(r, _)| format!("{r:?}") == *rule)
            || DELIBERATE_REJECTS
                .iter()
                .any(|(c, _)| c.to_string() == *rule);
        assert!(listed, "{rule} is not listed in DELIBERATE");
    }
    let rate = |wrong: usize, made: usize| wrong as f64 / made.max(1) as f64;
    assert!(
        rate(ours_wrong, ours_made) <= rate(lib_wrong, lib_made),
        "our rules made other numbers more often than libphonenumber"
    );
}
