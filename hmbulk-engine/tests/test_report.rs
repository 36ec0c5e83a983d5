//! The reporter on its own: spans of rows handed in out of order come out
//! in row order, and a row decided twice or never stops the reports.

use std::path::Path;

use hmbulk_engine::error::Error;
use hmbulk_engine::outcome::{Action, ErrorCode, RowError, RowOutcome, RowResult};
use hmbulk_engine::report::{Decided, Dialect, ReportPaths, Reporter, Written};

fn reporter(dir: &Path) -> Reporter {
    let paths = ReportPaths::for_input(&dir.join("in.csv"), None);
    let headers = ["phone".to_string(), "name".to_string(), "_row".to_string()];
    Reporter::create(paths, &headers, Dialect::PLAIN).unwrap()
}

fn failed(row: u64, code: ErrorCode) -> RowOutcome {
    RowOutcome {
        row,
        phone_raw: String::new(),
        result: RowResult::Failed {
            error: RowError::new(code, "why, \"exactly\""),
            cells: vec!["=1+1".into(), "Ann".into(), "7".into(), "extra".into()],
        },
    }
}

fn created(row: u64) -> RowOutcome {
    RowOutcome {
        row,
        phone_raw: "+1 415 555 0100".into(),
        result: RowResult::Done {
            action: Action::Created,
            phone: "14155550100".into(),
            name: "Lee, Ann".into(),
            email: "ann@example.com".into(),
            id: Some(9),
            uuid: Some("u-1".into()),
        },
    }
}

/// Spans handed in out of order, with outcomes out of order inside, come
/// out in row order; rows decided early are held only until then.
#[test]
fn spans_are_written_in_row_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = reporter(dir.path());
    let lines = r.lines();
    let mut late = Decided::default();
    lines.error(
        &mut late,
        4,
        ["x", "Bo"].into_iter(),
        ErrorCode::EmailInvalid,
        "bad",
    );
    let w = r.write_span(4..6, &mut late, vec![created(5)]).unwrap();
    assert_eq!(w, Written::default(), "rows 1-3 are still out");
    let mut early = Decided::default();
    lines.error(
        &mut early,
        2,
        ["y", "Cy"].into_iter(),
        ErrorCode::PhoneInvalid,
        "no",
    );
    let held = early.bytes();
    let w = r
        .write_span(
            1..4,
            &mut early,
            vec![created(3), failed(1, ErrorCode::NotSent)],
        )
        .unwrap();
    assert_eq!((w.ok, w.failed), (2, 3));
    assert!(w.released > held, "both spans' rows let go");
    let summary = r.finish().unwrap();
    assert_eq!((summary.rows_read, summary.created), (5, 2));
    assert_eq!(summary.errors_by_code["not_sent"], 1);
    let results = std::fs::read_to_string(dir.path().join("in.results.csv")).unwrap();
    assert_eq!(
        results,
        "row,phone_raw,phone,name,email,action,id,uuid,source_row\n\
         3,'+1 415 555 0100,14155550100,\"Lee, Ann\",ann@example.com,created,9,u-1,\n\
         5,'+1 415 555 0100,14155550100,\"Lee, Ann\",ann@example.com,created,9,u-1,\n"
    );
    let errors = std::fs::read_to_string(dir.path().join("in.errors.csv")).unwrap();
    assert_eq!(
        errors,
        "phone,name,_row,_error_code,_error\n\
         '=1+1,Ann,1,not_sent,\"why, \"\"exactly\"\"\",extra\n\
         y,Cy,2,phone_invalid,no\n\
         x,Bo,4,email_invalid,bad\n"
    );
}

#[test]
fn a_row_decided_twice_or_never_stops_the_reports() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = reporter(dir.path());
    r.record(created(1)).unwrap();
    assert!(matches!(r.record(created(1)), Err(Error::Fatal(_))));
    let mut none = Decided::default();
    let gap = r.write_span(2..4, &mut none, vec![created(2)]);
    assert!(matches!(gap, Err(Error::Fatal(_))), "row 3 missing");
    r.record(created(5)).unwrap();
    assert!(
        matches!(r.finish(), Err(Error::Fatal(_))),
        "rows 2-4 never came"
    );
}

/// A span of no rows, handed in ahead of the rows being written, is
/// nothing: the span that starts there later is written as usual.
#[test]
fn a_span_of_no_rows_stands_in_no_ones_way() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = reporter(dir.path());
    let w = r
        .write_span(3..3, &mut Decided::default(), Vec::new())
        .unwrap();
    assert_eq!((w.ok, w.failed), (0, 0));
    r.write_span(3..5, &mut Decided::default(), vec![created(3), created(4)])
        .unwrap();
    r.write_span(1..3, &mut Decided::default(), vec![created(2), created(1)])
        .unwrap();
    let nothing = r.write_span(9..9, &mut Decided::default(), vec![created(9)]);
    assert!(
        matches!(nothing, Err(Error::Fatal(_))),
        "a row outside its span"
    );
    let summary = r.finish().unwrap();
    assert_eq!((summary.rows_read, summary.created), (4, 4));
}
