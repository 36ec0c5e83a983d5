//! One `delete` run, start to end, in three steps the command line speaks
//! between (as an import's, [`crate::import`]):
//!
//! 1. [`open`]: the file ([`crate::names_file`]) and the columns naming
//!    contacts; nothing sent. The command shows them and may have a guessed
//!    plan confirmed or edited ([`Opened::remap`]).
//! 2. [`Opened::resolve`]: the reading of phones decided, the reports
//!    opened, and every row's contact found ([`super::resolve`]); nothing
//!    deleted. The command shows what would go and asks.
//! 3. [`Found::run`]: the contacts deleted ([`Resolved::delete`]), or with
//!    `--dry-run` reported as what would go ([`Resolved::dry_run`]); gives
//!    the [`RunResult`] whose fields decide the exit code.
//!
//! Nothing here prints.

use std::sync::atomic::AtomicBool;

use super::{Resolved, Settings};
use crate::api::Client;
use crate::error::Result;
use crate::input::{InputFile, RowNumbers};
use crate::lookup::Names;
use crate::mapping::MapFile;
use crate::names_file::{self, NamesPlan};
use crate::pipeline::RunResult;
use crate::progress::Progress;

/// What the command line asked of a `delete` run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub file: NamesPlan,
    pub settings: Settings,
    /// Find the contacts and report what would go; delete nothing.
    pub dry_run: bool,
    /// Progress on stderr even when it is not a terminal; none when `quiet`.
    pub progress: bool,
    pub quiet: bool,
}

/// Step 1: the file opened and its columns read; nothing sent.
pub struct Opened {
    plan: Plan,
    opened: names_file::Opened,
    names: Names,
}

/// Open `input` for the run `plan` describes, and find the columns naming
/// its contacts.
pub fn open(plan: Plan, input: &InputFile) -> Result<Opened> {
    let opened = names_file::open("delete", &plan.file, input)?;
    let names = opened.names(None, "delete", &[], &|_| false)?;
    Ok(Opened {
        plan,
        opened,
        names,
    })
}

impl Opened {
    /// The columns naming contacts.
    pub fn names(&self) -> &Names {
        &self.names
    }

    /// Read the columns again with `map` (edited at the `[Y/n/edit]` question).
    pub fn remap(&mut self, map: &MapFile) -> Result<()> {
        self.names = self.opened.names(Some(map), "delete", &[], &|_| false)?;
        Ok(())
    }

    /// Step 2: open the reports and find the contact every row names
    /// through `client`; Ctrl-C (`interrupt`) stops the reading.
    pub fn resolve(mut self, client: &Client, interrupt: &AtomicBool) -> Result<Found> {
        let phones_note = self.opened.read_digits(&mut self.names);
        let numbers = self.opened.numbers().clone();
        let (mut reporter, reader) = self.opened.reporter(&[], self.names.mapping())?;
        reporter.summary.dry_run = self.plan.dry_run;
        reporter.summary.notes.extend(phones_note);
        let settings = self.plan.settings;
        let resolved = super::resolve(&self.names, reader, client, settings, reporter, interrupt)?;
        Ok(Found {
            plan: self.plan,
            resolved,
            numbers,
        })
    }
}

/// Step 2 done: the contacts found; nothing deleted yet.
pub struct Found {
    plan: Plan,
    resolved: Resolved,
    numbers: RowNumbers,
}

impl Found {
    /// The contacts that would go, and the rows that name none.
    pub fn resolved(&self) -> &Resolved {
        &self.resolved
    }

    /// The numbers the reports print for the rows.
    pub fn numbers(&self) -> &RowNumbers {
        &self.numbers
    }

    /// Step 3: delete the contacts found (a dry run: report what would go).
    pub fn run(self, client: &Client, interrupt: &AtomicBool) -> Result<RunResult> {
        let plan = &self.plan;
        let total = Some(self.resolved.count() as u64);
        let progress = Progress::new("delete", total, plan.progress, plan.quiet);
        let result = if plan.dry_run {
            self.resolved.dry_run(client)
        } else {
            self.resolved.delete(client, &progress, interrupt)
        };
        progress.finish();
        result
    }
}
