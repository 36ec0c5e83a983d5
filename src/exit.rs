//! Exit codes (docs/reliability.md, "Exit codes"), and how a failed command maps to one:
//! by the error's cause, and by whether anything had been sent to the API
//! (a write: contacts or tags) when it happened.
//!
//! | code | when |
//! |---|---|
//! | 0 | every row succeeded (export: complete) |
//! | 1 | the run finished but some rows failed |
//! | 2 | usage, configuration, input-file or output error, and nothing was sent |
//! | 3 | the API stopped the run; or an input-file or output error after something was sent |
//! | 130 | Ctrl-C |

use std::process::ExitCode;

use hmbulk_engine::api::ApiError;
use hmbulk_engine::error::Error;

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

/// A command that failed: why, and whether anything had been sent to the
/// API by then.
#[derive(Debug)]
pub struct Failure {
    pub error: Error,
    pub sent: bool,
}

/// What a command gives: its exit code, or why it failed.
pub type Outcome = Result<Exit, Failure>;

impl Failure {
    pub fn new(error: Error, sent: bool) -> Self {
        Failure { error, sent }
    }

    /// Exit 2 says that nothing was sent: fix what the message says and run
    /// again. An input or output error after contacts were sent stopped a
    /// run that had begun to change the account: exit 3, like the API's
    /// own stops.
    pub fn exit(&self) -> Exit {
        match &self.error {
            Error::Interrupted => Exit::Interrupted,
            Error::Fatal(_) => Exit::Fatal,
            Error::Usage(_) | Error::NotBuilt(_) | Error::Input { .. } | Error::Output { .. } => {
                if self.sent {
                    Exit::Fatal
                } else {
                    Exit::Usage
                }
            }
        }
    }
}

/// An error before anything was sent.
impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::new(error, false)
    }
}

/// An API error before anything was sent.
impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Failure::new(error.into(), false)
    }
}

/// `value` as pretty JSON, for stdout (`--json`).
pub fn pretty_json<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string_pretty(value)
        .map_err(|e| Error::fatal(format!("internal error: cannot write JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_and_output_errors_are_2_before_sending_and_3_after() {
        let input = || Error::input("x.csv".as_ref(), "cannot read x.csv");
        let output = || Error::output("r.csv".as_ref(), std::io::Error::other("disk full"));
        assert_eq!(Failure::new(input(), false).exit(), Exit::Usage);
        assert_eq!(Failure::new(input(), true).exit(), Exit::Fatal);
        assert_eq!(Failure::new(output(), false).exit(), Exit::Usage);
        assert_eq!(Failure::new(output(), true).exit(), Exit::Fatal);
        assert_eq!(Failure::from(Error::usage("bad flag")).exit(), Exit::Usage);
        assert_eq!(Failure::new(Error::fatal("403"), false).exit(), Exit::Fatal);
        assert_eq!(
            Failure::new(Error::Interrupted, true).exit(),
            Exit::Interrupted
        );
    }
}
