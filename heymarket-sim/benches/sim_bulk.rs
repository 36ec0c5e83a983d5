//! heymarket-sim under load: a simulator holding 1,000,000 contacts (seeded
//! through `/_sim/seed` in chunks of 10,000), then over real HTTP:
//! - one `POST /v2/contacts` of 1000 items (500 creates, 500 updates by UUID);
//! - one `POST /v2/contacts/search` of 1000 phones;
//! - one `POST /v2/contacts/list` page 9000 of 100 (900,000 contacts deep);
//! - one `POST /v1/contacts/count` with a date cursor.
//!
//! Prints the seeding time and the process's resident memory once seeded.
//! Run: `cargo bench --bench sim_bulk`.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use heymarket_sim::{Sim, SimConfig};
use reqwest::blocking::Client;
use serde_json::{Value, json};

const KEY: &str = "bench-key";
const CONTACTS: u64 = 1_000_000;
const SEED_CHUNK: u64 = 10_000;

fn stored_phone(i: u64) -> String {
    format!("1{i:010}")
}

/// Seeds `CONTACTS` contacts; gives the UUIDs of the first chunk.
fn seed(sim: &Sim) -> Vec<String> {
    let mut uuids = Vec::new();
    for chunk in 0..CONTACTS / SEED_CHUNK {
        let contacts: Vec<Value> = (chunk * SEED_CHUNK..(chunk + 1) * SEED_CHUNK)
            .map(|i| {
                json!({"phone": stored_phone(i), "first": "Bench", "last": format!("N{i}"),
                       "email": format!("c{i}@example.com"), "custom": {"101": "Acme"}})
            })
            .collect();
        let stored = sim.seed(&contacts, false);
        if chunk == 0 {
            uuids = stored
                .iter()
                .map(|c| c["uuid"].as_str().unwrap_or_default().to_string())
                .collect();
        }
    }
    uuids
}

fn resident_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS"))
                .map(str::to_string)
        })
        .unwrap_or_else(|| "VmRSS: unknown".to_string())
}

fn post(client: &Client, url: &str, body: &Value) -> Value {
    let response = client
        .post(url)
        .bearer_auth(KEY)
        .json(body)
        .send()
        .expect("sim answers");
    assert!(response.status().is_success(), "{}", response.status());
    response.json().expect("JSON answer")
}

fn bench(c: &mut Criterion) {
    let sim = Sim::start(
        SimConfig {
            api_key: Some(KEY.to_string()),
            rate_limit: 0,
            ..SimConfig::default()
        }
        .with_samples(),
    )
    .expect("sim starts");
    let started = Instant::now();
    let uuids = seed(&sim);
    eprintln!(
        "seeded {CONTACTS} contacts in {:.1} s; {}",
        started.elapsed().as_secs_f64(),
        resident_memory()
    );
    let client = Client::builder().no_proxy().build().expect("client");
    let url = sim.url();

    let mut group = c.benchmark_group("sim_1m");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));

    let next_new = AtomicU64::new(0);
    let bulk_url = format!("{url}/v2/contacts");
    group.bench_function("v2_contacts_1000_mixed", |b| {
        b.iter_batched(
            || {
                let items: Vec<Value> = (0..500)
                    .map(|_| {
                        let n = next_new.fetch_add(1, Ordering::Relaxed);
                        json!({"phone": format!("2{n:010}"), "first": "New", "custom": {"102": "x"}})
                    })
                    .chain(uuids.iter().take(500).map(
                        |uuid| json!({"contact_id": uuid, "last": "Updated", "tags": [{"tag_id": 11}]}),
                    ))
                    .collect();
                json!({ "contacts": items })
            },
            |body| {
                let answer = post(&client, &bulk_url, &body);
                assert_eq!(answer["failed_contacts"], json!([]));
                black_box(answer)
            },
            BatchSize::SmallInput,
        )
    });

    // Fixed bodies: (name, path, body, items expected in the answer array).
    let phones: Vec<String> = (0..1000).map(|k| stored_phone(k * 997)).collect();
    let middle = chrono::Utc::now() - chrono::Duration::seconds(5_000);
    let fixed = [
        (
            "v2_search_1000_phones",
            "/v2/contacts/search",
            json!({"contact_channels": [{"channel_type": "phone", "channel_ids": phones}]}),
            Some(1000),
        ),
        (
            "v2_list_page_9000_of_100",
            "/v2/contacts/list",
            json!({"limit": 100, "page": 9000}),
            Some(100),
        ),
        (
            "v1_count_with_date",
            "/v1/contacts/count",
            json!({"date": middle.to_rfc3339()}),
            None,
        ),
    ];
    for (name, path, body, items) in fixed {
        let endpoint = format!("{url}{path}");
        group.bench_function(name, |b| {
            b.iter(|| {
                let answer = post(&client, &endpoint, &body);
                if items.is_some() {
                    assert_eq!(answer.as_array().map(Vec::len), items);
                }
                black_box(answer)
            })
        });
    }
    group.finish();
    eprintln!("after the runs: {}", resident_memory());
}

criterion_group!(benches, bench);
criterion_main!(benches);
