//! A stopped import, seen from the command line: what is printed after a
//! stop (the rows left and the command line that finishes the file), and
//! that command line.

use std::path::Path;

use crate::cmd::fix_line::shell_quote;
use hmbulk_engine::batch::Halt;
use hmbulk_engine::pipeline;

/// After a stop: how many rows were left, and the command that finishes
/// the file.
pub(super) fn print_stop(result: &pipeline::RunResult, journal: Option<&Path>) {
    let s = &result.summary;
    let count = |code: &str| s.errors_by_code.get(code).copied().unwrap_or(0);
    match &result.fatal {
        Some(e) => say!(
            "hmbulk: stopped: {}",
            hmbulk_engine::redact::clean(&e.to_string())
        ),
        None => say!("hmbulk: stopped: interrupted (Ctrl-C)"),
    }
    let (not_sent, unconfirmed) = (count("not_sent"), count("unconfirmed"));
    let mut left = format!("{not_sent} rows were not sent (not_sent)");
    if unconfirmed > 0 {
        left += &format!(
            " and {unconfirmed} were sent but not confirmed (unconfirmed: may or may not be stored)"
        );
    }
    say!("hmbulk: {left}; every row of the file is in the reports.");
    let when = match &result.fatal {
        Some(Halt::Journal(_)) => "once there is room for the journal again, ",
        Some(Halt::Api(_)) => "once the API answers again, ",
        None => "",
    };
    match journal {
        Some(j) => say!(
            "hmbulk: {when}to finish the file, run:\n    {}\n(the journal {} remembers what \
             was sent; rows in flight are settled by a search, never created twice)",
            command_line("--resume"),
            j.display()
        ),
        None => say!(
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
