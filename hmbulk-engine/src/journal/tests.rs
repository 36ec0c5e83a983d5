//! Tests of the journal: written, read back, cut short, damaged, refused.

use super::*;
use crate::outcome::{ErrorCode, RowError};

fn header() -> Header {
    let input = InputId {
        file: "people.csv".into(),
        size: 10,
        sha256: "ab".into(),
    };
    let settings = BTreeMap::from([("mode".to_string(), "upsert".to_string())]);
    Header::new(input, settings)
}

fn who() -> (String, String) {
    ("Ada Lovelace".into(), "ada@example.com".into())
}

fn created(row: u64, uuid: &str) -> RowOutcome {
    RowOutcome {
        row,
        phone_raw: "x".into(),
        result: RowResult::Done {
            action: Action::Created,
            phone: format!("1415555{row:04}"),
            name: who().0,
            email: who().1,
            id: Some(row as i64 + 100),
            uuid: Some(uuid.into()),
        },
    }
}

fn refused(row: u64) -> RowOutcome {
    RowOutcome {
        row,
        phone_raw: "x".into(),
        result: RowResult::Failed {
            error: RowError::new(ErrorCode::ApiRejected, "no \"way\""),
            cells: vec!["a".into()],
        },
    }
}

#[test]
fn a_journal_gives_back_each_row_decided_in_flight_or_fresh() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.journal");
    let j = Journal::create(&path, &header()).unwrap();
    j.sent(&[
        (1, Action::Created),
        (2, Action::Updated),
        (3, Action::Created),
    ])
    .unwrap();
    let uuid = "6f1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3";
    j.done(&[created(1, uuid), refused(3)]).unwrap();
    j.sent(&[(5, Action::Created)]).unwrap();
    j.done(&[created(5, "not-a-uuid")]).unwrap();
    drop(j);

    let (_j, r) = Journal::resume(&path).unwrap();
    let r = r.unwrap();
    assert_eq!(r.header, header_of(&path));
    assert_eq!((r.decided(), r.in_flight()), (3, 1));
    let RowState::Decided(d) = r.state(1) else {
        panic!("{:?}", r.state(1))
    };
    assert_eq!(d.outcome(1, "x".into(), who(), vec![]), created(1, uuid));
    let RowState::Decided(d) = r.state(5) else {
        panic!()
    };
    assert_eq!(
        d.outcome(5, "x".into(), who(), vec![]),
        created(5, "not-a-uuid")
    );
    let RowState::Decided(d) = r.state(3) else {
        panic!()
    };
    assert_eq!(
        d.outcome(3, "x".into(), who(), vec!["a".into()]),
        refused(3)
    );
    assert_eq!(r.state(2), RowState::InFlight(Action::Updated));
    assert_eq!(r.state(4), RowState::Fresh);
}

#[test]
fn a_row_sent_again_is_in_flight_with_its_last_action_and_the_start_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.journal");
    let h = header();
    let j = Journal::create(&path, &h).unwrap();
    let began = Began {
        at: chrono::DateTime::parse_from_rfc3339(&h.started)
            .unwrap()
            .timestamp(),
        server_clock: false,
    };
    assert_eq!(j.began_at(), Some(began));
    // Sent create first; 2 and 3 refused as existing; 3 then updated.
    j.sent(&[
        (1, Action::Created),
        (2, Action::Created),
        (3, Action::Created),
    ])
    .unwrap();
    j.sent(&[(2, Action::Unchanged), (3, Action::Unchanged)])
        .unwrap();
    j.sent(&[(3, Action::Updated)]).unwrap();
    drop(j);
    let (j, r) = Journal::resume(&path).unwrap();
    let r = r.unwrap();
    assert_eq!(r.state(1), RowState::InFlight(Action::Created));
    assert_eq!(r.state(2), RowState::InFlight(Action::Unchanged));
    assert_eq!(r.state(3), RowState::InFlight(Action::Updated));
    assert_eq!(j.began_at(), Some(began), "the first run's start");
}

fn header_of(path: &Path) -> Header {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(text.lines().next().unwrap()).unwrap()
}

#[test]
fn a_line_cut_short_by_a_crash_is_dropped_and_the_next_append_starts_clean() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.journal");
    let j = Journal::create(&path, &header()).unwrap();
    j.sent(&[(1, Action::Created)]).unwrap();
    drop(j);
    let mut f = OpenOptions::new().append(true).open(&path).unwrap();
    f.write_all(br#"{"done":[[1,"created","1415"#).unwrap();
    drop(f);
    let (j, r) = Journal::resume(&path).unwrap();
    assert_eq!(r.unwrap().state(1), RowState::InFlight(Action::Created));
    j.done(&[created(1, "u")]).unwrap();
    drop(j);
    let (_j, r) = Journal::resume(&path).unwrap();
    assert!(matches!(r.unwrap().state(1), RowState::Decided(_)));
    assert!(std::fs::read_to_string(&path).unwrap().ends_with("]]}\n"));
}

#[test]
fn damage_before_the_end_another_version_or_a_second_run_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.journal");
    let j = Journal::create(&path, &header()).unwrap();
    // A second run on the same journal while the first holds it.
    let err = Journal::resume(&path).err().unwrap();
    assert!(
        err.to_string().contains("in use by another hmbulk run"),
        "{err}"
    );
    j.sent(&[(1, Action::Created)]).unwrap();
    drop(j);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}garbage\n{{\"sent\":[]}}\n")).unwrap();
    let err = Journal::resume(&path).err().unwrap();
    assert!(err.to_string().contains("damaged at line 3"), "{err}");
    assert!(err.to_string().contains("--restart"), "{err}");
    std::fs::write(&path, text.replace("\"version\":1", "\"version\":9")).unwrap();
    let err = Journal::resume(&path).err().unwrap();
    assert!(err.to_string().contains("journal version 9"), "{err}");
    // A journal exists: a new one is not started over it.
    assert!(Journal::create(&path, &header()).is_err());
    // A header cut short: nothing was sent; the run begins afresh.
    std::fs::write(&path, &text[..20]).unwrap();
    let (j, r) = Journal::resume(&path).unwrap();
    assert!(r.is_none());
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
    j.begin(&header()).unwrap();
    j.sent(&[(1, Action::Created)]).unwrap();
    drop(j);
    assert!(Journal::resume(&path).unwrap().1.is_some());
}

/// A run that ends before it sent anything leaves no journal; a journal
/// left with no `sent` line (a run killed before its first batch) is one
/// [`sent_nothing`] names (issue 22).
#[test]
fn a_journal_that_records_nothing_sent_does_not_stay() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.journal");
    let j = Journal::create(&path, &header()).unwrap();
    assert!(!j.holds_sent());
    j.done(&[refused(1)]).unwrap();
    drop(j);
    assert!(!path.exists(), "removed when the run ended");

    let j = Journal::create(&path, &header()).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    j.sent(&[(1, Action::Created)]).unwrap();
    assert!(j.holds_sent());
    drop(j);
    assert!(path.exists(), "kept: a row was sent");
    assert!(!sent_nothing(&path));
    // Resumed, it is kept whatever the resumed run sends.
    let (j, _) = Journal::resume(&path).unwrap();
    drop(j);
    assert!(path.exists());

    for (left, nothing) in [
        (text.clone(), true),
        (String::new(), true),
        (format!("{text}{{\"done\":[]}}\n"), true),
        (format!("{text}{{\"sent\":[[1,\"created\"]]}}\n"), false),
        (format!("{text}{{\"sent\":[[1,\"cre"), false),
    ] {
        std::fs::write(&path, &left).unwrap();
        assert_eq!(sent_nothing(&path), nothing, "{left}");
    }
    assert!(!sent_nothing(&dir.path().join("none.journal")));
}

#[test]
fn a_changed_input_or_other_settings_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("people.csv");
    std::fs::write(&input, "phone\n14155550100\n").unwrap();
    let id = InputId::of(&input).unwrap();
    assert_eq!(id.size, 18);
    assert_eq!(id.sha256.len(), 64);
    let path = dir.path().join("people.journal");
    let settings = BTreeMap::from([("mode".to_string(), "upsert".to_string())]);
    let j = Journal::create(&path, &Header::new(id.clone(), settings.clone())).unwrap();
    j.sent(&[(1, Action::Created)]).unwrap();
    drop(j);
    let (_j, r) = Journal::resume(&path).unwrap();
    let r = r.unwrap();
    r.check_input(&id, &path).unwrap();
    r.check_settings(&settings, &path).unwrap();

    std::fs::write(&input, "phone\n14155550101\n").unwrap();
    let err = r
        .check_input(&InputId::of(&input).unwrap(), &path)
        .unwrap_err();
    assert!(err.to_string().contains("contents differ"), "{err}");
    std::fs::write(&input, "phone\n14155550100\n1\n").unwrap();
    let err = r
        .check_input(&InputId::of(&input).unwrap(), &path)
        .unwrap_err();
    assert!(err.to_string().contains("18 bytes and is 20 now"), "{err}");

    let other = BTreeMap::from([
        ("mode".to_string(), "create".to_string()),
        ("api".to_string(), "v1".to_string()),
    ]);
    let err = r.check_settings(&other, &path).unwrap_err().to_string();
    assert!(err.contains("mode was upsert and is create now"), "{err}");
    assert!(err.contains("api was (none) and is v1 now"), "{err}");
}

#[test]
fn a_decided_row_is_small() {
    assert!(std::mem::size_of::<(u64, Decided)>() <= 80);
}

#[test]
fn the_journal_sits_beside_the_reports_and_a_finished_run_removes_it() {
    let paths = ReportPaths::for_input(Path::new("in/people.csv"), Some(Path::new("out")));
    assert_eq!(path_for(&paths), Path::new("out/people.journal"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.journal");
    Journal::create(&path, &header()).unwrap().finish().unwrap();
    assert!(!path.exists());
}

#[test]
fn the_start_on_the_apis_clock_is_kept_and_preferred() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.journal");
    let h = header().on_server_clock(Some(1_796_457_600));
    let j = Journal::create(&path, &h).unwrap();
    let on_server = Began {
        at: 1_796_457_600,
        server_clock: true,
    };
    assert_eq!(j.began_at(), Some(on_server));
    j.sent(&[(1, Action::Created)]).unwrap();
    drop(j);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"server_started\":1796457600"), "{text}");
    let (j, _) = Journal::resume(&path).unwrap();
    assert_eq!(j.began_at(), Some(on_server), "the first run's, on resume");
    assert_eq!(on_server.earliest(), 1_796_457_600);
    let ours = Began {
        server_clock: false,
        ..on_server
    };
    assert_eq!(ours.earliest(), 1_796_457_600 - CLOCK_SKEW_SECS);
}
