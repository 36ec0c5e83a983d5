//! `hmbulk import` and `hmbulk validate`: not built yet.

use crate::error::{Error, Exit, Result};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The CSV file to import.
    pub file: std::path::PathBuf,
    #[command(flatten)]
    pub api: crate::cli::ApiArgs,
}

pub fn run(_args: Args, _dry_run: bool) -> Result<Exit> {
    Err(Error::NotBuilt("import"))
}
