//! The differential test of the phone layer against libphonenumber (issues 7
//! and 19, "Must show"), on two corpora made once with python `phonenumbers`
//! 9.0.42 (libphonenumber; the metadata rlibphonenumber 2.2.15 carries) and
//! checked in, so the test runs without Python:
//!
//! - `tests/data/phone_reference.jsonl.gz` (`gen_phone_reference.py`):
//!   117,000 cells made from the metadata's example numbers of every region
//!   and type, written the ways people and spreadsheets write them
//!   (national, international, E.164, RFC 3966, dots, dashes, brackets, 21
//!   extension spellings, Unicode digits and spaces, junk around the number,
//!   spreadsheet damage), each read under its own region, another region and
//!   sometimes none. Asserted, against libphonenumber's answer:
//!   (a) cells we accept and it refuses, other than by a rule listed in
//!   [`DELIBERATE`]; (b) cells we refuse and it accepts, other than as
//!   listed in [`DELIBERATE_REJECTS`]; (c) cells both accept with different
//!   digits, extension or national reading (a spreadsheet float aside: we
//!   read it as its whole number, libphonenumber with its zeros). c = 0 and
//!   a + b < 0.5%; no extension glued into a number; and our rules never
//!   give another number than the cell was made from more often than
//!   libphonenumber does on the same kind of cells.
//! - `tests/data/phone_typos.jsonl.gz` (`gen_phone_typos.py`): one-digit
//!   slips (dropped, doubled, inserted, swapped) of valid national numbers
//!   of 53 regions, as digits and in national format, and spreadsheet floats
//!   (`N.0`, `N.00`) of the same numbers. Asserted: every slip
//!   libphonenumber refuses is refused (a slip that is another country's
//!   number with a `+` is still a slip); a slip it accepts reads as it does;
//!   a float reads as libphonenumber reads its whole number, or is refused
//!   when that is invalid, never with its decimals.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};

use super::{PhoneNormaliser, Rule, clean, damage};
use crate::outcome::ErrorCode;

/// Where hmbulk deliberately accepts what libphonenumber refuses, and why:
/// each is out of reach of a slip of the hand.
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
        "a whole number printed as a float (14155553434.0) is that number; libphonenumber \
         reads the .0 as one more digit",
    ),
    (
        Rule::ExitCode,
        "00 as the exit code in a North American file (0044 20 7946 0958 under US), whose \
         exit code is 011; no North American number starts with 0",
    ),
    (
        Rule::TrunkZero,
        "(0) trunk right after the country code of a country whose numbers do not start \
         with it (+47 (0)21 23 45 67)",
    ),
];

/// Where hmbulk deliberately refuses what libphonenumber accepts, and why.
const DELIBERATE_REJECTS: &[(&str, &str)] = &[
    (
        "spreadsheet_damaged",
        "a spreadsheet rounded digits away (4.15555E+09)",
    ),
    (
        "float_of_an_invalid_number",
        "a float whose whole number is no valid number (501234567.0 under US): \
         libphonenumber reads the .0 as a digit and finds 5012345670, a number nobody wrote",
    ),
];

/// Which of [`DELIBERATE_REJECTS`] a refusal of `cell` is, if any.
fn deliberate_reject(cell: &str, code: ErrorCode) -> Option<&'static str> {
    if code == ErrorCode::PhoneSpreadsheetDamaged {
        return Some(DELIBERATE_REJECTS[0].0);
    }
    let spaced = clean::spaces(cell.trim());
    damage::zero_fraction(&spaced).map(|_| DELIBERATE_REJECTS[1].0)
}

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

/// A checked-in corpus in `tests/data`: its header line (the phonenumbers
/// version that made it), and each line's JSON array.
fn corpus(name: &str) -> (String, Vec<Vec<serde_json::Value>>) {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut lines = BufReader::new(flate2::read::GzDecoder::new(file)).lines();
    let header = lines.next().unwrap().unwrap();
    let rows = lines
        .map(|line| serde_json::from_str(&line.unwrap()).unwrap())
        .collect();
    (header, rows)
}

fn text(v: &serde_json::Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn rows() -> Vec<Row> {
    let (_, rows) = corpus("phone_reference.jsonl.gz");
    rows.iter()
        .map(|v| Row {
            region: text(&v[0]),
            cell: text(&v[1]),
            kind: text(&v[2]),
            base: text(&v[3]),
            ext: text(&v[4]),
            valid: v[5] == "valid",
            digits: text(&v[6]),
            extension: text(&v[7]),
            national: v[8] == true,
        })
        .collect()
}

/// The region of the number whose E.164 digits are `base` (`""` for a
/// number of no region, such as +800).
fn own_region(base: &str) -> String {
    let lib = &super::LIB;
    lib.parse(format!("+{base}"), None)
        .ok()
        .and_then(|pn| lib.get_region_for_number(&pn))
        .map(|r| r.to_string())
        .unwrap_or_default()
}

/// A normaliser per region of a corpus (`""`: none).
fn normaliser<'a>(
    normalisers: &'a mut HashMap<String, PhoneNormaliser>,
    region: &str,
) -> &'a PhoneNormaliser {
    normalisers.entry(region.to_string()).or_insert_with(|| {
        PhoneNormaliser::new(if region.is_empty() { "none" } else { region }).unwrap()
    })
}

/// The fast path answers as the full path (libphonenumber's parser).
fn same_as_full_path(n: &PhoneNormaliser, cell: &str, region: &str) -> bool {
    if clean::nanp(cell.trim()).is_none() {
        return false;
    }
    assert_eq!(
        n.read(cell, None),
        super::tests::read_full(n, cell, None),
        "the fast path answers {cell:?} under {region:?} otherwise than the full path"
    );
    true
}

#[test]
fn phones_read_as_libphonenumber_reads_them() {
    let rows = rows();
    let mut normalisers: HashMap<String, PhoneNormaliser> = HashMap::new();
    // libphonenumber's valid readings, by region and cell.
    let answers: HashMap<(&str, String), String> = rows
        .iter()
        .filter(|r| r.valid)
        .map(|r| ((r.region.as_str(), r.cell.clone()), r.digits.clone()))
        .collect();
    // (a), (b), (c) of the module's contract.
    let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
    let mut glued = Vec::new();
    // Spreadsheet floats read otherwise than as their whole number.
    let mut decimals = Vec::new();
    let mut deliberate: BTreeMap<String, usize> = BTreeMap::new();
    // Cells made from a known number and read under its own region that
    // came out as another number.
    let (mut ours_wrong, mut ours_made) = (Vec::new(), 0usize);
    let (mut lib_wrong, mut lib_made) = (0usize, 0usize);
    // Cells the North American fast path reads, and of them the valid ones.
    let (mut fast, mut fast_valid) = (0usize, 0usize);
    for row in &rows {
        let n = normaliser(&mut normalisers, &row.region);
        let ours = n.read(&row.cell, None);
        if same_as_full_path(n, &row.cell, &row.region) {
            fast += 1;
            fast_valid += usize::from(ours.is_ok());
        }
        let case = || format!("{:?} under {:?} ({})", row.cell, row.region, row.kind);
        let made_from = !row.base.is_empty() && !row.kind.starts_with("too_");
        let float = damage::zero_fraction(&clean::spaces(row.cell.trim())).is_some();
        if let Ok((phone, rule)) = &ours
            && float
            && *rule != Rule::ZeroFraction
        {
            decimals.push(format!("{}: ours {} by {rule:?}", case(), phone.digits));
        }
        if let Ok((phone, _)) = &ours
            && !row.ext.is_empty()
            && phone.digits.len() > row.base.len()
            && phone.digits.starts_with(&row.base)
        {
            glued.push(format!("{} -> {}", case(), phone.digits));
        }
        match (&ours, row.valid) {
            (Ok((phone, rule)), true) => {
                let national = phone.national_in.is_some();
                let ext = phone.extension.clone().unwrap_or_default();
                let same =
                    phone.digits == row.digits && ext == row.extension && national == row.national;
                if !same && *rule == Rule::ZeroFraction {
                    // libphonenumber read the float's zeros as digits.
                    *deliberate.entry(format!("{rule:?}")).or_default() += 1;
                } else if !same {
                    c.push(format!(
                        "{}: ours {} ext {ext:?} national {national}, libphonenumber {} ext {:?} \
                         national {}",
                        case(),
                        phone.digits,
                        row.digits,
                        row.extension,
                        row.national
                    ));
                }
                if made_from && own_region(&row.base) == row.region {
                    lib_made += 1;
                    lib_wrong += usize::from(row.digits != row.base);
                }
            }
            (Ok((phone, rule)), false) => {
                if *rule == Rule::Libphonenumber {
                    a.push(format!(
                        "{}: ours {}, libphonenumber rejects",
                        case(),
                        phone.digits
                    ));
                } else {
                    *deliberate.entry(format!("{rule:?}")).or_default() += 1;
                    if made_from && own_region(&row.base) == row.region {
                        ours_made += 1;
                        // A spreadsheet's number is the number it prints:
                        // libphonenumber's answer for that is the one to give.
                        let printed = match rule {
                            Rule::ZeroFraction => {
                                damage::zero_fraction(row.cell.trim()).map(str::to_string)
                            }
                            Rule::SpreadsheetExact => {
                                damage::recover(row.cell.trim()).and_then(Result::ok)
                            }
                            _ => None,
                        };
                        let libs =
                            printed.and_then(|p| answers.get(&(row.region.as_str(), p)).cloned());
                        if phone.digits != row.base && libs.as_ref() != Some(&phone.digits) {
                            ours_wrong.push(format!(
                                "{}: ours {} by {rule:?}",
                                case(),
                                phone.digits
                            ));
                        }
                    }
                }
            }
            (Err(e), true) => match deliberate_reject(&row.cell, e.code) {
                Some(why) => *deliberate.entry(why.to_string()).or_default() += 1,
                None => b.push(format!(
                    "{}: ours {e}, libphonenumber {}",
                    case(),
                    row.digits
                )),
            },
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
    for (what, why) in DELIBERATE_REJECTS {
        eprintln!("  {what}: {why}");
    }
    let share = |n: usize| 100.0 * n as f64 / total as f64;
    eprintln!(
        "(a) accepted, libphonenumber refuses: {} ({:.3}%); (b) refused, libphonenumber \
         accepts: {} ({:.3}%); (c) both accept, other digits: {}",
        a.len(),
        share(a.len()),
        b.len(),
        share(b.len()),
        c.len()
    );
    for u in a.iter().chain(&b).take(20) {
        eprintln!("  {u}");
    }
    eprintln!(
        "read under its own region, another number than the cell was made from: ours (our \
         rules) {} of {ours_made}, libphonenumber {lib_wrong} of {lib_made}",
        ours_wrong.len()
    );
    assert!(total >= 50_000, "{total} cells");
    assert!(
        fast_valid > 100,
        "{fast_valid} valid cells on the fast path"
    );
    assert!(regions >= 200, "{regions} regions");
    assert!(
        c.is_empty(),
        "(c) {} cells differ:\n{}",
        c.len(),
        c[..c.len().min(30)].join("\n")
    );
    assert!(glued.is_empty(), "glued extensions:\n{}", glued.join("\n"));
    assert!(
        decimals.is_empty(),
        "floats read with their decimals:\n{}",
        decimals.join("\n")
    );
    assert!(
        ((a.len() + b.len()) as f64) < 0.005 * total as f64,
        "{} + {} unexplained disagreements",
        a.len(),
        b.len()
    );
    for rule in deliberate.keys() {
        let listed = DELIBERATE.iter().any(|(r, _)| format!("{r:?}") == *rule)
            || DELIBERATE_REJECTS.iter().any(|(w, _)| w == rule);
        assert!(listed, "{rule} is not listed in DELIBERATE");
    }
    assert!(ours_made > 5_000, "{ours_made} cells read by our rules");
    assert!(
        ours_wrong.is_empty(),
        "our rules made other numbers:\n{}",
        ours_wrong[..ours_wrong.len().min(30)].join("\n")
    );
}

/// A row of the typo corpus (`gen_phone_typos.py` says what each field is).
struct Typo {
    region: String,
    cell: String,
    kind: String,
    valid: bool,
    digits: String,
    /// libphonenumber's answer for a float's whole number: valid, its digits.
    whole: Option<(bool, String)>,
    plus_valid: bool,
}

fn typos() -> (String, Vec<Typo>) {
    let (header, rows) = corpus("phone_typos.jsonl.gz");
    let rows = rows
        .iter()
        .map(|v| Typo {
            region: text(&v[0]),
            cell: text(&v[1]),
            kind: text(&v[2]),
            valid: v[4] == "valid",
            digits: text(&v[5]),
            whole: (v[6] != "").then(|| (v[6] == "valid", text(&v[7]))),
            plus_valid: v[8] == true,
        })
        .collect();
    (header, rows)
}

#[test]
fn no_slip_of_the_hand_becomes_a_strangers_number() {
    let (header, rows) = typos();
    let mut normalisers: HashMap<String, PhoneNormaliser> = HashMap::new();
    let mut accepted_slips = Vec::new();
    let mut other_digits = Vec::new();
    let mut floats_wrong = Vec::new();
    let (mut slips, mut refused, mut foreign, mut floats) = (0, 0, 0, 0);
    let mut regions = std::collections::BTreeSet::new();
    for row in &rows {
        let n = normaliser(&mut normalisers, &row.region);
        let ours = n.read(&row.cell, None);
        same_as_full_path(n, &row.cell, &row.region);
        let case = || format!("{:?} under {} ({})", row.cell, row.region, row.kind);
        if let Some((whole_valid, whole_digits)) = &row.whole {
            // A float: its whole number, or nothing; never its decimals.
            floats += 1;
            let right = match &ours {
                Ok((phone, _)) => *whole_valid && phone.digits == *whole_digits,
                Err(_) => !whole_valid,
            };
            if !right {
                floats_wrong.push(format!(
                    "{}: ours {:?}, its whole number {}",
                    case(),
                    ours.as_ref().map(|(p, _)| &p.digits),
                    if *whole_valid {
                        whole_digits
                    } else {
                        "invalid"
                    }
                ));
            }
            continue;
        }
        if row.kind.starts_with("slip_") {
            slips += 1;
            regions.insert(row.region.clone());
        }
        match (&ours, row.valid) {
            (Ok((phone, rule)), false) => {
                accepted_slips.push(format!("{}: ours {} by {rule:?}", case(), phone.digits))
            }
            (Ok((phone, _)), true) if phone.digits != row.digits => other_digits.push(format!(
                "{}: ours {}, libphonenumber {}",
                case(),
                phone.digits,
                row.digits
            )),
            (Err(_), false) if row.kind.starts_with("slip_") => {
                refused += 1;
                foreign += usize::from(row.plus_valid);
            }
            _ => {}
        }
    }
    eprintln!(
        "{header}: {slips} slips of numbers of {} regions",
        regions.len()
    );
    eprintln!(
        "{} slips libphonenumber refuses: {refused} refused ({foreign} of them another \
         country's valid number with a +), {} accepted; {floats} spreadsheet floats",
        refused + accepted_slips.len(),
        accepted_slips.len()
    );
    assert!(refused >= 10_000, "{refused} refused slips");
    assert!(regions.len() >= 40, "{} regions", regions.len());
    assert!(floats >= 500, "{floats} floats");
    assert!(
        accepted_slips.is_empty(),
        "{} slips libphonenumber refuses were accepted:\n{}",
        accepted_slips.len(),
        accepted_slips[..accepted_slips.len().min(30)].join("\n")
    );
    assert!(
        other_digits.is_empty(),
        "{} cells read as other digits than libphonenumber's:\n{}",
        other_digits.len(),
        other_digits[..other_digits.len().min(30)].join("\n")
    );
    assert!(
        floats_wrong.is_empty(),
        "{} floats not read as their whole number:\n{}",
        floats_wrong.len(),
        floats_wrong[..floats_wrong.len().min(30)].join("\n")
    );
}

/// With the file's word that its digits are E.164 (hmbulk's export, `--phones
/// e164`, the column's evidence), E.164 digits without `+` read back as the
/// number under any region: the export -> import round trip of every
/// region's example numbers.
#[test]
fn e164_digits_read_back_wherever_the_file_says_so() {
    let rows = rows();
    let mut normalisers: HashMap<String, PhoneNormaliser> = HashMap::new();
    let mut cells = 0;
    let mut wrong = Vec::new();
    for row in rows.iter().filter(|r| r.kind == "e164_no_plus") {
        let n = normaliser(&mut normalisers, &row.region)
            .clone()
            .e164_digits(true);
        let Ok(phone) = n.normalise(&row.cell) else {
            // Too long for E.164, or no number libphonenumber calls valid.
            continue;
        };
        cells += 1;
        if phone.digits != row.base {
            wrong.push(format!(
                "{:?} under {:?}: {}",
                row.cell, row.region, phone.digits
            ));
        }
    }
    assert!(cells > 1_000, "{cells}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
