//! `hmbulk export` end to end: every contact exactly once under each cursor
//! behaviour and API version, during concurrent writes, incrementally, and
//! round-tripping through `hmbulk import`.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};

use heymarket_sim::SimConfig;
use serde_json::{Value, json};

use crate::workdir::{Workdir, code, column, stderr};

/// `n` contacts in the simulator's write shape, phones from `start`.
fn contacts(start: usize, n: usize) -> Vec<Value> {
    (start..start + n)
        .map(|i| {
            json!({
                "phone": format!("1415{:07}", 2_000_000 + i),
                "first": format!("F{i}"),
                "last": format!("L{i}"),
                "email": format!("c{i}@example.com"),
                "tags": if i % 3 == 0 { json!([{"tag_id": 11}, {"tag_id": 14}]) } else { json!([]) },
                "custom": { "101": format!("Co {i}") },
                "assignee_id": if i % 2 == 0 { 501 } else { 502 },
            })
        })
        .collect()
}

/// 10,000 contacts, 5,000 of them in one `updated` second, the rest spread
/// over earlier seconds.
fn seed_ten_thousand(wd: &Workdir) {
    let sim = wd.sim();
    let spread: Vec<Value> = contacts(0, 5000)
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            c["updated"] = json!(format!(
                "2026-01-01T00:{:02}:{:02}Z",
                (i / 40) / 60,
                (i / 40) % 60
            ));
            c
        })
        .collect();
    for chunk in spread.chunks(1000) {
        sim.seed(chunk, false);
    }
    sim.seed(&contacts(5000, 5000), true);
    assert_eq!(sim.contacts().len(), 10_000);
}

fn exported_ids(wd: &Workdir, name: &str) -> Vec<i64> {
    let rows = wd.read_csv(name);
    column(&rows, "id")
        .iter()
        .map(|s| s.parse().expect("id"))
        .collect()
}

fn assert_once_each(ids: &[i64], want: &HashSet<i64>) {
    let unique: HashSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "no contact twice");
    let missing: Vec<&i64> = want.difference(&unique).take(5).collect();
    assert!(
        missing.is_empty(),
        "missing {} contacts, e.g. {missing:?}",
        want.difference(&unique).count()
    );
}

fn store_ids(wd: &Workdir) -> HashSet<i64> {
    wd.sim()
        .contacts()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn every_contact_exactly_once_under_each_cursor_mode_and_api_version() {
    for inclusive in [false, true] {
        let wd = Workdir::with_sim(SimConfig {
            cursor_inclusive: inclusive,
            ..Workdir::sim_config()
        });
        seed_ten_thousand(&wd);
        let want = store_ids(&wd);
        for api in ["v2", "v1"] {
            let name = format!("out-{api}.csv");
            let out = wd.run(&[
                "export", "--out", &name, "--api", api, "--rate", "0", "--json",
            ]);
            assert_eq!(
                code(&out),
                0,
                "inclusive {inclusive} {api}: {}",
                stderr(&out)
            );
            assert_once_each(&exported_ids(&wd, &name), &want);
            let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(summary["contacts"], 10_000);
            assert_eq!(summary["count_check"], "complete");
            assert_eq!(
                summary["cursor"],
                if inclusive { "inclusive" } else { "exclusive" }
            );
        }
    }
}

#[test]
fn contacts_touched_and_created_during_the_export_still_appear_once() {
    let wd = Workdir::with_sim(SimConfig {
        latency_ms: 25,
        ..Workdir::sim_config()
    });
    seed_ten_thousand(&wd);
    let before = store_ids(&wd);
    let mutating = AtomicBool::new(true);
    let out = std::thread::scope(|s| {
        let export = s.spawn(|| {
            let out = wd.run(&["export", "--out", "live.csv", "--rate", "0", "--json"]);
            assert!(
                !mutating.load(Ordering::SeqCst),
                "the export outlasted the writes it must survive"
            );
            out
        });
        // While the export pages, touch contacts all over the listing (inside
        // the big tie group too) and create new ones.
        std::thread::sleep(std::time::Duration::from_millis(200));
        for round in 0..30usize {
            let ids: Vec<i64> = (0..20)
                .map(|k| ((round * 7919 + k * 503) % 10_000 + 1) as i64)
                .collect();
            wd.sim().touch(&ids);
            wd.sim().seed(&contacts(20_000 + round * 3, 3), false);
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        mutating.store(false, Ordering::SeqCst);
        export.join().unwrap()
    });
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let exported = exported_ids(&wd, "live.csv");
    let after = store_ids(&wd);
    assert_eq!(after.len(), before.len() + 90);
    // Every contact, old, touched or new, exactly once.
    assert_once_each(&exported, &after);
    assert_eq!(exported.len(), after.len());
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["count_check"], "complete", "{summary}");
}

#[test]
fn updated_since_and_state_pick_up_exactly_the_changes() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let seeded = wd.sim().seed(&contacts(0, 300), true);
    let out = wd.run(&[
        "export",
        "--out",
        "night1.csv",
        "--state",
        "nightly.json",
        "--rate",
        "0",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(exported_ids(&wd, "night1.csv").len(), 300);

    // Nothing changed: the next night exports nothing.
    let out = wd.run(&[
        "export",
        "--out",
        "night2.csv",
        "--state",
        "nightly.json",
        "--rate",
        "0",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(exported_ids(&wd, "night2.csv").is_empty());

    // Ten changes and three new contacts, in the same second as the last run or not.
    let touched: Vec<i64> = seeded
        .iter()
        .take(10)
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    wd.sim().touch(&touched);
    let created: Vec<i64> = wd
        .sim()
        .seed(&contacts(500, 3), true)
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    let out = wd.run(&[
        "export",
        "--out",
        "night3.csv",
        "--state",
        "nightly.json",
        "--rate",
        "0",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut got = exported_ids(&wd, "night3.csv");
    got.sort_unstable();
    let mut want: Vec<i64> = touched.iter().chain(&created).copied().collect();
    want.sort_unstable();
    assert_eq!(got, want);

    // --updated-since picks the same window by time.
    let since = wd
        .sim()
        .contacts()
        .iter()
        .map(|c| c["updated"].as_str().unwrap().to_string())
        .max()
        .unwrap();
    let out = wd.run(&[
        "export",
        "--out",
        "since.csv",
        "--updated-since",
        &since,
        "--rate",
        "0",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let n = wd
        .sim()
        .contacts()
        .iter()
        .filter(|c| c["updated"].as_str().unwrap() >= since.as_str())
        .count();
    assert_eq!(exported_ids(&wd, "since.csv").len(), n);
}

/// The fields that make a contact the same contact, ids and times aside.
fn essence(c: &Value) -> Vec<String> {
    let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
    let mut tags: Vec<i64> = c["tags"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_i64)
        .collect();
    tags.sort_unstable();
    vec![
        s("phone"),
        s("first"),
        s("last"),
        s("email"),
        json!(tags).to_string(),
        c["custom"].to_string(),
        c["assigned_user_id"].to_string(),
        c["is_opted_out"].to_string(),
    ]
}

#[test]
fn export_import_export_round_trips() {
    let source = Workdir::with_sim(Workdir::sim_config());
    let mut seeded = contacts(0, 250);
    seeded[3]["first"] = json!("=SUM(A1:A2)");
    seeded[4]["is_opted_out"] = json!(true);
    source.sim().seed(&seeded, true);
    let out = source.run(&["export", "--out", "all.csv", "--rate", "0"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    let target = Workdir::with_sim(Workdir::sim_config());
    std::fs::copy(source.path("all.csv"), target.path("all.csv")).unwrap();
    let out = target.run(&["import", "all.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = target.run(&["export", "--out", "again.csv", "--rate", "0"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    let mut a: Vec<_> = source.sim().contacts().iter().map(essence).collect();
    let mut b: Vec<_> = target.sim().contacts().iter().map(essence).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert!(
        b.iter().any(|c| c[1] == "=SUM(A1:A2)"),
        "the guarded cell came back as it was"
    );
    // The two files agree but for ids, uuids and times.
    let strip = |rows: Vec<Vec<String>>| -> BTreeMap<String, Vec<String>> {
        let at = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
        let (created, updated) = (at("created"), at("updated"));
        assert_eq!(updated, created + 1);
        rows.iter()
            .skip(1)
            .map(|r| (r[2].clone(), [&r[2..created], &r[updated + 1..]].concat()))
            .collect()
    };
    assert_eq!(
        strip(source.read_csv("all.csv")),
        strip(target.read_csv("again.csv"))
    );
}

#[test]
fn formula_cells_are_neutralised_but_numbers_and_phones_are_not() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let mut c = contacts(0, 1);
    c[0]["first"] = json!("=cmd|' /C calc'!A0");
    c[0]["last"] = json!("-42");
    c[0]["display_name"] = json!("@SUM(1)");
    c[0]["custom"] = json!({ "101": "+1-1", "102": "+15105553344" });
    wd.sim().seed(&c, false);
    assert_eq!(
        code(&wd.run(&["export", "--out", "safe.csv", "--rate", "0"])),
        0
    );
    let rows = wd.read_csv("safe.csv");
    let get = |name: &str| column(&rows, name)[0].clone();
    assert_eq!(get("first"), "'=cmd|' /C calc'!A0");
    assert_eq!(get("display_name"), "'@SUM(1)");
    assert_eq!(get("Company"), "'+1-1");
    assert_eq!(get("last"), "-42");
    assert_eq!(get("Birthday"), "+15105553344");
    assert_eq!(get("phone"), "14152000000");

    assert_eq!(
        code(&wd.run(&[
            "export", "--out", "raw.csv", "--raw", "--bom", "--rate", "0"
        ])),
        0
    );
    let bytes = std::fs::read(wd.path("raw.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "BOM for Excel");
    assert!(
        String::from_utf8_lossy(&bytes).contains("\n=cmd")
            || String::from_utf8_lossy(&bytes).contains(",=cmd")
    );
}

#[test]
fn jsonl_has_names_not_ids_and_the_columns_asked_for() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.sim().seed(&contacts(0, 3), false);
    let out = wd.run(&[
        "export",
        "--out",
        "c.jsonl",
        "--format",
        "jsonl",
        "--columns",
        "phone,tags,assignee,Company",
        "--rate",
        "0",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let lines: Vec<Value> = wd
        .read("c.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    let first = lines.iter().find(|l| l["phone"] == "14152000000").unwrap();
    assert_eq!(
        first,
        &json!({"phone": "14152000000", "tags": ["VIP", "Spring Sale"], "assignee": "Dana Scully", "Company": "Co 0"})
    );

    let out = wd.run(&["export", "--out", "x.csv", "--columns", "phone,shoe_size"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("shoe_size"));
}

#[test]
fn a_failed_export_leaves_yesterdays_file_alone() {
    let wd = Workdir::with_sim(SimConfig {
        fail_rate: 1.0,
        ..Workdir::sim_config()
    });
    std::fs::write(wd.path("nightly.csv"), "yesterday's export\n").unwrap();
    let out = wd.run(&[
        "export",
        "--out",
        "nightly.csv",
        "--rate",
        "0",
        "--retries",
        "1",
    ]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert_eq!(wd.read("nightly.csv"), "yesterday's export\n");
    let leftovers = std::fs::read_dir(wd.path("")).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary file left behind");
}
