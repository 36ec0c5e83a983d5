//! A stopped import's journal, seen from the command line. Takes the
//! command's [`Args`] and the journal's path beside the reports; gives the
//! check made before anything is sent (`--resume`, `--restart`, or stop and
//! say so), the journal opened or started with the options a resumed run must
//! share, and what is printed after a stop: the rows left and the command
//! line that finishes the file.

use std::path::Path;

use super::Args;
use crate::cmd::fix_line::shell_quote;
use hmbulk_engine::batch::Halt;
use hmbulk_engine::error::{Error, Result};
use hmbulk_engine::input::workbook::Sheet;
use hmbulk_engine::journal::{self, Header, InputId, Journal, Resume};
use hmbulk_engine::mapping::{self, Mapping, Settings};
use hmbulk_engine::pipeline;

/// Before anything is sent: a journal beside the reports means a run
/// stopped. `--resume` goes on with it, `--restart` deletes it, and
/// without either the run stops here and says so.
pub(super) fn check_journal(args: &Args, shown: &Path, path: &Path) -> Result<()> {
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
        command_line("--resume"),
        path.display()
    )))
}

/// The options that decide row outcomes, which a resumed run must share.
pub(super) fn journal_settings(
    args: &Args,
    mapping: &Mapping,
    settings: &Settings,
    sheet: Option<&Sheet>,
) -> std::collections::BTreeMap<String, String> {
    let rendered = mapping::render(mapping, settings);
    let sheet = sheet.map(|s| ("sheet", format!("{}:{}", s.index, s.name)));
    [
        ("mode", args.mode.to_string()),
        ("api", args.api.to_string()),
        ("on_duplicate", args.input.on_duplicate.to_string()),
        ("blank", args.blank.to_string()),
        ("create_tags", args.input.create_tags.to_string()),
        ("channels", (!args.no_channels).to_string()),
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

/// Start this run's journal, or open the stopped run's (`--resume`) after
/// checking that the file and the options are the same.
pub(super) fn open_journal(
    args: &Args,
    file: &Path,
    path: &Path,
    options: std::collections::BTreeMap<String, String>,
) -> Result<(Option<Journal>, Option<Resume>)> {
    let input = InputId::of(file)?;
    if args.resume {
        let (journal, resume) = Journal::resume(path)?;
        let Some(resume) = resume else {
            // Stopped before its first line was written: nothing was sent.
            journal.begin(&Header::new(input, options))?;
            return Ok((Some(journal), None));
        };
        resume.check_input(&input, path)?;
        resume.check_settings(&options, path)?;
        Ok((Some(journal), Some(resume)))
    } else {
        let journal = Journal::create(path, &Header::new(input, options))?;
        Ok((Some(journal), None))
    }
}

/// After a stop: how many rows were left, and the command that finishes
/// the file.
pub(super) fn print_stop(result: &pipeline::RunResult, journal: Option<&Path>) {
    let s = &result.summary;
    let count = |code: &str| s.errors_by_code.get(code).copied().unwrap_or(0);
    match &result.fatal {
        Some(e) => eprintln!(
            "hmbulk: stopped: {}",
            hmbulk_engine::redact::clean(&e.to_string())
        ),
        None => eprintln!("hmbulk: stopped: interrupted (Ctrl-C)"),
    }
    let (not_sent, unconfirmed) = (count("not_sent"), count("unconfirmed"));
    let mut left = format!("{not_sent} rows were not sent (not_sent)");
    if unconfirmed > 0 {
        left += &format!(
            " and {unconfirmed} were sent but not confirmed (unconfirmed: may or may not be stored)"
        );
    }
    eprintln!("hmbulk: {left}; every row of the file is in the reports.");
    let when = match &result.fatal {
        Some(Halt::Journal(_)) => "once there is room for the journal again, ",
        Some(Halt::Api(_)) => "once the API answers again, ",
        None => "",
    };
    match journal {
        Some(j) => eprintln!(
            "hmbulk: {when}to finish the file, run:\n    {}\n(the journal {} remembers what \
             was sent; rows in flight are settled by a search, never created twice)",
            command_line("--resume"),
            j.display()
        ),
        None => eprintln!(
            "hmbulk: to finish the file, import the error report again: hmbulk import {}",
            s.reports
                .as_ref()
                .map(|r| r.errors.display().to_string())
                .unwrap_or_default()
        ),
    }
}

/// This command line again with `flag` in place of `--resume`/`--restart`,
/// quoted for a POSIX shell.
pub(super) fn command_line(flag: &str) -> String {
    let mut words = vec!["hmbulk".to_string()];
    words.extend(
        std::env::args()
            .skip(1)
            .filter(|a| a != "--resume" && a != "--restart")
            .map(|a| shell_quote(&a)),
    );
    words.push(flag.to_string());
    words.join(" ")
}
