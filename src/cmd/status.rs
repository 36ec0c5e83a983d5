//! `hmbulk status`: not built yet.

use hmbulk_engine::error::{Error, Exit, Result};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub api: crate::cli::ApiArgs,
}

pub fn run(_args: Args) -> Result<Exit> {
    Err(Error::NotBuilt("status"))
}
