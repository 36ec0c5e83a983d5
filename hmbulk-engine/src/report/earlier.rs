//! What a run does with the files an earlier run left where its reports go
//! (README, "What hmbulk never does to your data"). Takes the run's
//! [`ReportPaths`] and the summary already beside them, read before anything
//! is written; before each report (and the mapping file) is put in place,
//! [`Earlier::make_room`] deals with the file there:
//!
//! - the one hmbulk wrote — its size and CRC-32 are those the earlier
//!   summary recorded ([`Stamp`]) — is replaced;
//! - any other — a person edited it since (an error report being fixed in
//!   a spreadsheet), or nothing says hmbulk wrote it — is kept, renamed
//!   `<name>.edited-<time>.<ext>` beside it, and a note says so;
//! - `status` and `delete` ([`Earlier::keep_runs`]): their reports are the
//!   record of what was done (a second `delete` finds nothing to delete),
//!   so an earlier run's whole set is kept, renamed `<stem>.<n>.*` with the
//!   first `n` free, unless `--overwrite`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::ReportPaths;
use crate::atomic_file::Stamp;
use crate::error::{Error, Result};

/// The earlier run's files where this run's reports go.
#[derive(Debug)]
pub struct Earlier {
    paths: ReportPaths,
    /// Size and CRC-32 of each report the earlier summary recorded, by name.
    stamps: BTreeMap<String, Stamp>,
    /// Keep every earlier report, numbered (`status`, `delete`).
    keep_runs: bool,
    /// The earlier run's set was numbered already.
    numbered: bool,
    /// What was kept, and where, for the summary's notes.
    notes: Vec<String>,
}

impl Earlier {
    /// What the summary at `paths.summary` recorded, if anything.
    pub fn read(paths: &ReportPaths) -> Earlier {
        let stamps = std::fs::read(&paths.summary)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Recorded>(&bytes).ok())
            .map(|r| r.report_files)
            .unwrap_or_default();
        Earlier {
            paths: paths.clone(),
            stamps,
            keep_runs: false,
            numbered: false,
            notes: Vec::new(),
        }
    }

    /// Keep every earlier report, numbered, instead of replacing those
    /// hmbulk wrote (`status` and `delete` without `--overwrite`).
    pub fn keep_runs(mut self, keep: bool) -> Earlier {
        self.keep_runs = keep;
        self
    }

    /// Before a report is put at `path`: keep the file there unless it is
    /// the one hmbulk wrote (see the module's doc).
    pub fn make_room(&mut self, path: &Path) -> Result<()> {
        // The summary is hmbulk's own (it records the others).
        if !path.is_file() || (path == self.paths.summary && !self.keep_runs) {
            return Ok(());
        }
        if self.keep_runs {
            return self.number_earlier_run();
        }
        let name = file_name(path);
        let ours = self
            .stamps
            .get(&name)
            .is_some_and(|want| Stamp::of_file(path).is_ok_and(|have| have == *want));
        if ours {
            return Ok(());
        }
        let kept = free_name(path, |n| edited_name(path, &time_now(), n));
        rename(path, &kept)?;
        self.notes.push(format!(
            "{name} was not as hmbulk wrote it (edited since?): kept as {}, and the new \
             report written in its place",
            file_name(&kept)
        ));
        Ok(())
    }

    /// The notes of the files kept so far (taken).
    pub fn take_notes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notes)
    }

    /// Rename the earlier run's reports to `<stem>.<n>.*`, `n` the first
    /// number none of them takes yet.
    fn number_earlier_run(&mut self) -> Result<()> {
        if self.numbered {
            return Ok(());
        }
        self.numbered = true;
        let p = &self.paths;
        let set = [&p.results, &p.errors, &p.summary, &p.mapping];
        let n = (1..)
            .find(|&n| set.iter().all(|path| !numbered(path, n).exists()))
            .unwrap_or(1);
        let mut kept = Vec::new();
        for path in set.into_iter().filter(|p| p.is_file()) {
            let to = numbered(path, n);
            rename(path, &to)?;
            kept.push(file_name(&to));
        }
        if !kept.is_empty() {
            self.notes.push(format!(
                "the reports of an earlier run were kept as {} (pass --overwrite to replace \
                 them instead)",
                kept.join(", ")
            ));
        }
        Ok(())
    }
}

/// The part of an earlier summary read here.
#[derive(serde::Deserialize)]
struct Recorded {
    #[serde(default)]
    report_files: BTreeMap<String, Stamp>,
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The local time, as it goes into a kept file's name.
fn time_now() -> String {
    chrono::Local::now().format("%Y%m%d-%H%M%S").to_string()
}

/// `people.errors.csv` → `people.errors.edited-<time>.csv` (`-2`, `-3` …
/// after the time when `n` > 1).
fn edited_name(path: &Path, time: &str, n: u32) -> PathBuf {
    let name = file_name(path);
    let (stem, ext) = name.rsplit_once('.').unwrap_or((&name, ""));
    let again = if n > 1 {
        format!("-{n}")
    } else {
        String::new()
    };
    let dot = if ext.is_empty() { "" } else { "." };
    path.with_file_name(format!("{stem}.edited-{time}{again}{dot}{ext}"))
}

/// `leavers.delete.results.csv` → `leavers.delete.<n>.results.csv`: the
/// number goes before the report's own two-part ending.
fn numbered(path: &Path, n: u32) -> PathBuf {
    let name = file_name(path);
    let cut = name
        .rmatch_indices('.')
        .nth(1)
        .map_or(name.len(), |(i, _)| i);
    path.with_file_name(format!("{}.{n}{}", &name[..cut], &name[cut..]))
}

/// The first of `candidate(1)`, `candidate(2)` … that does not exist.
fn free_name(path: &Path, candidate: impl Fn(u32) -> PathBuf) -> PathBuf {
    (1..1000)
        .map(&candidate)
        .find(|p| !p.exists())
        .unwrap_or_else(|| path.with_extension("kept"))
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|e| {
        Error::output(
            from,
            std::io::Error::new(
                e.kind(),
                format!(
                    "{e}; it was to be kept as {} before the new report took its place",
                    to.display()
                ),
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atomic_file::write_report_json;

    fn paths(dir: &Path) -> ReportPaths {
        ReportPaths::for_input(&dir.join("people.csv"), None)
    }

    #[test]
    fn names_of_kept_files() {
        let p = Path::new("/r/people.errors.csv");
        assert_eq!(
            edited_name(p, "20261120-101500", 1),
            Path::new("/r/people.errors.edited-20261120-101500.csv")
        );
        assert_eq!(
            edited_name(p, "20261120-101500", 2),
            Path::new("/r/people.errors.edited-20261120-101500-2.csv")
        );
        let d = Path::new("leavers.delete.results.csv");
        assert_eq!(numbered(d, 3), Path::new("leavers.delete.3.results.csv"));
        let m = Path::new("x/a.status.mapping.toml");
        assert_eq!(numbered(m, 1), Path::new("x/a.status.1.mapping.toml"));
    }

    #[test]
    fn a_report_as_written_is_replaced_and_an_edited_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        std::fs::write(&p.results, "row,action\n1,created\n").unwrap();
        std::fs::write(&p.errors, "phone,_row\nbad,2\n").unwrap();
        let stamps: BTreeMap<String, Stamp> = [&p.results, &p.errors]
            .iter()
            .map(|path| (file_name(path), Stamp::of_file(path).unwrap()))
            .collect();
        write_report_json(&p.summary, &serde_json::json!({"report_files": stamps})).unwrap();
        // A person fixes the error report: one cell, same size.
        std::fs::write(&p.errors, "phone,_row\nBAD,2\n").unwrap();

        let mut earlier = Earlier::read(&p);
        earlier.make_room(&p.results).unwrap();
        earlier.make_room(&p.errors).unwrap();
        assert!(p.results.exists(), "ours: left to be replaced");
        assert!(!p.errors.exists(), "edited: moved out of the way");
        let kept: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("people.errors.edited-"))
            .collect();
        assert_eq!(kept.len(), 1);
        let kept_text = std::fs::read_to_string(dir.path().join(&kept[0])).unwrap();
        assert_eq!(kept_text, "phone,_row\nBAD,2\n");
        let notes = earlier.take_notes();
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].starts_with("people.errors.csv was not as hmbulk wrote it"),
            "{notes:?}"
        );
        assert!(notes[0].contains(&kept[0]), "{notes:?}");
        // No summary at all: nothing says hmbulk wrote it, so it is kept.
        std::fs::remove_file(&p.summary).unwrap();
        let mut earlier = Earlier::read(&p);
        earlier.make_room(&p.results).unwrap();
        assert!(!p.results.exists());
    }

    #[test]
    fn status_and_delete_keep_every_earlier_run_numbered() {
        let dir = tempfile::tempdir().unwrap();
        let p = ReportPaths::for_command(&dir.path().join("leavers.csv"), None, "delete");
        for round in 1..=2 {
            for path in [&p.results, &p.errors, &p.summary] {
                std::fs::write(path, format!("run {round}")).unwrap();
            }
            let mut earlier = Earlier::read(&p).keep_runs(true);
            earlier.make_room(&p.results).unwrap();
            earlier.make_room(&p.errors).unwrap();
            assert!(!p.results.exists() && !p.errors.exists() && !p.summary.exists());
            let note = earlier.take_notes().join("");
            assert!(
                note.contains(&format!("leavers.delete.{round}.results.csv")),
                "{note}"
            );
        }
        let first = dir.path().join("leavers.delete.1.errors.csv");
        assert_eq!(std::fs::read_to_string(first).unwrap(), "run 1");
        let second = dir.path().join("leavers.delete.2.summary.json");
        assert_eq!(std::fs::read_to_string(second).unwrap(), "run 2");
    }
}
