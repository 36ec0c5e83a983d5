//! What goes to stdout, and how it ends (docs/cli.md, "Conventions"): stdout
//! carries data (an export to `-`, `fields`, `completions`, `man`) and the
//! `--json` object; everything for a person goes to stderr.
//!
//! - A closed stdout (`hmbulk fields | head -1`) ends the output quietly:
//!   [`print()`] gives an error that [`is_closed_stdout`] recognises, and the
//!   command ends with status 0, as ripgrep and xsv do — the reader has what
//!   it wanted. The `--json` summary of an import that finished is the
//!   exception: the run keeps its own status.
//! - With `--json` exactly one JSON object is printed, whatever happens: the
//!   command's summary with its `exit`, or `{"error": {...}, "exit": N}`.

use std::io::{self, Write};

/// `eprintln!` for a person: the line's control characters shown escaped
/// ([`hmbulk_engine::terminal_text`]), so that a header, a cell, a file
/// name or a server's answer in it is seen, not obeyed by the terminal.
/// Every line for a person goes through it (a test keeps it so).
macro_rules! say {
    () => {
        eprintln!()
    };
    ($($arg:tt)*) => {
        eprintln!("{}", hmbulk_engine::terminal_text::escape(&format!($($arg)*)))
    };
}

/// [`say!`] without the line break (a question's prompt).
macro_rules! say_inline {
    ($($arg:tt)*) => {
        eprint!("{}", hmbulk_engine::terminal_text::escape(&format!($($arg)*)))
    };
}
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use hmbulk_engine::error::Error;
use serde_json::{Value, json};

use crate::exit::Exit;

/// How errors name standard output.
pub use hmbulk_engine::atomic_file::STDOUT_NAME as STDOUT;

/// `--json` was given: errors are printed as a JSON object too.
static JSON: AtomicBool = AtomicBool::new(false);

pub fn set_json(on: bool) {
    JSON.store(on, Ordering::SeqCst);
}

pub fn json() -> bool {
    JSON.load(Ordering::SeqCst)
}

/// `text` and a line break on stdout, flushed. Unlike `println!`, a closed
/// stdout is an error (see [`is_closed_stdout`]), not a panic.
pub fn print(text: &str) -> Result<(), Error> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
        .map_err(|e| Error::output(Path::new(STDOUT), e))
}

/// Is `error` a write to stdout whose reader has gone (a closed pipe)?
pub fn is_closed_stdout(error: &Error) -> bool {
    matches!(error, Error::Output { path, source }
        if path == Path::new(STDOUT) && source.kind() == io::ErrorKind::BrokenPipe)
}

/// Print `value` (a JSON object) with `"exit": exit` added, as the one
/// `--json` object. A closed stdout is passed over: the run's status stands.
pub fn print_json<T: serde::Serialize>(value: &T, exit: Exit) -> Result<(), Error> {
    let mut value = serde_json::to_value(value)
        .map_err(|e| Error::fatal(format!("internal error: cannot write JSON: {e}")))?;
    if let Value::Object(map) = &mut value {
        map.insert("exit".into(), json!(exit as i32));
    }
    print_value(&value)
}

/// The `--json` object of a command that failed.
pub fn print_json_error(kind: &str, message: &str, path: Option<&Path>, exit: i32) {
    let mut error = json!({ "kind": kind, "message": message });
    if let Some(path) = path {
        error["path"] = json!(path.display().to_string());
    }
    // Nothing more can be said when stdout is gone.
    let _ = print_value(&json!({ "error": error, "exit": exit }));
}

fn print_value(value: &Value) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::fatal(format!("internal error: cannot write JSON: {e}")))?;
    match print(&text) {
        Err(e) if is_closed_stdout(&e) => Ok(()),
        other => other,
    }
}

/// The `kind` of an error in the `--json` object, and the file it names.
pub fn error_kind(error: &Error) -> (&'static str, Option<&Path>) {
    match error {
        Error::Usage(_) => ("usage", None),
        Error::Input { path, .. } => ("input", Some(path)),
        Error::Output { path, .. } => ("output", Some(path)),
        Error::Fatal(_) => ("api", None),
        Error::Interrupted => ("interrupted", None),
        Error::NotBuilt(_) => ("not_built", None),
    }
}

/// What a panic's message says when `println!`/`eprintln!` met a closed
/// pipe: `Some(true)` for stdout, `Some(false)` for stderr. The net under
/// any `println!` left in a command (they should use [`print()`]).
pub fn closed_pipe_panic(message: &str) -> Option<bool> {
    let closed = message.contains("Broken pipe") || message.contains("os error 32");
    if !closed {
        return None;
    }
    if message.contains("failed printing to stdout") {
        Some(true)
    } else if message.contains("failed printing to stderr") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_stdout_is_recognised_and_nothing_else() {
        let closed = Error::output(Path::new(STDOUT), io::ErrorKind::BrokenPipe.into());
        assert!(is_closed_stdout(&closed));
        let full = Error::output(Path::new(STDOUT), io::Error::other("disk full"));
        assert!(!is_closed_stdout(&full));
        let file = Error::output(Path::new("out.csv"), io::ErrorKind::BrokenPipe.into());
        assert!(!is_closed_stdout(&file));
    }

    #[test]
    fn println_panics_on_a_closed_pipe_are_told_apart() {
        let out = "failed printing to stdout: Broken pipe (os error 32)";
        let err = "failed printing to stderr: Broken pipe (os error 32)";
        assert_eq!(closed_pipe_panic(out), Some(true));
        assert_eq!(closed_pipe_panic(err), Some(false));
        assert_eq!(closed_pipe_panic("index out of bounds"), None);
        assert_eq!(
            closed_pipe_panic("failed printing to stdout: No space left"),
            None
        );
    }

    /// Every line for a person goes through `say!`: no `eprintln!` or
    /// `eprint!` anywhere else in the binary's source.
    #[test]
    fn stderr_is_written_through_say_only() {
        fn walk(dir: &Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("output.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (n, line) in text.lines().enumerate() {
                        if line.contains("eprintln!(") || line.contains("eprint!(") {
                            found.push(format!("{}:{}", path.display(), n + 1));
                        }
                    }
                }
            }
        }
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        walk(&src, &mut found);
        assert!(src.join("main.rs").is_file(), "{}", src.display());
        assert!(found.is_empty(), "write these with say!: {found:?}");
    }
}
