//! `hmbulk status`: not built yet.

use crate::exit::Outcome;
use hmbulk_engine::error::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub api: crate::cli::ApiArgs,
}

pub fn run(_args: Args) -> Outcome {
    Err(Error::NotBuilt("status").into())
}
