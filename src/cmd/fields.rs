//! `hmbulk fields`: the account's custom fields, tags and team members with
//! their ids — what a `--map` file or a `custom:<id>` header needs.

use crate::cli::ApiArgs;
use crate::exit::{Exit, Outcome, pretty_json};

pub const USAGE: &str = "\
Examples:
  hmbulk fields                 custom fields, tags and members, with ids
  hmbulk fields --json          the same as JSON
  hmbulk fields --sandbox       what the local simulator knows";

#[derive(Debug, clap::Args)]
#[command(after_help = USAGE)]
pub struct Args {
    #[command(flatten)]
    pub api: ApiArgs,
}

pub fn run(args: Args) -> Outcome {
    let sandbox = args.api.sandbox()?;
    let client = args.api.required_client(sandbox.as_ref())?;
    let catalog = client.catalog()?;
    if args.api.json {
        let json = serde_json::json!({
            "custom_fields": catalog.fields,
            "tags": catalog.tags,
            "members": catalog.members,
        });
        println!("{}", pretty_json(&json)?);
        return Ok(Exit::Ok);
    }
    println!("custom fields (a column titled like the field, or custom:<id>):");
    for f in &catalog.fields {
        println!("  {:>8}  {}", f.id, f.title);
    }
    println!("tags (names or ids in a `tags` column, separated by ; or ,):");
    for t in &catalog.tags {
        println!("  {:>8}  {}", t.id, t.name);
    }
    println!("members (names or ids in an `owner` / `assignee` column):");
    for m in &catalog.members {
        println!("  {:>8}  {}", m.id, m.name);
    }
    Ok(Exit::Ok)
}
