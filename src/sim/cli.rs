//! The `heymarket-sim` command line.

use std::process::ExitCode;

pub fn main() -> ExitCode {
    eprintln!("heymarket-sim: not built yet");
    ExitCode::from(2)
}
