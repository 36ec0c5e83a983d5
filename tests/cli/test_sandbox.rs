//! `--sandbox` remembers: a walk-through of separate `hmbulk` processes on
//! one sandbox folder, each seeing the store the previous one left; `hmbulk
//! sandbox reset` and `path`; a second command on a sandbox in use is refused.

use std::path::PathBuf;
use std::process::Output;

use crate::workdir::{Workdir, assert_each_row_once, code, column, read_csv, stderr};

/// A workdir whose commands all use the sandbox kept in its `sandbox/` folder.
struct Walk {
    wd: Workdir,
    dir: PathBuf,
}

impl Walk {
    fn new() -> Walk {
        let wd = Workdir::new();
        let dir = wd.path("sandbox");
        Walk { wd, dir }
    }

    /// `hmbulk <args> --sandbox --sandbox-dir DIR`.
    fn run(&self, args: &[&str]) -> Output {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--sandbox", "--sandbox-dir", self.dir.to_str().unwrap()]);
        self.wd.run(&all)
    }

    /// `hmbulk sandbox <action> --sandbox-dir DIR <args>`.
    fn sandbox(&self, action: &str, args: &[&str]) -> Output {
        let mut all = vec![
            "sandbox",
            action,
            "--sandbox-dir",
            self.dir.to_str().unwrap(),
        ];
        all.extend(args);
        self.wd.run(&all)
    }

    /// Exports the sandbox to `name`; gives its rows, header first.
    fn export(&self, name: &str) -> Vec<Vec<String>> {
        let out = self.run(&["export", "--out", name]);
        assert_eq!(code(&out), 0, "export: {}", stderr(&out));
        self.wd.read_csv(name)
    }
}

/// The rows of an export, as `column -> value` for the row whose phone is `phone`.
fn cell(rows: &[Vec<String>], phone: &str, name: &str) -> String {
    let phones = column(rows, "phone");
    let at = phones
        .iter()
        .position(|p| p == phone)
        .unwrap_or_else(|| panic!("no contact {phone} in {phones:?}"));
    column(rows, name)[at].clone()
}

fn sorted(mut values: Vec<String>) -> Vec<String> {
    values.sort();
    values
}

#[test]
fn a_sandbox_walk_through_keeps_one_store_across_commands() {
    let walk = Walk::new();

    // 1. import: into a fresh sandbox; the bad row is reported, not stored.
    walk.wd.create(
        "people.csv",
        &[
            vec!["phone", "first", "last", "email", "tags"],
            vec![
                "+1 415 555 0101",
                "Ada",
                "Lovelace",
                "ada@example.com",
                "VIP",
            ],
            vec!["(212) 555-0102", "Grace", "Hopper", "grace@example.org", ""],
            vec!["415.555.0103", "Alan", "Turing", "", "Newsletter"],
            vec!["not a phone", "Bad", "Row", "", ""],
        ],
    );
    let out = walk.run(&["import", "people.csv"]);
    assert_eq!(code(&out), 1, "one bad row: {}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains(walk.dir.to_str().unwrap()), "{said}");
    assert!(
        said.contains("(0 contacts;"),
        "a fresh sandbox is empty: {said}"
    );
    assert!(said.contains("now 3 contacts"), "{said}");
    assert_each_row_once(&walk.wd, "people", 4);
    let results = walk.wd.read_csv("people.results.csv");
    assert_eq!(column(&results, "action"), ["created"; 3]);
    let imported = sorted(column(&results, "uuid"));

    // 2. export: exactly what was imported, nothing else.
    let first = walk.export("first.csv");
    assert_eq!(sorted(column(&first, "uuid")), imported);
    assert_eq!(
        sorted(column(&first, "phone")),
        ["12125550102", "14155550101", "14155550103"]
    );
    assert_eq!(cell(&first, "14155550101", "tags"), "VIP");

    // 3. edit the export as a spreadsheet would, 4. import it again.
    let header = &first[0];
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut edited = first.clone();
    for row in edited.iter_mut().skip(1) {
        match row[at("phone")].as_str() {
            "14155550101" => row[at("first")] = "Augusta Ada".to_string(),
            "12125550102" => row[at("is_opted_out")] = "true".to_string(),
            _ => {}
        }
    }
    let rows: Vec<Vec<&str>> = edited
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    walk.wd.create("edited.csv", &rows);
    let out = walk.run(&["import", "edited.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_each_row_once(&walk.wd, "edited", 3);
    let summary = walk.wd.read_json("edited.summary.json");
    assert_eq!(summary["created"], 0, "matched by uuid, nothing created");
    assert!(stderr(&out).contains("(3 contacts;"), "{}", stderr(&out));

    // 5. verify: a new process sees the edits, on the same contacts.
    let second = walk.export("second.csv");
    assert_eq!(sorted(column(&second, "uuid")), imported);
    assert_eq!(cell(&second, "14155550101", "first"), "Augusta Ada");
    assert_eq!(cell(&second, "12125550102", "is_opted_out"), "true");
    assert_eq!(cell(&second, "14155550103", "first"), "Alan");

    // 6. status: Grace opted out in step 4 already (unchanged), Alan is
    // blocked, and a phone the sandbox does not hold is not_found.
    walk.wd.create(
        "status.csv",
        &[
            vec!["phone", "status"],
            vec!["(212) 555-0102", "STOP"],
            vec!["415.555.0103", "blocked"],
            vec!["415.555.0199", "opt-out"],
        ],
    );
    let out = walk.run(&["status", "status.csv"]);
    assert_eq!(code(&out), 1, "one missing contact: {}", stderr(&out));
    assert_each_row_once(&walk.wd, "status.status", 3);
    let results = walk.wd.read_csv("status.status.results.csv");
    assert_eq!(column(&results, "action"), ["unchanged", "updated"]);
    let errors = walk.wd.read_csv("status.status.errors.csv");
    assert_eq!(column(&errors, "_error_code"), ["not_found"]);
    // ... which a new process reads back, and --check changes nothing.
    let out = walk.run(&["status", "status.csv", "--check"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let checked = walk.wd.read_csv("status.status.results.csv");
    assert_eq!(column(&checked, "unsubscribed"), ["true", "false"]);
    assert_eq!(column(&checked, "blocked"), ["false", "true"]);
    let out = walk.run(&["export", "--out", "third.csv", "--status"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let third = walk.wd.read_csv("third.csv");
    assert_eq!(sorted(column(&third, "uuid")), imported);
    assert_eq!(cell(&third, "14155550103", "blocked"), "true");
    assert_eq!(cell(&third, "12125550102", "is_opted_out"), "true");
    assert_eq!(cell(&third, "14155550101", "blocked"), "false");

    // 7. delete: Ada by her uuid; refused without --yes off a terminal,
    // then done; nothing else goes.
    let ada = cell(&third, "14155550101", "uuid");
    walk.wd.create(
        "delete.csv",
        &[
            vec!["uuid", "phone"],
            vec![&ada, ""],
            vec!["", "415.555.0199"],
        ],
    );
    let out = walk.run(&["delete", "delete.csv"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_eq!(walk.export("still.csv").len(), 4, "nothing deleted");
    let out = walk.run(&["delete", "delete.csv", "--yes"]);
    assert_eq!(code(&out), 1, "one missing contact: {}", stderr(&out));
    assert!(stderr(&out).contains("now 2 contacts"), "{}", stderr(&out));
    let fourth = walk.export("fourth.csv");
    assert_eq!(
        sorted(column(&fourth, "phone")),
        ["12125550102", "14155550103"]
    );

    // 8. reset: empty again; --demo for something to export.
    let out = walk.sandbox("reset", &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(walk.export("empty.csv").len(), 1, "only the header");
    let out = walk.sandbox("reset", &["--demo"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let demo = walk.export("demo.csv");
    assert_eq!(demo.len(), 301);
    assert!(!column(&demo, "phone").contains(&"14155550101".to_string()));
}

#[test]
fn a_sandbox_in_use_is_refused_not_clobbered() {
    let walk = Walk::new();
    assert_eq!(code(&walk.sandbox("reset", &["--demo"])), 0);
    let store = walk.dir.join("store.json");
    let before = std::fs::read(&store).unwrap();
    // Another process holds the sandbox: the test takes its lock.
    let held = heymarket_sim::persist::StateFile::open(&store).unwrap();
    for out in [
        walk.run(&["export", "--out", "x.csv"]),
        walk.sandbox("reset", &[]),
    ] {
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert!(
            stderr(&out).contains("is in use by another hmbulk command"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(std::fs::read(&store).unwrap(), before, "untouched");
    drop(held);
    assert_eq!(walk.export("x.csv").len(), 301);
}

#[test]
fn a_damaged_sandbox_says_how_to_start_afresh() {
    let walk = Walk::new();
    std::fs::create_dir_all(&walk.dir).unwrap();
    std::fs::write(walk.dir.join("store.json"), "{ half a file").unwrap();
    let out = walk.run(&["export", "--out", "x.csv"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("hmbulk sandbox reset"),
        "{}",
        stderr(&out)
    );
    assert_eq!(code(&walk.sandbox("reset", &[])), 0);
    assert_eq!(walk.export("x.csv").len(), 1);
}

#[cfg(target_os = "linux")]
#[test]
fn the_sandbox_lives_in_the_user_cache_folder_by_default() {
    let wd = Workdir::new();
    let cache = wd.path("cache");
    let expected = cache.join("hmbulk").join("sandbox");
    let out = wd
        .command(&["sandbox", "path"])
        .env("XDG_CACHE_HOME", &cache)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        expected.to_str().unwrap()
    );
    wd.create("one.csv", &[vec!["phone"], vec!["+1 415 555 0199"]]);
    let out = wd
        .command(&["import", "one.csv", "--sandbox"])
        .env("XDG_CACHE_HOME", &cache)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(expected.join("store.json").exists());
    let out = wd
        .command(&["export", "--out", "one.out.csv", "--sandbox"])
        .env("XDG_CACHE_HOME", &cache)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = read_csv(&wd.path("one.out.csv"));
    assert_eq!(column(&rows, "phone"), ["14155550199"]);
}
