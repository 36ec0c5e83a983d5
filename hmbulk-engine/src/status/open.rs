//! One `status` run, start to end, in three steps the command line can
//! speak between (as an import's, [`crate::import`]):
//!
//! 1. [`open`]: the file ([`crate::names_file`]) and its columns — those
//!    naming contacts and the status columns ([`StatusFile`]); nothing sent.
//!    The command shows them and may have a guessed plan confirmed or
//!    edited ([`Opened::remap`]).
//! 2. [`Opened::estimate`]: the reading of phones decided, and the file
//!    read once to count its rows and what they will cost ([`Estimate`]).
//! 3. [`Estimated::run`]: the reports, the progress, and every row
//!    ([`super::run`]); gives the [`RunResult`] whose fields decide the exit
//!    code.
//!
//! Nothing here prints.

use std::sync::atomic::AtomicBool;

use super::{Estimate, RESULT_COLUMNS, Settings, StatusFile};
use crate::api::Client;
use crate::error::Result;
use crate::input::InputFile;
use crate::mapping::MapFile;
use crate::names_file::{self, NamesPlan};
use crate::pipeline::RunResult;
use crate::progress::Progress;

/// What the command line asked of a `status` run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub file: NamesPlan,
    pub settings: Settings,
    /// Progress on stderr even when it is not a terminal; none when `quiet`.
    pub progress: bool,
    pub quiet: bool,
}

/// Step 1: the file opened and its columns read; nothing sent.
pub struct Opened {
    plan: Plan,
    /// Read twice (the estimate, then the run).
    input: InputFile,
    opened: names_file::Opened,
    file: StatusFile,
}

/// Open `input` (read twice: a pipe copied once, [`InputFile::new`]) for
/// the run `plan` describes, and find its columns.
pub fn open(plan: Plan, input: InputFile) -> Result<Opened> {
    let opened = names_file::open("status", &plan.file, &input)?;
    let file = status_file(&opened, None, &plan.settings)?;
    Ok(Opened {
        plan,
        input,
        opened,
        file,
    })
}

/// The status file's columns, with `map` in place of `--map` when given.
fn status_file(
    opened: &names_file::Opened,
    map: Option<&MapFile>,
    settings: &Settings,
) -> Result<StatusFile> {
    let phones = opened.phones().clone();
    let map = opened.map_file(map);
    StatusFile::new(opened.headers(), opened.sample(), map, phones, settings)
}

impl Opened {
    /// The columns read: those naming contacts, and the status columns.
    pub fn file(&self) -> &StatusFile {
        &self.file
    }

    /// Read the columns again with `map` (edited at the `[Y/n/edit]` question).
    pub fn remap(&mut self, map: &MapFile) -> Result<()> {
        self.file = status_file(&self.opened, Some(map), &self.plan.settings)?;
        Ok(())
    }

    /// Step 2: decide how the file's phones are read, and count its rows
    /// and what they will cost.
    pub fn estimate(mut self) -> Result<Estimated> {
        let phones_note = self.opened.read_digits(self.file.names_mut());
        let reader = self.plan.file.reader(&self.input)?;
        let estimate = Estimate::of(&self.file, reader, &self.plan.settings)?;
        Ok(Estimated {
            opened: self,
            estimate,
            phones_note,
        })
    }
}

/// Step 2 done: the file counted; nothing sent yet.
pub struct Estimated {
    opened: Opened,
    estimate: Estimate,
    /// What the sample of phones decided, for the summary's notes.
    phones_note: Option<String>,
}

impl Estimated {
    pub fn estimate(&self) -> &Estimate {
        &self.estimate
    }

    /// One line for stderr: rows, requests and their time at `rate`
    /// requests per minute ([`Estimate::describe`]).
    pub fn describe(&self, rate: u32) -> String {
        (self.estimate).describe(&self.opened.plan.settings, rate)
    }

    /// Step 3: write the reports and run every row through `client`.
    /// Ctrl-C (`interrupt`) stops the reading.
    pub fn run(self, client: &Client, interrupt: &AtomicBool) -> Result<RunResult> {
        let Opened {
            plan, opened, file, ..
        } = self.opened;
        let (mut reporter, reader) = opened.reporter(&RESULT_COLUMNS, file.names().mapping())?;
        reporter.summary.notes.extend(self.phones_note);
        let rows = Some(self.estimate.rows);
        let progress = Progress::new("status", rows, plan.progress, plan.quiet);
        let settings = &plan.settings;
        let result = super::run(
            &file, reader, client, settings, reporter, &progress, interrupt,
        )?;
        progress.finish();
        Ok(result)
    }
}
