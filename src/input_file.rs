//! The input named on the command line of `import` and `validate`: a file,
//! or `-` for standard input (README, "Conventions").
//!
//! Standard input is read as it streams, in one pass. A run that needs two
//! (`--create-tags` reads the tag column before anything is sent) first
//! copies it to a temporary file, removed when the run ends. Its
//! reports are named `stdin.*`, in `--report-dir` or the current folder.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use hmbulk_engine::config::{Config, STDIN_NAME, is_stdin};
use hmbulk_engine::error::{Error, Result};

/// The stem of the reports of a run that read standard input.
pub const STDIN_STEM: &str = "stdin";

pub struct InputFile {
    /// As given on the command line.
    arg: PathBuf,
    /// Standard input, copied for a second pass.
    copy: Option<NamedTempFile>,
}

impl InputFile {
    /// `two_passes`: the run reads the input twice.
    pub fn new(arg: &Path, two_passes: bool) -> Result<InputFile> {
        if is_stdin(arg) && io::stdin().is_terminal() {
            eprintln!("hmbulk: reading the CSV from the terminal; end it with Ctrl-D");
        }
        let copy = (is_stdin(arg) && two_passes).then(copy_stdin).transpose()?;
        Ok(InputFile {
            arg: arg.to_path_buf(),
            copy,
        })
    }

    /// A reader set-up for one pass over the input.
    pub fn config(&self, delimiter: Option<u8>) -> Config {
        match &self.copy {
            Some(copy) => Config::new(copy.path()).named(STDIN_NAME),
            None => Config::new(&self.arg),
        }
        .delimiter(delimiter)
    }

    /// The input file, unless it is standard input.
    pub fn file(&self) -> Option<&Path> {
        (!is_stdin(&self.arg)).then_some(self.arg.as_path())
    }

    /// What messages call it: its path, or `<stdin>`.
    pub fn shown(&self) -> &Path {
        self.file().unwrap_or(Path::new(STDIN_NAME))
    }

    /// The path the reports are named after and placed beside (without
    /// `--report-dir`): the file, or `stdin` in the current folder.
    pub fn report_base(&self) -> &Path {
        self.file().unwrap_or(Path::new(STDIN_STEM))
    }

    /// Its size in bytes, for progress; `None` for standard input.
    pub fn size(&self) -> Option<u64> {
        std::fs::metadata(self.file()?).map(|m| m.len()).ok()
    }
}

fn copy_stdin() -> Result<NamedTempFile> {
    let mut copy = tempfile::Builder::new()
        .prefix("hmbulk-stdin.")
        .tempfile()
        .map_err(stdin_error)?;
    io::copy(&mut io::stdin().lock(), &mut copy).map_err(stdin_error)?;
    Ok(copy)
}

fn stdin_error(e: io::Error) -> Error {
    Error::input(
        Path::new(STDIN_NAME),
        format!(
            "cannot copy standard input for a second pass (--create-tags): {e}; \
             save it to a file and import that"
        ),
    )
}
