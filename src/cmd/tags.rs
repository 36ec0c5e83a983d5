//! `hmbulk tags`: the account's tags with their ids (every page of
//! `POST /v1/tags`, 30 tags per request); `--create NAME…` creates the
//! tags the account lacks (`POST /v1/tag`, one request each) and lists the
//! tags after.

use serde_json::json;

use crate::cli::ApiArgs;
use crate::cmd::listing::{self, FormatArgs, Listing};
use crate::exit::Outcome;
use hmbulk_engine::catalog::Tag;
use hmbulk_engine::error::Error;

pub const USAGE: &str = "\
Examples:
  hmbulk tags                              tags: id and name
  hmbulk tags --format csv                 the same as CSV (id,name)
  hmbulk tags --create VIP \"Spring Sale\"   create the ones the account lacks, then list
  hmbulk tags --sandbox                    the local simulator's tags

A tags column takes names (any case) or ids, separated by ; or ,; a contact
has at most 5. `import --create-tags` creates a file's missing tags itself.
Cost: one request per 30 tags to list; one per tag created (a name the
account has already, in any case, is not created again).";

#[derive(Debug, clap::Args)]
#[command(after_help = USAGE)]
pub struct Args {
    /// Create these tags (those the account lacks), then list the tags.
    #[arg(long, value_name = "NAME", num_args = 1..)]
    pub create: Vec<String>,
    #[command(flatten)]
    pub format: FormatArgs,
    #[command(flatten)]
    pub api: ApiArgs,
}

pub fn run(args: Args) -> Outcome {
    if args.create.iter().any(|n| n.trim().is_empty()) {
        return Err(Error::usage("--create: a tag name cannot be blank").into());
    }
    let quiet = args.api.quiet;
    listing::run(&args.api, &args.format, |client| {
        let mut tags = client.tags()?;
        for name in args.create.iter().map(|n| n.trim()) {
            if let Some(t) = tags
                .iter()
                .find(|t| t.name.trim().eq_ignore_ascii_case(name))
            {
                if !quiet {
                    say!("tag \"{}\" exists already (id {})", t.name, t.id);
                }
                continue;
            }
            let id = client.create_tag(name)?;
            if !quiet {
                say!("created tag \"{name}\" (id {id})");
            }
            tags.push(Tag {
                id,
                name: name.to_string(),
            });
        }
        tags.sort_by_key(|t| t.id);
        Ok(Listing {
            columns: vec!["id", "name"],
            rows: tags
                .iter()
                .map(|t| vec![t.id.to_string(), t.name.clone()])
                .collect(),
            json: json!(tags),
        })
    })
}
