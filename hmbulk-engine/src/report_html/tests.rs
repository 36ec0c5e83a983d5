use super::*;
use crate::outcome::{Action, ErrorCode, RowError, RowOutcome, RowResult};
use crate::report::{Dialect, ReportPaths, Reporter};

fn done(row: u64, action: Action) -> RowOutcome {
    RowOutcome {
        row,
        phone_raw: format!("(415) 555-{row:04}"),
        result: RowResult::Done {
            action,
            phone: format!("1415555{row:04}"),
            name: format!("Person {row}"),
            email: String::new(),
            id: Some(row as i64),
            uuid: None,
        },
    }
}

fn failed(row: u64, code: ErrorCode, cells: &[&str]) -> RowOutcome {
    RowOutcome {
        row,
        phone_raw: String::new(),
        result: RowResult::Failed {
            error: RowError::new(code, format!("row {row} is wrong <here>")),
            cells: cells.iter().map(|c| c.to_string()).collect(),
        },
    }
}

/// A run's reports in `dir`: 6 created, 2 updated, 9 phone_invalid (one
/// with a cell that tries to run a script), 1 email_invalid with a
/// formula-guarded cell and an extra cell.
fn run_in(dir: &Path) -> Summary {
    let paths = ReportPaths::for_input(&dir.join("people.csv"), None);
    let headers: Vec<String> = ["Phone", "Name", "Email"].map(String::from).to_vec();
    let mut reporter = Reporter::create(
        paths,
        &headers,
        Dialect {
            bom: true,
            ..Dialect::PLAIN
        },
    )
    .unwrap();
    let mut row = 0;
    let mut next = || {
        row += 1;
        row
    };
    for _ in 0..6 {
        reporter.record(done(next(), Action::Created)).unwrap();
    }
    for _ in 0..2 {
        reporter.record(done(next(), Action::Updated)).unwrap();
    }
    let r = next();
    reporter
        .record(failed(
            r,
            ErrorCode::PhoneInvalid,
            &["<script>alert(1)</script>", "Eve", ""],
        ))
        .unwrap();
    for _ in 0..8 {
        let r = next();
        reporter
            .record(failed(r, ErrorCode::PhoneInvalid, &["12", "Bob", ""]))
            .unwrap();
    }
    let r = next();
    reporter
        .record(failed(
            r,
            ErrorCode::EmailInvalid,
            &["4155550100", "Ann", "=HYPERLINK(\"x\")", "extra"],
        ))
        .unwrap();
    reporter.summary.mode = "upsert".into();
    reporter.summary.api = "v2".into();
    reporter.summary.requests = 3;
    reporter.summary.notes.push("a note & more".into());
    reporter.finish().unwrap()
}

fn timeline() -> Timeline {
    let at = |t_s: f64, rows_done: u64, requests: u64| Sample {
        t_s,
        counters: Counters {
            rows_done,
            requests,
            ..Counters::default()
        },
    };
    Timeline {
        samples: vec![
            at(0.0, 0, 0),
            at(1.0, 10, 2),
            at(2.0, 14, 2),
            at(2.4, 18, 3),
        ],
    }
}

fn page(dir: &Path) -> (Summary, String) {
    let summary = run_in(dir);
    let examples =
        ErrorExamples::read(&summary.reports.as_ref().unwrap().errors, EXAMPLES_PER_CODE).unwrap();
    let html = render(&RunReport {
        command: "import",
        input: "people.csv",
        summary: &summary,
        timeline: &timeline(),
        examples: &examples,
        finished_at: "2026-11-30 07:40 UTC",
        version: "0.1.0",
    });
    (summary, html)
}

#[test]
fn examples_are_the_first_rows_of_each_code_as_the_input_had_them() {
    let dir = tempfile::tempdir().unwrap();
    let summary = run_in(dir.path());
    let ex = ErrorExamples::read(&summary.reports.unwrap().errors, 5).unwrap();
    assert_eq!(ex.columns, ["Phone", "Name", "Email"], "BOM removed");
    assert_eq!(ex.by_code["phone_invalid"].len(), 5);
    assert_eq!(ex.by_code["phone_invalid"][0].row, "9");
    assert_eq!(
        ex.by_code["phone_invalid"][0].cells[0],
        "<script>alert(1)</script>"
    );
    let email = &ex.by_code["email_invalid"][0];
    assert_eq!(email.row, "18");
    assert_eq!(email.message, "row 18 is wrong <here>");
    assert_eq!(
        email.cells,
        ["4155550100", "Ann", "=HYPERLINK(\"x\")", "extra"],
        "unguarded, extra cell kept"
    );
}

#[test]
fn a_reimport_with_every_row_unchanged_fills_the_outcome_bar() {
    let summary = Summary {
        rows_read: 40,
        rows_ok: 40,
        unchanged: 40,
        ..Summary::default()
    };
    let html = render(&RunReport {
        command: "import",
        input: "people.csv",
        summary: &summary,
        timeline: &timeline(),
        examples: &ErrorExamples::default(),
        finished_at: "2026-11-30 07:40 UTC",
        version: "0.1.0",
    });
    assert!(html.contains("<li><i class=\"unchanged\"></i>unchanged <b>40</b></li>"));
    assert!(
        html.contains("class=\"unchanged\" style=\"width:100.000%\""),
        "{html}"
    );
    assert!(!html.contains("NaN"));
}

#[test]
fn the_page_shows_counts_codes_and_first_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (summary, html) = page(dir.path());
    assert_eq!(summary.rows_read, 18);
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("Finished: 10 of 18 rows failed"), "{html}");
    assert!(html.contains("<li><i class=\"created\"></i>created <b>6</b></li>"));
    assert!(html.contains("<li><i class=\"updated\"></i>updated <b>2</b></li>"));
    assert!(html.contains("<li><i class=\"failed\"></i>failed <b>10</b></li>"));
    // Codes, most rows first, each linking to its rows.
    let invalid = html.find("<a href=\"#code-phone_invalid\">").unwrap();
    let email = html.find("<a href=\"#code-email_invalid\">").unwrap();
    assert!(invalid < email, "the code with most rows first");
    assert!(html.contains("<h3 id=\"code-phone_invalid\">"));
    assert!(html.contains("9 rows, the first 5"));
    assert!(html.contains("4 more in people.errors.csv"));
    assert!(
        html.contains("<td class=\"n\">18</td>"),
        "email_invalid's row"
    );
    // Charts: one line per series with points.
    assert!(html.contains("class=\"line rows\""));
    assert!(html.contains("class=\"line requests\""));
    assert!(html.contains("a note &amp; more"));
}

#[test]
fn text_from_the_file_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html) = page(dir.path());
    assert!(!html.contains("<script"), "no script at all");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("row 9 is wrong &lt;here&gt;"));
    assert!(html.contains("=HYPERLINK(&quot;x&quot;)"));
}

#[test]
fn the_page_loads_nothing_from_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html) = page(dir.path());
    assert_self_contained(&html);
}

/// No URL with a scheme or a host, no `src`, `url(` or `@import`, and a
/// Content-Security-Policy that forbids loading anything.
pub(super) fn assert_self_contained(html: &str) {
    assert!(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""));
    for banned in [
        "http://", "https://", "src=", "url(", "@import", "<script", "<link",
    ] {
        assert!(!html.contains(banned), "{banned} in the page");
    }
    for href in html.split("href=\"").skip(1) {
        let target = &href[..href.find('"').unwrap()];
        assert!(
            target.starts_with('#') || !(target.contains(':') || target.starts_with("//")),
            "link out of the page: {target}"
        );
    }
}

#[test]
fn a_dry_run_and_a_run_without_rows_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let paths = ReportPaths::for_input(&dir.path().join("empty.csv"), None);
    let mut reporter = Reporter::create(paths, &["phone".to_string()], Dialect::PLAIN).unwrap();
    reporter.summary.dry_run = true;
    let summary = reporter.finish().unwrap();
    let html = render(&RunReport {
        command: "validate",
        input: "empty.csv",
        summary: &summary,
        timeline: &Timeline::default(),
        examples: &ErrorExamples::default(),
        finished_at: "now",
        version: "0.1.0",
    });
    assert!(html.contains("No data rows"), "{html}");
    assert!(html.contains("dry run: nothing sent"));
    assert!(html.contains("No timeline was recorded"));
    let short = Timeline {
        samples: timeline().samples[..2].to_vec(),
    };
    let html = render(&RunReport {
        timeline: &short,
        command: "validate",
        input: "empty.csv",
        summary: &summary,
        examples: &ErrorExamples::default(),
        finished_at: "now",
        version: "0.1.0",
    });
    assert!(
        html.contains("The run took 1s: too short to chart"),
        "{html}"
    );
    assert!(!html.contains("<svg"));
    assert!(!html.contains("Errors by code"));
    assert!(!html.contains("NaN"));
    assert_self_contained(&html);
}

#[test]
fn helpers() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1000), "1,000");
    assert_eq!(thousands(1234567), "1,234,567");
    assert_eq!(
        escape(r#"<a href="x">'&'</a>"#),
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    );
    assert_eq!(
        path_for(Path::new("out/people.summary.json")),
        Path::new("out/people.report.html")
    );
    assert_eq!(cut_cell("short"), "<td>short</td>");
    let long = "x".repeat(200);
    let cut = cut_cell(&long);
    assert!(cut.contains(&format!("title=\"{long}\"")));
    assert!(cut.contains(&format!(">{}…</td>", "x".repeat(CELL_CHARS - 1))));
}
