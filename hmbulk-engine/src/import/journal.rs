//! An import's journal: takes the run's [`Plan`] and the journal's path
//! beside the reports; gives the check made before anything is sent
//! (`--resume`, `--restart`, or stop and say so), and the journal opened or
//! started with the options a resumed run must share.

use std::path::Path;

use super::Plan;
use crate::error::{Error, Result};
use crate::input::workbook::Sheet;
use crate::journal::{self, Header, InputId, Journal, Resume};
use crate::mapping::{self, Mapping, Settings};

/// Before anything is sent: a journal beside the reports means a run
/// stopped. `--resume` goes on with it, `--restart` deletes it, and
/// without either the run stops here and says so.
pub(super) fn check_journal(args: &Plan, shown: &Path, path: &Path) -> Result<()> {
    let exists = path.exists();
    let file = shown.display();
    if args.resume && !exists {
        return Err(Error::usage(format!(
            "nothing to resume: there is no {} (a finished run removes its journal; a run \
             with --report-dir keeps it there, so pass the same --report-dir); run without \
             --resume to import {file}",
            path.display()
        )));
    }
    if !exists || args.resume {
        return Ok(());
    }
    // A run killed before its first batch: nothing was sent, nothing to
    // resume (a live run still holds the lock: `remove` says so).
    if args.restart || journal::sent_nothing(path) {
        return journal::remove(path);
    }
    let began = journal::started(path)
        .map(|t| format!(" (begun {t})"))
        .unwrap_or_default();
    Err(Error::usage(format!(
        "a run importing {file}{began} stopped before it finished: {} says what it sent. \
         Run `{}` to finish it (with the same options), or add --restart to start over \
         (or delete {})",
        path.display(),
        args.resume_command,
        path.display()
    )))
}

/// The options that decide row outcomes, which a resumed run must share.
pub(super) fn journal_settings(
    args: &Plan,
    mapping: &Mapping,
    settings: &Settings,
    sheet: Option<&Sheet>,
) -> std::collections::BTreeMap<String, String> {
    let rendered = mapping::render(mapping, settings);
    let sheet = sheet.map(|s| ("sheet", format!("{}:{}", s.index, s.name)));
    [
        ("mode", args.mode.to_string()),
        ("api", args.api.to_string()),
        ("on_duplicate", args.on_duplicate.to_string()),
        ("blank", args.blank.to_string()),
        ("create_tags", args.create_tags.to_string()),
        ("channels", args.channels.to_string()),
        (
            "tags",
            settings.tags_mode.clone().unwrap_or_else(|| "add".into()),
        ),
        ("mapping", journal::digest(rendered.as_bytes())),
    ]
    .into_iter()
    .chain(sheet)
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Start this run's journal (`server_now`: the API's clock, when an answer
/// said it), or open the stopped run's (`--resume`) after
/// checking that the file and the options are the same.
pub(super) fn open_journal(
    args: &Plan,
    file: &Path,
    path: &Path,
    options: std::collections::BTreeMap<String, String>,
    server_now: Option<i64>,
) -> Result<(Option<Journal>, Option<Resume>)> {
    let input = InputId::of(file)?;
    let header = |input, options| Header::new(input, options).on_server_clock(server_now);
    if args.resume {
        let (journal, resume) = Journal::resume(path)?;
        let Some(resume) = resume else {
            // Stopped before its first line was written: nothing was sent.
            journal.begin(&header(input, options))?;
            return Ok((Some(journal), None));
        };
        resume.check_input(&input, path)?;
        resume.check_settings(&options, path)?;
        Ok((Some(journal), Some(resume)))
    } else {
        let journal = Journal::create(path, &header(input, options))?;
        Ok((Some(journal), None))
    }
}
