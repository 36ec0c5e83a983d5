//! The library's error type and the exit codes it maps to (DESIGN.md):
//! 0 every row succeeded; 1 the run finished but some rows failed; 2 usage,
//! configuration or input-file error (nothing sent); 3 a fatal API condition
//! stopped the run (bad key, 403, remote down past retries); 130 the user
//! interrupted it (Ctrl-C) — the reports cover every row read.

use std::process::ExitCode;

/// Exit codes, as documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    RowsFailed = 1,
    Usage = 2,
    Fatal = 3,
    Interrupted = 130,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad flags, bad configuration, an unreadable or unmappable input file.
    /// Nothing was sent.
    #[error("{0}")]
    Usage(String),
    /// The API said no to the whole run: bad credentials, forbidden, or it
    /// stayed down past every retry.
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

    pub fn exit(&self) -> Exit {
        match self {
            Error::Usage(_) | Error::NotBuilt(_) => Exit::Usage,
            Error::Fatal(_) => Exit::Fatal,
            Error::Interrupted => Exit::Interrupted,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Usage(e.to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
