//! The `hmbulk` binary: parse the command line, run the command, map the
//! outcome to an exit code. The work is in the `hmbulk-engine` crate; the
//! `--sandbox` simulator is the `heymarket-sim` crate (the `sandbox` feature).

mod cli;
mod cmd;
mod exit;
mod input_file;
mod output;
mod run_report;
#[cfg(feature = "sandbox")]
mod sandbox;
#[cfg(not(feature = "sandbox"))]
#[path = "sandbox_off.rs"]
mod sandbox;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
