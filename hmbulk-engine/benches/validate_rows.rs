//! Validate a generated 100,000-row chunk through `Validator::validate_chunk`:
//! what one validator thread of the import's pipeline does (the import runs
//! one per core, sharing one phone metadata table). The rows mix the phone formats a real
//! export has: US national and international forms, `1-` prefixes, dots,
//! extensions, UK numbers, exact and damaged scientific notation, and junk.
//! Run: `cargo bench --bench validate_rows`; criterion reports rows/s as
//! elements/s.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hmbulk_engine::contact::{BlankPolicy, Validator};
use hmbulk_engine::input::Record;
use hmbulk_engine::mapping::Mapping;
use hmbulk_engine::phone::PhoneNormaliser;

#[path = "../tests/input_common/mod.rs"]
mod seed;
use seed::catalog;

const ROWS: usize = 100_000;

const HEADERS: [&str; 9] = [
    "First Name",
    "Last Name",
    "Mobile",
    "E-mail",
    "Company",
    "Loyalty Tier",
    "Tags",
    "Opted Out",
    "Owner",
];

const AREAS: [u32; 10] = [415, 212, 646, 312, 617, 206, 503, 512, 303, 305];

/// Row `i`'s phone cell, in one of 14 styles (two of them invalid).
fn phone(i: usize) -> String {
    let area = AREAS[i % AREAS.len()];
    let exchange = 200 + (i / AREAS.len()) % 700;
    let line = (i * 7919) % 10_000;
    match i % 14 {
        0 => format!("({area}) {exchange}-{line:04}"),
        1 => format!("{area}.{exchange}.{line:04}"),
        2 => format!("+1 {area} {exchange} {line:04}"),
        3 => format!("1{area}{exchange}{line:04}"),
        4 => format!("1-{area}-{exchange}-{line:04}"),
        5 => format!("{area}-{exchange}-{line:04} x{}", i % 900),
        6 => format!("+44 20 7946 {:04}", i % 10_000),
        7 => format!("+44 (0)121 496 {:04}", i % 10_000),
        8 => format!("1.{area}{exchange}{line:04}E+10"),
        9 => format!("{area}{exchange}{line:04}.0"),
        10 => format!("+1 ({area}) {exchange}-{line:04} ext. 12"),
        11 => format!("{area} {exchange} {line:04}"),
        12 => "4.15555E+09".to_string(),
        _ => format!("555-{line:04}"),
    }
}

fn records() -> Vec<Record> {
    const TAGS: [&str; 5] = [
        "VIP;Newsletter",
        "Spring Sale",
        "",
        "Lead;Event 2026",
        "returning",
    ];
    const OWNERS: [&str; 4] = ["Dana Scully", "fox mulder", "", "503"];
    (0..ROWS)
        .map(|i| {
            Record::new(
                i as u64 + 1,
                vec![
                    format!("First{i}"),
                    format!("Last {}", i % 977),
                    phone(i),
                    format!("person{i}@example.com"),
                    format!("Company {}", i % 331),
                    ["Gold", "Silver", "Bronze"][i % 3].to_string(),
                    TAGS[i % TAGS.len()].to_string(),
                    ["no", "yes", ""][i % 3].to_string(),
                    OWNERS[i % OWNERS.len()].to_string(),
                ],
            )
        })
        .collect()
}

fn validate_rows(c: &mut Criterion) {
    let headers: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
    let mapping = Mapping::build(&headers, &catalog(), None, false).unwrap();
    let validator = Validator::new(
        mapping,
        catalog(),
        PhoneNormaliser::new("US").unwrap(),
        BlankPolicy::Keep,
    );
    let records = records();
    let valid = validator
        .validate_chunk(&records)
        .iter()
        .filter(|r| r.is_ok())
        .count();
    eprintln!(
        "validate_rows: {ROWS} rows, {valid} valid, one thread (the import runs one per core)"
    );

    let mut group = c.benchmark_group("validate");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.sample_size(10);
    group.bench_function("validate_chunk_100k_rows", |b| {
        b.iter(|| black_box(validator.validate_chunk(black_box(&records))))
    });
    group.finish();
}

criterion_group!(benches, validate_rows);
criterion_main!(benches);
