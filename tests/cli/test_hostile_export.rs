//! `hmbulk export` (and a stopped import) against a hostile server: paging
//! that makes no progress stops with an error instead of looping, Ctrl-C
//! ends the run at once whatever it waits for, temporary files are removed
//! on every exit path and a killed run's are swept by the next, and the
//! formula guard covers headers and server text.

use std::process::Command;
use std::time::Duration;

use heymarket_sim::FieldDef;
use serde_json::{Value, json};

use crate::hostile::{Hostile, Reply, confirmed, listed};
use crate::test_hostile::{assert_ends, at, files, people, run_at, temp_files, wait_or_kill};
use crate::workdir::{Workdir, code, column, stderr};

#[test]
fn export_stops_when_the_server_does_not_page() {
    // `page` ignored: every page is the first.
    for api in ["v2", "v1"] {
        let server = Hostile::start(|r| match r.route().as_str() {
            "POST /v2/contacts/list" | "POST /v1/contacts" => {
                Reply::Json(200, listed(1, 100).to_string())
            }
            "POST /v1/contacts/count" => Reply::Json(200, r#"{"count": 1000}"#.into()),
            _ => Reply::Default,
        });
        let wd = Workdir::new();
        let run = run_at(&wd, &server, &["export", "--out", "all.csv", "--api", api]);
        assert_ends(&run, 3, "same 100 contacts as page");
        assert!(!wd.path("all.csv").exists());
    }
    // A listing that never ends: new contacts on every page (as many as
    // asked for), far past the count, even when it is asked again.
    let server = Hostile::start(|r| match r.route().as_str() {
        "POST /v2/contacts/list" => {
            let limit = r.json()["limit"].as_u64().unwrap_or(30) as usize;
            Reply::Json(200, listed(1 + 1000 * r.nth as i64, limit).to_string())
        }
        "POST /v1/contacts/count" => Reply::Json(200, r#"{"count": 50}"#.into()),
        _ => Reply::Default,
    });
    let wd = Workdir::new();
    let run = run_at(&wd, &server, &["export", "--out", "all.csv"]);
    assert_ends(&run, 3, "count said 50");
    // The same contacts in a new order on every page: more rows than paging
    // 50 contacts could take.
    let server = Hostile::start(|r| match r.route().as_str() {
        "POST /v2/contacts/list" => {
            let limit = r.json()["limit"].as_u64().unwrap_or(30) as usize;
            let mut page = listed(1, limit - 1).as_array().unwrap().clone();
            page.rotate_left(r.nth % (limit - 1));
            page.push(listed(10_000 + (r.nth % 3) as i64, 1)[0].clone());
            Reply::Json(200, Value::Array(page).to_string())
        }
        "POST /v1/contacts/count" => Reply::Json(200, r#"{"count": 50}"#.into()),
        _ => Reply::Default,
    });
    let run = run_at(&wd, &server, &["export", "--out", "all.csv"]);
    assert_ends(&run, 3, "does not page as documented");
}

#[test]
fn ctrl_c_ends_an_export_at_once_even_while_the_server_stalls() {
    let server = Hostile::start(|r| match r.route().as_str() {
        "POST /v2/contacts/list" => Reply::StallHeaders,
        _ => Reply::Default,
    });
    let wd = Workdir::new();
    std::fs::write(wd.path("nightly.csv"), "yesterday's export\n").unwrap();
    let mut cmd = at(&wd, &server, &["export", "--out", "nightly.csv"]);
    let child = cmd.stderr(std::process::Stdio::piped()).spawn().unwrap();
    server.wait_for("POST /v2/contacts/list", 1);
    assert!(
        !temp_files(&wd).is_empty(),
        "the export is under way, into a temporary file"
    );
    let signal = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(signal.success());
    let out = wait_or_kill(child, Duration::from_secs(20));
    assert_eq!(code(&out), 130, "{}", stderr(&out));
    assert!(stderr(&out).contains("interrupted"), "{}", stderr(&out));
    assert_eq!(wd.read("nightly.csv"), "yesterday's export\n");
    assert!(temp_files(&wd).is_empty(), "{:?}", temp_files(&wd));
}

#[test]
fn a_killed_export_leaves_a_recognisable_temp_file_that_the_next_run_removes() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    wd.sim()
        .seed(&[json!({"phone": "14155550100", "first": "Ann"})], false);
    // A first page, then silence: the process is killed mid-export.
    let server = Hostile::start(|r| match r.route().as_str() {
        "POST /v2/contacts/list" if r.nth == 0 => Reply::Json(200, listed(1, 100).to_string()),
        "POST /v2/contacts/list" => Reply::StallHeaders,
        "POST /v1/contacts/count" => Reply::Json(200, r#"{"count": 300}"#.into()),
        _ => Reply::Default,
    });
    let mut child = at(&wd, &server, &["export", "--out", "out.csv"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    server.wait_for("POST /v2/contacts/list", 2);
    child.kill().unwrap(); // SIGKILL: no handler runs
    child.wait().unwrap();
    let left = temp_files(&wd);
    assert_eq!(left.len(), 1, "{:?}", files(&wd));
    assert!(
        left[0].starts_with(".out.csv.") && left[0].ends_with(".hmbulk-tmp"),
        "named for its target: {left:?}"
    );
    // The next run of the same export (the simulator now) cleans up.
    let out = wd.run(&["export", "--out", "out.csv", "--rate", "0"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(temp_files(&wd).is_empty(), "{:?}", files(&wd));
    assert_eq!(column(&wd.read_csv("out.csv"), "first"), ["Ann"]);
}

#[test]
fn a_second_ctrl_c_quits_an_import_leaving_no_temporary_file() {
    let server = Hostile::start(|r| match r.route().as_str() {
        "POST /v2/contacts/search" => Reply::StallHeaders,
        _ => Reply::Default,
    });
    let wd = Workdir::new();
    people(&wd, 3);
    let child = at(&wd, &server, &["import", "people.csv"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    server.wait_for("POST /v2/contacts/search", 1);
    assert_eq!(temp_files(&wd).len(), 2, "results and errors under way");
    for _ in 0..2 {
        let signal = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(signal.success());
        std::thread::sleep(Duration::from_millis(200));
    }
    let out = wait_or_kill(child, Duration::from_secs(20));
    assert_eq!(code(&out), 130, "{}", stderr(&out));
    assert!(temp_files(&wd).is_empty(), "{:?}", files(&wd));
}

#[test]
fn formula_cells_in_headers_and_server_text_are_guarded() {
    // A custom field titled like a formula: the export's header cell.
    let title = "=HYPERLINK(\"http://evil.example\",\"open\")";
    let mut config = Workdir::sim_config();
    config.fields.push(FieldDef {
        id: 150,
        title: title.into(),
    });
    let source = Workdir::with_sim(config.clone());
    source.sim().seed(
        &[json!({"phone": "14155550100", "custom": {"150": "x"}})],
        false,
    );
    let out = source.run(&["export", "--out", "all.csv", "--rate", "0"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let header = &source.read_csv("all.csv")[0];
    assert_eq!(header.last().unwrap(), &format!("'{title}"));
    // ...and the export still imports as it is, into the same field.
    let target = Workdir::with_sim(config);
    std::fs::copy(source.path("all.csv"), target.path("all.csv")).unwrap();
    let out = target.run(&["import", "all.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(target.sim().contacts()[0]["custom"]["150"], "x");

    // Server text in results.csv: a uuid that is a formula.
    let server = Hostile::start(|r| match r.route().as_str() {
        "POST /v2/contacts" => {
            let mut items = confirmed(r);
            for c in &mut items {
                c["uuid"] = json!("=cmd|' /C calc'!A0");
            }
            Reply::Json(
                200,
                json!({"contacts": items, "failed_contacts": []}).to_string(),
            )
        }
        _ => Reply::Default,
    });
    let wd = Workdir::new();
    people(&wd, 2);
    let run = run_at(&wd, &server, &["import", "people.csv"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let uuids = column(&wd.read_csv("people.results.csv"), "uuid");
    assert_eq!(uuids, ["'=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"]);
}
