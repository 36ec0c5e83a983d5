//! Every stop accounts for every row, and `import --resume` finishes any
//! stopped run (issue 9, defect 1): the API down past retries, a 401 mid-run,
//! Ctrl-C and `kill -9` each leave reports of every row of the file (those
//! not sent as `not_sent`) and a journal; the next run without `--resume`
//! stops before sending anything and says what to run; `--resume` refuses a
//! changed file or other options, settles the rows in flight and ends with
//! reports of every row, as if the run had never stopped; `--restart` starts
//! over. Checked against the simulator's store.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use heymarket_sim::SimConfig;
use serde_json::json;

use crate::hostile::{Hostile, Reply};
use crate::test_import::{as_refs, clean_rows, digits, store_phones};
use crate::workdir::{Workdir, assert_each_row_once, code, column, stderr};

pub(crate) fn sorted_phones(n: usize) -> Vec<String> {
    let mut p: Vec<String> = (0..n).map(digits).collect();
    p.sort();
    p
}

/// Contacts in the simulator's store.
pub(crate) fn stored_count(wd: &Workdir) -> u64 {
    wd.sim().stats()["contacts"].as_u64().unwrap()
}

/// Wait until the store holds `at_least` contacts, or the child ended;
/// gives whether it still runs.
pub(crate) fn wait_for_store(wd: &Workdir, child: &mut Child, at_least: u64) -> bool {
    let t = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        if stored_count(wd) >= at_least {
            return true;
        }
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "the import never got there"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// `hmbulk <args>` started in the background, output discarded.
pub(crate) fn start(cmd: &mut Command) -> Child {
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Ctrl-C to `child`, and its output once it ended.
pub(crate) fn ctrl_c(child: Child) -> std::process::Output {
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    child.wait_with_output().unwrap()
}

const SLOW: [&str; 8] = [
    "import",
    "people.csv",
    "--batch-size",
    "10",
    "--concurrency",
    "2",
    "--rate",
    "0",
];

fn slow_sim() -> SimConfig {
    SimConfig {
        latency_ms: 25,
        ..Workdir::sim_config()
    }
}

/// A 300-row import killed (`kill -9`) once 40 contacts are stored.
fn killed_run(wd: &Workdir) {
    wd.create("people.csv", &as_refs(&clean_rows(300)));
    let mut child = start(&mut wd.command(&SLOW));
    assert!(wait_for_store(wd, &mut child, 40), "ended too soon");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(wd.path("people.journal").exists());
}

fn writes(wd: &Workdir) -> u64 {
    wd.sim().stats()["writes"].as_u64().unwrap()
}

#[test]
fn a_journal_left_behind_stops_the_next_run_until_resume_which_refuses_another_file_or_options() {
    let wd = Workdir::with_sim(slow_sim());
    killed_run(&wd);
    let before = (writes(&wd), stored_count(&wd));

    // Without --resume: nothing is sent, and the message says what to run.
    let out = wd.run(&SLOW);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert!(err.contains("stopped before it finished"), "{err}");
    assert!(
        err.contains("hmbulk import people.csv --batch-size 10 --concurrency 2 --rate 0 --resume"),
        "{err}"
    );
    assert!(err.contains("--restart"), "{err}");
    // Other options, or another file: refused, nothing sent.
    let out = wd.run(&[&SLOW[..], &["--resume", "--mode", "create"]].concat());
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert!(err.contains("mode was upsert and is create now"), "{err}");
    let original = wd.read("people.csv");
    wd.create_bytes(
        "people.csv",
        format!("{original}Extra,Row,(415) 555-0199,\n").as_bytes(),
    );
    let out = wd.run(&[&SLOW[..], &["--resume"]].concat());
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert!(err.contains("people.csv changed"), "{err}");
    assert!(err.contains("--restart"), "{err}");
    assert_eq!((writes(&wd), stored_count(&wd)), before, "nothing was sent");

    // The same file and options: finished as if it had never stopped.
    wd.create_bytes("people.csv", original.as_bytes());
    let out = wd.run(&[&SLOW[..], &["--resume"]].concat());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("resuming the run of people.csv"));
    assert_each_row_once(&wd, "people", 300);
    let results = wd.read_csv("people.results.csv");
    assert_eq!(column(&results, "action"), vec!["created"; 300]);
    assert_eq!(store_phones(&wd), sorted_phones(300), "each stored once");
    for c in wd.sim().contacts() {
        assert_eq!(c["rev"], 1, "written once: {c}");
    }
    assert!(!wd.path("people.journal").exists());
    let out = wd.run(&[&SLOW[..], &["--resume"]].concat());
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("nothing to resume"));
}

#[test]
fn restart_starts_over_and_finds_what_the_stopped_run_sent() {
    let wd = Workdir::with_sim(slow_sim());
    killed_run(&wd);
    let stored = stored_count(&wd) as usize;
    let out = wd.run(&[&SLOW[..], &["--restart"]].concat());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_each_row_once(&wd, "people", 300);
    let actions = column(&wd.read_csv("people.results.csv"), "action");
    let unchanged = actions.iter().filter(|a| *a == "unchanged").count();
    assert_eq!(unchanged, stored, "the contacts already sent were found");
    assert_eq!(actions.len() - unchanged, 300 - stored, "the rest created");
    for c in wd.sim().contacts() {
        assert_eq!(c["rev"], 1, "written once: {c}");
    }
    assert_eq!(store_phones(&wd), sorted_phones(300));
    assert!(!wd.path("people.journal").exists());
}

#[test]
fn an_api_down_mid_run_reports_every_row_of_the_file_and_its_error_report_sends_the_rest() {
    let wd = Workdir::with_sim(SimConfig {
        latency_ms: 10,
        ..Workdir::sim_config()
    });
    // More rows than the reader takes in at once (4096), so rows are still
    // unread when the API goes down.
    let n = 10_000;
    wd.create("people.csv", &as_refs(&clean_rows(n)));
    let args = [
        "import",
        "people.csv",
        "--batch-size",
        "20",
        "--concurrency",
        "1",
        "--rate",
        "0",
        "--retries",
        "0",
    ];
    let mut child = wd.command(&args).stderr(Stdio::piped()).spawn().unwrap();
    assert!(wait_for_store(&wd, &mut child, 100));
    wd.sim().set_faults(&json!({ "fail_rate": 1.0 }));
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(code(&out), 3, "{err}");
    // Every row of the file, not only those read before the stop.
    assert_each_row_once(&wd, "people", n);
    let results = wd.read_csv("people.results.csv");
    let created = column(&results, "action").len();
    let errors = wd.read_csv("people.errors.csv");
    let codes = column(&errors, "_error_code");
    let not_sent = codes.iter().filter(|c| *c == "not_sent").count();
    assert_eq!(created + codes.len(), n);
    assert!(not_sent > n / 2, "{not_sent}");
    assert!(
        err.contains(&format!("{not_sent} rows were not sent")),
        "{err}"
    );
    assert!(err.contains("--resume"), "{err}");
    assert_eq!(stored_count(&wd) as usize, created);

    // The API is back; the error report, imported as it is, sends the rest.
    wd.sim().set_faults(&json!({ "fail_rate": 0.0 }));
    let out = wd.run(&["import", "people.errors.csv", "--rate", "0"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(store_phones(&wd), sorted_phones(n), "every row sent, once");
}

#[test]
fn a_401_mid_run_and_ctrl_c_each_leave_every_row_reported_and_resume_finishes() {
    // A 401 after some batches, from a proxy in front of the simulator.
    let wd = Workdir::with_sim(slow_sim());
    wd.create("people.csv", &as_refs(&clean_rows(200)));
    let server = Hostile::proxy(wd.sim().url(), |r, up| match r.route().as_str() {
        "POST /v2/contacts" if r.nth >= 4 => Reply::Json(401, r#"{"error":"unauthorized"}"#.into()),
        _ => up.reply(r),
    });
    let out = wd
        .command(&SLOW)
        .env("HEYMARKET_BASE_URL", server.url())
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stderr(&out).contains("401"), "{}", stderr(&out));
    assert_each_row_once(&wd, "people", 200);
    let created = column(&wd.read_csv("people.results.csv"), "action").len();
    assert!((1..200).contains(&created), "{created}");
    let out = wd.run(&[&SLOW[..], &["--resume"]].concat());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_each_row_once(&wd, "people", 200);
    assert_eq!(
        column(&wd.read_csv("people.results.csv"), "action"),
        vec!["created"; 200]
    );
    assert_eq!(store_phones(&wd), sorted_phones(200));

    // Ctrl-C: the batches in flight finish, every row is reported.
    let wd = Workdir::with_sim(slow_sim());
    wd.create("people.csv", &as_refs(&clean_rows(300)));
    let mut child = wd.command(&SLOW).stderr(Stdio::piped()).spawn().unwrap();
    assert!(wait_for_store(&wd, &mut child, 30));
    let out = ctrl_c(child);
    assert_eq!(code(&out), 130, "{}", stderr(&out));
    assert!(stderr(&out).contains("--resume"), "{}", stderr(&out));
    assert_each_row_once(&wd, "people", 300);
    let out = wd.run(&[&SLOW[..], &["--resume"]].concat());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        column(&wd.read_csv("people.results.csv"), "action"),
        vec!["created"; 300]
    );
    assert_eq!(store_phones(&wd), sorted_phones(300));
}

#[test]
fn rows_written_without_their_channels_at_a_stop_get_them_on_resume_without_a_second_write() {
    // Each row has a home phone to add as a channel after its write; the
    // channel calls fail until the run stops.
    let wd = Workdir::with_sim(Workdir::sim_config());
    let mut rows = vec![vec![
        "phone".to_string(),
        "home phone".to_string(),
        "first".to_string(),
    ]];
    rows.extend((0..6).map(|i| {
        vec![
            format!("(415) 555-{:04}", 100 + i),
            format!("(415) 555-{:04}", 200 + i),
            format!("P{i}"),
        ]
    }));
    wd.create("people.csv", &as_refs(&rows));
    let server = Hostile::proxy(wd.sim().url(), |r, up| {
        if r.method == "GET" && r.path.ends_with("/channels") {
            Reply::Json(503, r#"{"error":"down"}"#.into())
        } else {
            up.reply(r)
        }
    });
    let args = ["import", "people.csv", "--rate", "0", "--retries", "0"];
    let out = wd
        .command(&args)
        .env("HEYMARKET_BASE_URL", server.url())
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert_each_row_once(&wd, "people", 6);
    let codes = column(&wd.read_csv("people.errors.csv"), "_error_code");
    assert_eq!(codes, vec!["not_sent"; 6]);
    assert_eq!(stored_count(&wd), 6, "the contacts were written");

    let out = wd.run(&[&args[..], &["--resume"]].concat());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        column(&wd.read_csv("people.results.csv"), "action"),
        vec!["created"; 6]
    );
    for c in wd.sim().contacts() {
        assert_eq!(c["rev"], 1, "written once: {c}");
        let uuid = c["uuid"].as_str().unwrap();
        let phones: Vec<String> = crate::api::channels(&wd, uuid)
            .into_iter()
            .filter(|(t, _)| t == "phone")
            .map(|(_, v)| v)
            .collect();
        assert_eq!(
            phones.len(),
            2,
            "its own phone and its home phone: {phones:?}"
        );
    }
}

/// A run that fails before it sends anything leaves no journal, and a
/// journal that records nothing sent (a run killed before its first batch)
/// does not stop the next run (issue 22: a report that could not be
/// written, exit 2, left a journal; the next run refused with "stopped
/// before it finished").
#[test]
fn a_run_that_sent_nothing_leaves_no_journal_in_the_way() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    // A name whose reports' names are too long for the file system (255
    // bytes), but not the journal's: the run stops before sending.
    let stem = "p".repeat(245);
    let long = format!("{stem}.csv");
    wd.create(&long, &as_refs(&clean_rows(5)));
    for _ in 0..2 {
        let out = wd.run(&["import", &long, "--rate", "0"]);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert!(stderr(&out).contains("too long"), "{}", stderr(&out));
        assert!(!stderr(&out).contains("stopped before it finished"));
        assert_eq!(writes(&wd), 0, "nothing sent");
        assert!(
            !wd.path(&format!("{stem}.journal")).exists(),
            "no journal left"
        );
    }

    // A journal with its first line only: nothing to resume, removed.
    let header = json!({"journal": "hmbulk import", "version": 1}).to_string() + "\n";
    wd.create("people.csv", &as_refs(&clean_rows(5)));
    wd.create_bytes("people.journal", header.as_bytes());
    let out = wd.run(&["import", "people.csv", "--rate", "0"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stderr(&out).contains("stopped before it finished"));
    assert!(!wd.path("people.journal").exists());
    assert_eq!(store_phones(&wd), sorted_phones(5));
}

/// The resume rule "created since the import began" (issue 22: misfired in
/// create-mode trials while it allowed a minute of clock skew; the run's
/// start is now read on the API's clock, its `Date` headers, and kept in the
/// journal's header as `server_started`). Contacts stored just before a
/// `--mode create` run, holding exactly what the file says; the
/// run is killed while its first create call is in flight (journaled as
/// sent, not done); `--resume` settles the rows by a search. The stored
/// ones were not this import's creations: `skipped`, not `created`.
#[test]
fn resume_in_create_mode_does_not_claim_contacts_stored_just_before_the_run() {
    let wd = Workdir::with_sim(SimConfig {
        latency_ms: 1500,
        ..Workdir::sim_config()
    });
    let rows = clean_rows(6);
    wd.create("people.csv", &as_refs(&rows));
    // Rows 3 and 4 exist already (stored seconds ago), as the file has them;
    // they are the second batch, which create mode sends create first.
    let seeded: Vec<_> = rows[3..5]
        .iter()
        .map(|r| json!({"phone": digits_of(&r[2]), "first": r[0], "last": r[1], "email": r[3]}))
        .collect();
    wd.sim().seed(&seeded, false);
    let args = [
        "import",
        "people.csv",
        "--mode",
        "create",
        "--rate",
        "0",
        "--batch-size",
        "2",
        "--concurrency",
        "1",
    ];
    let mut child = start(&mut wd.command(&args));
    let t = Instant::now();
    while !std::fs::read_to_string(wd.path("people.journal"))
        .is_ok_and(|j| j.contains("[3,\"created\"]"))
    {
        assert!(t.elapsed() < Duration::from_secs(60), "no batch sent");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let mut resume = args.to_vec();
    resume.push("--resume");
    let out = wd.run(&resume);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let results = wd.read_csv("people.results.csv");
    assert_eq!(
        column(&results, "action"),
        [
            "created", "created", "skipped", "skipped", "created", "created"
        ],
        "{results:?}"
    );
}

/// The E.164 digits of a US phone as [`clean_rows`] writes it.
fn digits_of(phone: &str) -> String {
    let d: String = phone.chars().filter(char::is_ascii_digit).collect();
    if d.len() == 10 { format!("1{d}") } else { d }
}
