//! The `heymarket-sim` binary: a local simulator of the Heymarket contacts API.
//! All the work is in the `heymarket_sim` library.

use std::process::ExitCode;

fn main() -> ExitCode {
    heymarket_sim::cli::main()
}
