//! `hmbulk team`: the team's members with their ids and roles — the names
//! or ids an `assignee` / `owner` column takes. One request (`GET /v1/team`).

use serde_json::json;

use crate::cli::ApiArgs;
use crate::cmd::listing::{self, Format, FormatArgs, Listing};
use crate::exit::Outcome;

pub const USAGE: &str = "\
Examples:
  hmbulk team                        members: id, name, role
  hmbulk team --format csv           the same as CSV
  hmbulk team --format json          the team (id, name) and its members as JSON
  hmbulk team --sandbox              the local simulator's sample team

An `assignee` (or `owner`, `assigned to`) column takes a member's name (any
case) or id. Cost: one request.";

#[derive(Debug, clap::Args)]
#[command(after_help = USAGE)]
pub struct Args {
    #[command(flatten)]
    pub format: FormatArgs,
    #[command(flatten)]
    pub api: ApiArgs,
}

pub fn run(args: Args) -> Outcome {
    let table = args.format.format == Format::Table && !args.api.json;
    let quiet = args.api.quiet;
    listing::run(&args.api, &args.format, |client| {
        let team = client.team()?;
        if let Some(name) = team.name.as_deref().filter(|_| table && !quiet) {
            say!("team: {}", listing::printable(name));
        }
        Ok(Listing {
            columns: vec!["id", "name", "role"],
            rows: team
                .members
                .iter()
                .map(|m| {
                    let role = m.role.clone().unwrap_or_default();
                    vec![m.id.to_string(), m.name.clone(), role]
                })
                .collect(),
            json: json!(team),
        })
    })
}
