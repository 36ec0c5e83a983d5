//! The engine's error type, classed by cause: the command line or the
//! configuration, the input file, a file hmbulk writes, the API, the user's
//! Ctrl-C. Every error about a file names the file. The `hmbulk` binary
//! turns the cause, and whether anything had been sent to the API by then,
//! into an exit code (docs/reliability.md, "Exit codes").

use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad flags or configuration: a flag's value, a map file, credentials,
    /// the base URL, the sandbox. Found before anything is sent.
    #[error("{0}")]
    Usage(String),
    /// The input file cannot be opened, read or taken as it is (not CSV
    /// text, no header, a row that never ends, a read error). `message`
    /// names the file and says what to do.
    #[error("{message}")]
    Input { path: PathBuf, message: String },
    /// A file hmbulk writes — a report, the export, a state or mapping
    /// file — cannot be written.
    #[error("cannot write {}: {source}", path.display())]
    Output {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// The run cannot go on: the API said no to it (bad credentials,
    /// forbidden, down past every retry, a redirect, answers that cannot be
    /// read or do not page as documented), or an internal check failed.
    #[error("{0}")]
    Fatal(String),
    /// The user pressed Ctrl-C; what was begun was abandoned cleanly.
    #[error("interrupted (Ctrl-C); nothing was written")]
    Interrupted,
    /// A feature that is not built yet.
    #[error("`hmbulk {0}` is not built yet; see the README for the commands that are")]
    NotBuilt(&'static str),
}

impl Error {
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }

    pub fn fatal(msg: impl Into<String>) -> Self {
        Error::Fatal(msg.into())
    }

    /// A problem with the input file `path`; `message` names it.
    pub fn input(path: &Path, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }

    /// `path` cannot be written.
    pub fn output(path: &Path, source: io::Error) -> Self {
        Error::Output {
            path: path.to_path_buf(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
