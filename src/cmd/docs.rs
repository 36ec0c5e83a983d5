//! `hmbulk completions SHELL` and `hmbulk man [COMMAND]`: a shell
//! completion script (clap_complete) and the manual page (clap_mangen),
//! both made from the command line's own definition and printed on stdout.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::Cli;
use crate::exit::{Exit, Outcome};
use crate::output;
use hmbulk_engine::error::Error;

pub const COMPLETIONS_USAGE: &str = "\
Examples:
  hmbulk completions bash > ~/.local/share/bash-completion/completions/hmbulk
  hmbulk completions zsh > ~/.zfunc/_hmbulk        (with fpath+=~/.zfunc before compinit)
  hmbulk completions fish > ~/.config/fish/completions/hmbulk.fish";

pub const MAN_USAGE: &str = "\
Examples:
  hmbulk man | man -l -                          read it now
  hmbulk man > ~/.local/share/man/man1/hmbulk.1  install it (then `man hmbulk`)
  hmbulk man import > hmbulk-import.1            the page of one command";

#[derive(Debug, clap::Args)]
#[command(after_help = COMPLETIONS_USAGE)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, clap::Args)]
#[command(after_help = MAN_USAGE)]
pub struct ManArgs {
    /// A command's own page (hmbulk-COMMAND(1)) instead of hmbulk(1).
    pub command: Option<String>,
}

pub fn completions(args: CompletionsArgs) -> Outcome {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "hmbulk", &mut script);
    print_bytes(script)
}

pub fn man(args: ManArgs) -> Outcome {
    let mut cli = Cli::command();
    // Sets every command's `hmbulk <name>` for the synopsis.
    cli.build();
    let page = match &args.command {
        None => cli,
        Some(name) => {
            let names: Vec<&str> = cli
                .get_subcommands()
                .map(|c| c.get_name())
                .filter(|&n| n != "help")
                .collect();
            let Some(sub) = cli.find_subcommand(name) else {
                return Err(Error::usage(format!(
                    "hmbulk has no command {name:?}; its commands are {}",
                    names.join(", ")
                ))
                .into());
            };
            // `build` named it `hmbulk-<name>` for the page.
            sub.clone()
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .source(format!("hmbulk {}", env!("CARGO_PKG_VERSION")))
        .render(&mut roff)
        .map_err(|e| Error::fatal(format!("internal error: cannot render the man page: {e}")))?;
    print_bytes(roff)
}

fn print_bytes(bytes: Vec<u8>) -> Outcome {
    let text = String::from_utf8_lossy(&bytes);
    output::print(text.trim_end_matches('\n'))?;
    Ok(Exit::Ok)
}
