//! The run report people look at instead of reading (`--html`):
//! `<stem>.report.html`, one self-contained page — inline CSS and SVG, no
//! script, no font, image or link that leaves the file, and a
//! Content-Security-Policy that forbids loading anything. Takes the run's
//! [`Summary`], its [`Timeline`] and the first rows of each error code
//! ([`ErrorExamples`], read back from the error report); gives HTML.
//!
//! Shows: the outcome (status line, counts, a bar by action), the rows
//! failed by error code, rows/s and requests/s over time, the first rows of
//! each error code with their message and cells, the notes, and the reports'
//! names. Every text from the file or the server is HTML-escaped.
//!
//! Written with `format!` rather than a template engine: one page, one
//! escape function; a template crate would add a proc-macro build for it.

mod chart;
pub mod timeline;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::atomic_file::AtomicFile;
use crate::error::{Error, Result};
use crate::formula::unguard;
use crate::report::{META_COLUMNS, Summary};

use self::chart::{Series, duration, line_chart};
pub use self::timeline::{Counters, Sample, Timeline, sample_while};

/// Rows shown for each error code.
pub const EXAMPLES_PER_CODE: usize = 5;
/// Samples (start, one a second, end) a run needs for its charts.
const MIN_SAMPLES: usize = 4;
/// Most points a chart line has (longer runs are averaged into wider steps).
const MAX_POINTS: usize = 400;
/// Input cells longer than this are cut in the page (the title has them whole).
const CELL_CHARS: usize = 80;

/// `<stem>.report.html` beside `<stem>.summary.json`.
pub fn path_for(summary: &Path) -> PathBuf {
    let name = summary
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".summary.json").unwrap_or(&name);
    summary.with_file_name(format!("{stem}.report.html"))
}

/// One failed row, as the error report has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorExample {
    pub row: String,
    pub message: String,
    /// The input's cells (a long row's extra cells at the end).
    pub cells: Vec<String>,
}

/// The first rows of each error code in an error report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorExamples {
    /// The input's columns.
    pub columns: Vec<String>,
    pub by_code: BTreeMap<String, Vec<ErrorExample>>,
}

impl ErrorExamples {
    /// Read `errors_csv` (as [`crate::report::Reporter`] writes it, in any
    /// [`crate::report::Dialect`]) and keep
    /// the first `per_code` rows of each code, cells unguarded. Memory is
    /// bounded by `per_code` times the number of codes, whatever the size.
    pub fn read(errors_csv: &Path, per_code: usize) -> Result<ErrorExamples> {
        let failed = |e: String| {
            Error::fatal(format!(
                "cannot read back {} for the HTML report: {e}",
                errors_csv.display()
            ))
        };
        // Written in the input's dialect: its delimiter is the report's own.
        let mut head = Vec::new();
        std::fs::File::open(errors_csv)
            .and_then(|f| {
                std::io::Read::read_to_end(&mut std::io::Read::take(f, 64 << 10), &mut head)
            })
            .map_err(|e| failed(e.to_string()))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(crate::input::config::sniff_delimiter(&head))
            .from_path(errors_csv)
            .map_err(|e| failed(e.to_string()))?;
        let mut records = reader.records();
        let Some(header) = records.next() else {
            return Ok(ErrorExamples::default());
        };
        let header: Vec<String> = header
            .map_err(|e| failed(e.to_string()))?
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = if i == 0 {
                    h.trim_start_matches('\u{feff}')
                } else {
                    h
                };
                unguard(h).into_owned()
            })
            .collect();
        let meta = header
            .windows(META_COLUMNS.len())
            .position(|w| w == META_COLUMNS)
            .ok_or_else(|| failed("its header has no _row, _error_code, _error".into()))?;
        let mut examples = ErrorExamples {
            columns: header[..meta].to_vec(),
            by_code: BTreeMap::new(),
        };
        for record in records {
            let record = record.map_err(|e| failed(e.to_string()))?;
            let cell = |i: usize| unguard(record.get(i).unwrap_or_default()).into_owned();
            let rows = examples.by_code.entry(cell(meta + 1)).or_default();
            if rows.len() >= per_code {
                continue;
            }
            let mut cells: Vec<String> = (0..meta).map(cell).collect();
            cells.extend((meta + META_COLUMNS.len()..record.len()).map(cell));
            rows.push(ErrorExample {
                row: cell(meta),
                message: cell(meta + 2),
                cells,
            });
        }
        Ok(examples)
    }
}

/// What the page shows.
pub struct RunReport<'a> {
    /// `import` or `validate`.
    pub command: &'a str,
    /// The input as messages name it.
    pub input: &'a str,
    pub summary: &'a Summary,
    pub timeline: &'a Timeline,
    pub examples: &'a ErrorExamples,
    /// When the run ended, as shown (e.g. `2026-11-30 07:40 UTC`).
    pub finished_at: &'a str,
    /// The tool's version, for the footer.
    pub version: &'a str,
}

/// Write the page to `path`, atomically.
pub fn write(path: &Path, report: &RunReport) -> Result<()> {
    let mut file = AtomicFile::create(path, false)?;
    file.write_all(render(report).as_bytes())
        .map_err(|e| Error::output(path, e))?;
    file.commit()
}

/// HTML-escape `text` for an element or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `1 row`, `2 rows`, `1,000 rows`.
fn plural(n: u64, what: &str) -> String {
    match n {
        1 => format!("1 {what}"),
        _ => format!("{} {what}s", thousands(n)),
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// The page.
pub fn render(r: &RunReport) -> String {
    let s = r.summary;
    let mut h = String::with_capacity(32 * 1024);
    let title = format!("hmbulk {} — {}", r.command, r.input);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{CSS}</style></head><body><main>\n",
        escape(&title)
    );
    header(&mut h, r);
    cards(&mut h, s);
    outcome_bar(&mut h, s);
    errors_by_code(&mut h, s);
    charts(&mut h, r);
    examples(&mut h, r);
    notes(&mut h, s);
    footer(&mut h, r);
    h.push_str("</main></body></html>\n");
    h
}

fn header(h: &mut String, r: &RunReport) {
    let s = r.summary;
    let (class, status) = status(s);
    let mut meta = Vec::new();
    if s.dry_run {
        meta.push("dry run: nothing sent".to_string());
    } else {
        meta.push(format!("mode {}", s.mode));
        meta.push(format!("API {}", s.api));
    }
    meta.push(format!("{:.1} s", s.elapsed_s));
    meta.push(format!("{} rows/s", thousands(s.rows_per_s.round() as u64)));
    if !s.encoding.is_empty() {
        meta.push(format!("{}, delimiter “{}”", s.encoding, s.delimiter));
    }
    if let Some(layout) = &s.layout_name {
        meta.push(format!("layout: {layout}"));
    }
    meta.push(r.finished_at.to_string());
    let _ = writeln!(
        h,
        "<header><p class=\"kicker\">hmbulk {}</p><h1>{}</h1>\
         <p class=\"status {class}\">{}</p><p class=\"meta\">{}</p></header>",
        escape(r.command),
        escape(r.input),
        escape(&status),
        meta.iter()
            .map(|m| escape(m))
            .collect::<Vec<_>>()
            .join(" · ")
    );
}

/// The status line's class and text.
fn status(s: &Summary) -> (&'static str, String) {
    let of = |n: u64| format!("{} of {} rows", thousands(n), thousands(s.rows_read));
    if let Some(why) = &s.stopped {
        ("bad", format!("Stopped: {why}"))
    } else if s.rows_read == 0 {
        (
            "warn",
            "No data rows: the file has a header line only".into(),
        )
    } else if s.rows_failed > 0 && s.dry_run {
        ("warn", format!("Checked: {} would fail", of(s.rows_failed)))
    } else if s.rows_failed > 0 {
        ("warn", format!("Finished: {} failed", of(s.rows_failed)))
    } else if s.dry_run {
        (
            "ok",
            format!("Checked: all {} rows are valid", thousands(s.rows_read)),
        )
    } else {
        (
            "ok",
            format!("Finished: all {} rows succeeded", thousands(s.rows_read)),
        )
    }
}

fn cards(h: &mut String, s: &Summary) {
    let card = |h: &mut String, class: &str, n: u64, label: &str, sub: String| {
        let _ = write!(
            h,
            "<div class=\"card {class}\"><div class=\"num\">{}</div><div class=\"label\">{}</div>\
             <div class=\"sub\">{}</div></div>",
            thousands(n),
            escape(label),
            escape(&sub)
        );
    };
    h.push_str("<section class=\"cards\">");
    card(h, "", s.rows_read, "rows read", blank_lines(s));
    let ok = if s.dry_run { "valid" } else { "succeeded" };
    card(h, "ok", s.rows_ok, ok, String::new());
    card(h, "bad", s.rows_failed, "failed", codes_count(s));
    card(
        h,
        "",
        s.requests,
        "requests",
        format!(
            "{} retried · {} rate-limited",
            thousands(s.retries),
            thousands(s.rate_limited)
        ),
    );
    h.push_str("</section>\n");
}

fn blank_lines(s: &Summary) -> String {
    match s.blank_lines {
        0 => String::new(),
        1 => "1 blank line skipped".into(),
        n => format!("{} blank lines skipped", thousands(n)),
    }
}

fn codes_count(s: &Summary) -> String {
    match s.errors_by_code.len() {
        0 => String::new(),
        1 => "1 error code".into(),
        n => format!("{n} error codes"),
    }
}

fn outcome_bar(h: &mut String, s: &Summary) {
    let parts = [
        ("created", s.created),
        ("updated", s.updated),
        ("unchanged", s.unchanged),
        ("valid", s.valid),
        ("skipped", s.skipped),
        ("failed", s.rows_failed),
    ];
    let total: u64 = parts.iter().map(|p| p.1).sum();
    h.push_str("<section><h2>Outcome</h2><div class=\"bar\">");
    for (name, n) in parts.iter().filter(|p| p.1 > 0) {
        let _ = write!(
            h,
            "<span class=\"{name}\" style=\"width:{:.3}%\" title=\"{name}: {}\"></span>",
            *n as f64 * 100.0 / total as f64,
            thousands(*n)
        );
    }
    h.push_str("</div><ul class=\"legend\">");
    for (name, n) in parts.iter().filter(|p| p.1 > 0 || p.0 == "failed") {
        let _ = write!(
            h,
            "<li><i class=\"{name}\"></i>{name} <b>{}</b></li>",
            thousands(*n)
        );
    }
    h.push_str("</ul></section>\n");
}

fn errors_by_code(h: &mut String, s: &Summary) {
    if s.errors_by_code.is_empty() {
        return;
    }
    let mut codes: Vec<(&String, &u64)> = s.errors_by_code.iter().collect();
    codes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let top = *codes[0].1;
    h.push_str(
        "<section><h2>Errors by code</h2><table class=\"codes\">\
         <thead><tr><th>code</th><th class=\"n\">rows</th><th class=\"n\">share</th><th></th></tr></thead><tbody>",
    );
    for (code, n) in codes {
        let _ = write!(
            h,
            "<tr><td><a href=\"#code-{0}\"><code>{0}</code></a></td><td class=\"n\">{1}</td>\
             <td class=\"n\">{2:.1}%</td><td class=\"meter\"><span style=\"width:{3:.1}%\"></span></td></tr>",
            escape(code),
            thousands(*n),
            *n as f64 * 100.0 / s.rows_read.max(1) as f64,
            *n as f64 * 100.0 / top as f64
        );
    }
    h.push_str("</tbody></table></section>\n");
}

fn charts(h: &mut String, r: &RunReport) {
    let t = r.timeline;
    let x_max = t.duration();
    h.push_str("<section><h2>Over time</h2>");
    if t.samples.len() < 2 {
        h.push_str("<p class=\"empty\">No timeline was recorded for this run.</p></section>\n");
        return;
    }
    if t.samples.len() < MIN_SAMPLES {
        let _ = writeln!(
            h,
            "<p class=\"empty\">The run took {}: too short to chart \
             ({} rows/s on average, {} requests).</p></section>",
            duration(x_max),
            thousands(r.summary.rows_per_s.round() as u64),
            thousands(r.summary.requests)
        );
        return;
    }
    let rows = t.rates(|c| c.rows_done, MAX_POINTS);
    let failed = t.rates(|c| c.rows_failed, MAX_POINTS);
    let peak = rows.iter().map(|p| p.1).fold(0.0, f64::max);
    let _ = write!(
        h,
        "<figure><figcaption><b>Rows per second</b> \
         <span class=\"key\"><i class=\"rows\"></i>decided</span>\
         <span class=\"key\"><i class=\"failed\"></i>failed</span>\
         <span class=\"aside\">peak {} · average {} · {} in all</span></figcaption>{}</figure>",
        thousands(peak.round() as u64),
        thousands(r.summary.rows_per_s.round() as u64),
        duration(x_max),
        line_chart(
            "Rows decided and failed per second over the run",
            &[
                Series {
                    class: "rows",
                    points: &rows,
                },
                Series {
                    class: "failed",
                    points: &failed,
                },
            ],
            x_max,
        )
    );
    let last = t.samples.last().map(|s| s.counters).unwrap_or_default();
    if last.requests == 0 {
        let why = if r.summary.dry_run {
            "No requests to send: a dry run sends nothing."
        } else {
            "No requests were made."
        };
        let _ = writeln!(h, "<p class=\"empty\">{why}</p></section>");
        return;
    }
    let requests = t.rates(|c| c.requests, MAX_POINTS);
    let troubles = t.rates(|c| c.retries + c.rate_limited, MAX_POINTS);
    let _ = write!(
        h,
        "<figure><figcaption><b>Requests per second</b> \
         <span class=\"key\"><i class=\"requests\"></i>requests</span>\
         <span class=\"key\"><i class=\"troubles\"></i>retries and 429s</span>\
         <span class=\"aside\">{} requests · {} retried · {} rate-limited</span></figcaption>{}</figure>",
        thousands(last.requests),
        thousands(last.retries),
        thousands(last.rate_limited),
        line_chart(
            "Requests, retries and rate-limited answers per second over the run",
            &[
                Series {
                    class: "requests",
                    points: &requests,
                },
                Series {
                    class: "troubles",
                    points: &troubles,
                },
            ],
            x_max,
        )
    );
    h.push_str("</section>\n");
}

fn examples(h: &mut String, r: &RunReport) {
    let ex = r.examples;
    if ex.by_code.is_empty() {
        return;
    }
    let errors_file = r
        .summary
        .reports
        .as_ref()
        .map(|p| file_name(&p.errors))
        .unwrap_or_default();
    h.push_str("<section><h2>First rows of each error</h2>");
    // In the order of the codes' table: most rows first.
    let total = |code: &str| r.summary.errors_by_code.get(code).copied().unwrap_or(0);
    let mut codes: Vec<(&String, &Vec<ErrorExample>)> = ex.by_code.iter().collect();
    codes.sort_by(|a, b| total(b.0).cmp(&total(a.0)).then(a.0.cmp(b.0)));
    for (code, rows) in codes {
        let total = total(code);
        let _ = write!(
            h,
            "<h3 id=\"code-{0}\"><code>{0}</code> <span class=\"aside\">{1}{2}</span></h3>\
             <div class=\"scroll\"><table class=\"examples\"><thead><tr><th class=\"n\">row</th><th>error</th>",
            escape(code),
            plural(total, "row"),
            if total as usize > rows.len() {
                format!(", the first {}", rows.len())
            } else {
                String::new()
            }
        );
        let widest = rows.iter().map(|e| e.cells.len()).max().unwrap_or(0);
        for i in 0..widest {
            let name = ex.columns.get(i).map_or("(extra cell)", String::as_str);
            let _ = write!(h, "<th>{}</th>", escape(name));
        }
        h.push_str("</tr></thead><tbody>");
        for e in rows {
            let _ = write!(
                h,
                "<tr><td class=\"n\">{}</td><td class=\"msg\">{}</td>",
                escape(&e.row),
                escape(&e.message)
            );
            for i in 0..widest {
                let cell = e.cells.get(i).map_or("", String::as_str);
                h.push_str(&cut_cell(cell));
            }
            h.push_str("</tr>");
        }
        h.push_str("</tbody></table></div>");
        if total as usize > rows.len() {
            let _ = write!(
                h,
                "<p class=\"more\">{} more in {}</p>",
                thousands(total - rows.len() as u64),
                escape(&errors_file)
            );
        }
    }
    h.push_str("</section>\n");
}

/// A table cell, cut to [`CELL_CHARS`] with the whole text as its title.
fn cut_cell(cell: &str) -> String {
    if cell.chars().count() <= CELL_CHARS {
        return format!("<td>{}</td>", escape(cell));
    }
    let cut: String = cell.chars().take(CELL_CHARS - 1).collect();
    format!("<td title=\"{}\">{}…</td>", escape(cell), escape(&cut))
}

fn notes(h: &mut String, s: &Summary) {
    let ignored: Vec<String> = s
        .ignored_columns
        .iter()
        .map(|c| format!("column “{}” ignored: {}", c.column, c.reason))
        .collect();
    let notes: Vec<&String> = s.notes.iter().chain(ignored.iter()).collect();
    if notes.is_empty() {
        return;
    }
    h.push_str("<section><h2>Notes</h2><ul class=\"notes\">");
    for n in notes {
        let _ = write!(h, "<li>{}</li>", escape(n));
    }
    h.push_str("</ul></section>\n");
}

fn footer(h: &mut String, r: &RunReport) {
    let mut files = Vec::new();
    if let Some(paths) = &r.summary.reports {
        for path in [
            &paths.results,
            &paths.errors,
            &paths.summary,
            &paths.mapping,
        ] {
            let name = file_name(path);
            files.push(format!(
                "<a href=\"{}\"><code>{}</code></a>",
                escape(&href(&name)),
                escape(&name)
            ));
        }
    }
    let _ = writeln!(
        h,
        "<footer><p>Reports beside this page: {}.</p><p>Written by hmbulk {}: one page, \
         nothing loaded from anywhere.</p></footer>",
        files.join(" · "),
        escape(r.version)
    );
}

/// A relative link to the file `name` beside the page: every byte but
/// letters, digits and `-._~` percent-encoded, so that no name (a
/// `http:evil.example.csv`, a `javascript:…`) reads as a scheme, a host or
/// a query: a path relative to the page's folder.
fn href(name: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const KEEP: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    utf8_percent_encode(name, KEEP).to_string()
}

/// The file name of one of the run's reports (they sit beside the page).
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The page's style (inlined): system fonts, light and dark, print-friendly.
const CSS: &str = include_str!("style.css");

#[cfg(test)]
mod tests;
