//! The input named on the command line of `import`, `validate`, `status`
//! and `delete`: a file, or `-` for standard input (docs/cli.md, "Conventions").
//!
//! Standard input is read as it streams, in one pass. A run that needs two
//! (`--create-tags` reads the tag column before anything is sent) first
//! copies it to a temporary file, removed when the run ends. Its
//! reports are named `stdin.*`, in `--report-dir` or the current folder.
//! A named pipe (`mkfifo`), a process substitution (`<(…)`, `/dev/fd/63`)
//! or a device cannot be read twice either (a second open waits for a
//! writer forever, or finds the pipe drained): for two passes it is copied
//! the same way, once; its reports keep its name.

use std::io;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result};
use crate::input::config::{Config, STDIN_NAME, is_stdin};

/// The stem of the reports of a run that read standard input.
pub const STDIN_STEM: &str = "stdin";

pub struct InputFile {
    /// As given on the command line.
    arg: PathBuf,
    /// Standard input or a pipe, copied for a second pass.
    copy: Option<NamedTempFile>,
}

impl InputFile {
    /// `two_passes`: the run reads the input twice.
    pub fn new(arg: &Path, two_passes: bool) -> Result<InputFile> {
        let copy = match () {
            _ if !two_passes => None,
            _ if is_stdin(arg) => Some(copy_from(arg, &mut io::stdin().lock())?),
            _ if is_pipe(arg) => {
                let mut pipe = std::fs::File::open(arg).map_err(|e| copy_error(arg, e))?;
                Some(copy_from(arg, &mut pipe)?)
            }
            _ => None,
        };
        Ok(InputFile {
            arg: arg.to_path_buf(),
            copy,
        })
    }

    /// A reader set-up for one pass over the input.
    pub fn config(&self, delimiter: Option<u8>) -> Config {
        match &self.copy {
            Some(copy) => Config::new(copy.path()).named(self.shown()),
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

/// Is `path` something that cannot be read twice: a pipe or a device (not a
/// file, not a folder; a missing path is left to the reader's message)?
fn is_pipe(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// The input `arg` read from `source` into a temporary file, once.
fn copy_from(arg: &Path, source: &mut impl io::Read) -> Result<NamedTempFile> {
    let mut copy = tempfile::Builder::new()
        .prefix("hmbulk-input.")
        .tempfile()
        .map_err(|e| copy_error(arg, e))?;
    io::copy(source, &mut copy).map_err(|e| copy_error(arg, e))?;
    Ok(copy)
}

fn copy_error(arg: &Path, e: io::Error) -> Error {
    let shown = if is_stdin(arg) {
        Path::new(STDIN_NAME)
    } else {
        arg
    };
    Error::input(
        shown,
        format!(
            "cannot copy {} for a second pass: {e}; save it to a file and \
             import that",
            shown.display()
        ),
    )
}
