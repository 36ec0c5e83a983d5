//! `hmbulk sandbox`: the store `--sandbox` keeps between runs — where it
//! lives, and emptying it.

use std::path::PathBuf;

use crate::exit::{Exit, Outcome};
use crate::sandbox::Sandbox;

pub const USAGE: &str = "\
Examples:
  hmbulk sandbox path                 the folder the sandbox's store is kept in
  hmbulk sandbox reset                empty it (sample fields, tags and team; no contacts)
  hmbulk sandbox reset --demo         empty it, then add 300 demo contacts to export";

#[derive(Debug, clap::Args)]
#[command(after_help = USAGE)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Empty the sandbox: every contact, channel and created tag goes.
    Reset {
        /// Then store 300 demo contacts in it, to try export on.
        #[arg(long)]
        demo: bool,
        /// The sandbox kept in DIR instead of the user's cache folder.
        #[arg(long, value_name = "DIR")]
        sandbox_dir: Option<PathBuf>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Print the folder the sandbox's store is kept in.
    Path {
        /// The sandbox kept in DIR instead of the user's cache folder.
        #[arg(long, value_name = "DIR")]
        sandbox_dir: Option<PathBuf>,
    },
}

pub fn run(args: Args) -> Outcome {
    match args.action {
        Action::Reset {
            demo,
            sandbox_dir,
            quiet,
        } => {
            let dir = Sandbox::folder(sandbox_dir.as_deref())?;
            let n = Sandbox::reset(&dir, demo)?;
            if !quiet {
                let held = if demo {
                    format!("{n} demo contacts")
                } else {
                    "no contacts".to_string()
                };
                say!(
                    "sandbox: reset; {} now holds {held} and the sample fields, tags and team",
                    dir.display()
                );
            }
        }
        Action::Path { sandbox_dir } => {
            crate::output::print(
                &Sandbox::folder(sandbox_dir.as_deref())?
                    .display()
                    .to_string(),
            )?;
        }
    }
    Ok(Exit::Ok)
}
