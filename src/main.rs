//! The `hmbulk` binary: parse the command line, run the command, map the
//! outcome to an exit code. All the work is in the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    hmbulk::cli::main()
}
