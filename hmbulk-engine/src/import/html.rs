//! `--html` for `import` and `validate`: what the run report's timeline
//! samples while the pipeline runs, and the page written beside the other
//! reports at the end (the page itself is [`crate::report_html`]).

use std::path::{Path, PathBuf};

use crate::api::Client;
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::report::Summary;
use crate::report_html::{self, Counters, EXAMPLES_PER_CODE, ErrorExamples, RunReport, Timeline};

/// The counters the run report's timeline samples.
pub(crate) fn counters(progress: &Progress, client: Option<&Client>) -> Counters {
    use std::sync::atomic::Ordering::Relaxed;
    let (rows_done, rows_failed) = progress.decided();
    Counters {
        rows_done,
        rows_failed,
        requests: client.map_or(0, Client::requests),
        retries: client.map_or(0, |c| c.stats.retries.load(Relaxed)),
        rate_limited: client.map_or(0, |c| c.stats.rate_limited.load(Relaxed)),
    }
}

/// `<stem>.report.html` beside the summary of a run of `command` on
/// `input`; gives its path.
pub(crate) fn write(
    command: &str,
    input: &Path,
    s: &Summary,
    timeline: &Timeline,
) -> Result<PathBuf> {
    let Some(paths) = &s.reports else {
        return Err(Error::fatal("internal error: the run wrote no reports"));
    };
    let examples = ErrorExamples::read(&paths.errors, EXAMPLES_PER_CODE)?;
    let path = report_html::path_for(&paths.summary);
    let finished_at = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
    report_html::write(
        &path,
        &RunReport {
            command,
            input: &input.display().to_string(),
            summary: s,
            timeline,
            examples: &examples,
            finished_at: &finished_at,
            version: env!("CARGO_PKG_VERSION"),
        },
    )?;
    Ok(path)
}
