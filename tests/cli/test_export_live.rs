//! Exports while the account changes under them (issue 22, finding 2 and
//! "also noted"): a contact changed after the export wrote it is exported
//! again by the next `--state` run, never lost; contacts created during an
//! export (many more than a tenth of the count) are collected, not a stop.
//! The changes are made while the run is seen paging (the simulator's
//! request counters), with latency so that it pages long enough.

use std::collections::HashMap;
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};
use heymarket_sim::SimConfig;
use serde_json::{Value, json};

use crate::workdir::{Workdir, code, column, stderr};

fn contacts(from: usize, n: usize) -> Vec<Value> {
    (from..from + n)
        .map(|i| json!({"phone": format!("1415{:07}", i), "first": format!("P{i}")}))
        .collect()
}

fn list_requests(wd: &Workdir) -> u64 {
    wd.sim().stats()["requests"]["POST /v2/contacts/list"]
        .as_u64()
        .unwrap_or(0)
}

/// Start `hmbulk args` and wait until it has asked for `pages` listing
/// pages (or finished, which fails the test: it must still be paging).
fn start_paging(wd: &Workdir, args: &[&str], pages: u64) -> Child {
    let mut child = wd
        .command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while list_requests(wd) < pages {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the export ended before it paged {pages} times"
        );
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "the export never paged"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child
}

/// The run is still going after the changes (so they were made during it),
/// then its output.
fn finish(mut child: Child) -> Output {
    assert!(
        child.try_wait().unwrap().is_none(),
        "the export ended before the changes were made: the test proves nothing"
    );
    child.wait_with_output().unwrap()
}

/// `updated` of each exported contact, by id.
fn exported(wd: &Workdir, name: &str) -> HashMap<String, String> {
    let rows = wd.read_csv(name);
    column(&rows, "id")
        .into_iter()
        .zip(column(&rows, "updated"))
        .collect()
}

#[test]
fn a_contact_changed_after_it_was_written_is_exported_by_the_next_state_run() {
    let wd = Workdir::with_sim(SimConfig {
        latency_ms: 20,
        ..Workdir::sim_config()
    });
    // 3000 contacts over 3000 seconds, the newest now.
    wd.sim().seed(&contacts(0, 3000), false);
    let args = [
        "export",
        "--out",
        "run1.csv",
        "--state",
        "state.json",
        "--rate",
        "0",
    ];
    // Past the first page: the newest contacts are written.
    let child = start_paging(&wd, &args, 10);
    // They change now; then contacts are created with a later `updated`,
    // which the run's last pass collects.
    let touched: Vec<i64> = (2951..=3000).collect();
    assert_eq!(wd.sim().touch(&touched), 50);
    let later =
        (Utc::now() + chrono::Duration::seconds(5)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let created: Vec<Value> = contacts(5000, 10)
        .into_iter()
        .map(|mut c| {
            c["updated"] = json!(later);
            c
        })
        .collect();
    wd.sim().seed(&created, false);
    let out = finish(child);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    let out = wd.run(&[
        "export",
        "--out",
        "run2.csv",
        "--state",
        "state.json",
        "--rate",
        "0",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let (run1, run2) = (exported(&wd, "run1.csv"), exported(&wd, "run2.csv"));
    assert!(
        run2.len() < 200,
        "the second run is incremental: {}",
        run2.len()
    );
    // Every contact's newest version is in one of the two files.
    for c in wd.sim().contacts() {
        let (id, updated) = (c["id"].to_string(), c["updated"].as_str().unwrap());
        let written = [&run1, &run2]
            .iter()
            .any(|run| run.get(&id).map(String::as_str) == Some(updated));
        assert!(written, "contact {id} at {updated} is in neither export");
    }
}

#[test]
fn contacts_created_during_an_export_are_collected_not_a_stop() {
    let wd = Workdir::with_sim(SimConfig {
        latency_ms: 20,
        ..Workdir::sim_config()
    });
    wd.sim().seed(&contacts(0, 2000), false);
    let child = start_paging(
        &wd,
        &["export", "--out", "all.csv", "--rate", "0", "--json"],
        10,
    );
    // Far more than a tenth of the count, and than 1000.
    wd.sim().seed(&contacts(10_000, 1500), true);
    let out = finish(child);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["contacts"], 3500, "{summary}");
    assert_eq!(summary["count_check"], "complete");
    let ids = column(&wd.read_csv("all.csv"), "id");
    let mut once = ids.clone();
    once.sort();
    once.dedup();
    assert_eq!(once.len(), 3500, "each once");
}
