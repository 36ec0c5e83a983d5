//! `--html`: the run report page, end to end — what it says (counts by
//! outcome and error code, the first rows of each code as the error report
//! has them), that it loads nothing from anywhere, and that a browser
//! renders it (headless Chromium, where installed).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::test_import::{as_refs, clean_rows};
use crate::workdir::{Workdir, assert_each_row_once, can_run, code, column, stderr};

const CHROMIUM: &str = "/usr/bin/chromium";

/// 20 good rows, 3 with an invalid phone (one a would-be script), 1 bad email.
fn mixed(wd: &Workdir) {
    let mut rows = clean_rows(20);
    for (i, phone) in ["555-12", "<script>alert(1)</script>", "12"]
        .iter()
        .enumerate()
    {
        rows.push(vec![
            format!("Bad{i}"),
            "Phone".into(),
            phone.to_string(),
            String::new(),
        ]);
    }
    rows.push(vec![
        "Bad".into(),
        "Email".into(),
        "(415) 555-0199".into(),
        "nope@".into(),
    ]);
    wd.create("mixed.csv", &as_refs(&rows));
}

fn run_with_html(wd: &Workdir) -> String {
    mixed(wd);
    let out = wd.run(&["import", "mixed.csv", "--html"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("report:  mixed.report.html"),
        "{}",
        stderr(&out)
    );
    assert_each_row_once(wd, "mixed", 24);
    wd.read("mixed.report.html")
}

#[test]
fn the_page_shows_the_runs_counts_codes_and_first_rows() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let html = run_with_html(&wd);
    assert!(html.contains("<h1>mixed.csv</h1>"));
    assert!(html.contains("Finished: 4 of 24 rows failed"), "{html}");
    assert!(html.contains("<li><i class=\"created\"></i>created <b>20</b></li>"));
    assert!(html.contains("<li><i class=\"failed\"></i>failed <b>4</b></li>"));
    // Every code of the error report, with its count and its rows.
    let errors = wd.read_csv("mixed.errors.csv");
    let codes = column(&errors, "_error_code");
    let rows = column(&errors, "_row");
    assert_eq!(codes.iter().filter(|c| *c == "phone_invalid").count(), 3);
    for code in ["phone_invalid", "email_invalid"] {
        let n = codes.iter().filter(|c| *c == code).count();
        assert!(html.contains(&format!("<h3 id=\"code-{code}\">")), "{code}");
        assert!(
            html.contains(&format!(
                "<a href=\"#code-{code}\"><code>{code}</code></a></td><td class=\"n\">{n}</td>"
            )),
            "{code} counted"
        );
    }
    for row in rows {
        assert!(
            html.contains(&format!("<td class=\"n\">{row}</td>")),
            "row {row} shown"
        );
    }
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "escaped"
    );
    assert!(!html.contains("<script"));
    // Requests were made: a short run says so instead of a chart.
    assert!(html.contains("requests"));
    assert!(
        html.contains("<a href=\"mixed.errors.csv\">"),
        "links to the reports beside it"
    );
    assert_loads_nothing(&html);
}

#[test]
fn validate_html_and_stdin_name_the_page_like_the_reports() {
    let wd = Workdir::new();
    mixed(&wd);
    let mut cmd = wd.command(&["validate", "-", "--html", "--report-dir", "out"]);
    cmd.stdin(std::fs::File::open(wd.path("mixed.csv")).unwrap());
    let out = cmd.output().unwrap();
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let html = wd.read("out/stdin.report.html");
    assert!(html.contains("<p class=\"kicker\">hmbulk validate</p><h1>&lt;stdin&gt;</h1>"));
    assert!(html.contains("Checked: 4 of 24 rows would fail"), "{html}");
    assert!(html.contains("dry run: nothing sent"));
    assert_loads_nothing(&html);
}

/// An input named like a URL (issue 22): the page's links to the reports
/// are percent-encoded relative paths that lead to the files beside it,
/// never `http://evil.example.results.csv/` or a `javascript:` link.
#[test]
fn links_from_a_name_like_a_url_lead_to_the_files_beside_the_page() {
    for name in [
        "http:evil.example.csv",
        "javascript:alert(1).csv",
        "a b#c?d%e&f\"g.csv",
        "//host.csv",
    ] {
        let wd = Workdir::new();
        let file = name.replace('/', "_");
        std::fs::copy(wd.create("x.csv", &as_refs(&clean_rows(3))), wd.path(&file)).unwrap();
        let out = wd.run(&["validate", &file, "--html"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let stem = file.strip_suffix(".csv").unwrap();
        let html = wd.read(&format!("{stem}.report.html"));
        assert_loads_nothing(&html);
        let targets: Vec<&str> = html
            .split("<a href=\"")
            .skip(1)
            .map(|l| &l[..l.find('"').unwrap()])
            .filter(|t| !t.starts_with('#'))
            .collect();
        assert_eq!(targets.len(), 4, "{targets:?}");
        for target in targets {
            let decoded = percent_decode(&target.replace("&amp;", "&"));
            assert!(
                decoded.starts_with(stem) && wd.path(&decoded).is_file(),
                "{name}: {target} is not a file beside the page"
            );
            assert!(!target.contains(':'), "{target}");
        }
    }
}

/// `%XX` sequences decoded (a relative link as a browser resolves it).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// A Content-Security-Policy that forbids loading anything, and nothing
/// that would: no URL with a scheme, no `src`, `url(`, `@import`, script
/// or stylesheet link; links only within the page or to a file beside it.
fn assert_loads_nothing(html: &str) {
    assert!(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""));
    for banned in [
        "://", "src=", "url(", "@import", "<script", "<link", "<img", "<iframe",
    ] {
        assert!(!html.contains(banned), "{banned} in the page");
    }
    for link in html.split("href=\"").skip(1) {
        let target = &link[..link.find('"').unwrap()];
        assert!(
            !target.contains(':') && !target.contains('/'),
            "link out: {target}"
        );
    }
}

/// Chromium renders the page: its DOM has the counts, and a screenshot of
/// 1200x1600 is a real picture. Needs Chromium (`.ci/run` installs it; under
/// `CI=true` a machine without it fails the test).
#[test]
fn chromium_renders_the_page() {
    if !can_run(
        Path::new(CHROMIUM).exists(),
        &format!("{CHROMIUM} is not installed (apt-get install -y chromium)"),
    ) {
        return;
    }
    let wd = Workdir::with_sim(Workdir::sim_config());
    run_with_html(&wd);
    let page = wd.path("mixed.report.html");
    let dom = chromium(&wd, &page, "--dump-dom");
    let text = String::from_utf8_lossy(&dom.stdout);
    assert!(text.contains("Finished: 4 of 24 rows failed"), "{text}");
    assert!(text.contains("phone_invalid"));

    let png = wd.path("report.png");
    let out = chromium(&wd, &page, &format!("--screenshot={}", png.display()));
    assert!(
        png.is_file(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((width, height), (1200, 1600));
    // A blank page of that size compresses to a few kB; text, tables and
    // colours take far more.
    assert!(
        bytes.len() > 40_000,
        "{} bytes: is the page blank?",
        bytes.len()
    );
    if let Some(dir) = std::env::var_os("HMBULK_SCREENSHOT_DIR") {
        std::fs::copy(&png, PathBuf::from(dir).join("report-screenshot.png")).unwrap();
    }
}

fn chromium(wd: &Workdir, page: &Path, action: &str) -> std::process::Output {
    Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1200,1600",
        ])
        .arg(format!(
            "--user-data-dir={}",
            wd.path("chromium-profile").display()
        ))
        .arg(action)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs")
}
