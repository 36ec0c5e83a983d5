//! The `heymarket-sim` binary: a local simulator of the Heymarket contacts API.
//! All the work is in `hmbulk::sim`.

use std::process::ExitCode;

fn main() -> ExitCode {
    hmbulk::sim::cli::main()
}
