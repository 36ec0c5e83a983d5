//! `hmbulk fields`: the account's custom fields with their ids — what a
//! `--map` file or a `custom:<id>` header needs. One request
//! (`POST /v1/contact-fields`). Tags and members: `hmbulk tags`, `hmbulk team`.

use serde_json::json;

use crate::cli::ApiArgs;
use crate::cmd::listing::{self, FormatArgs, Listing};
use crate::exit::Outcome;

pub const USAGE: &str = "\
Examples:
  hmbulk fields                      custom fields: id and title
  hmbulk fields --format csv         the same as CSV (id,title)
  hmbulk fields --format json        ... or JSON
  hmbulk fields --sandbox            what the local simulator knows

A column titled like a field (any case, spaces and punctuation ignored) or
named custom:<id> imports into it. Cost: one request.";

#[derive(Debug, clap::Args)]
#[command(after_help = USAGE)]
pub struct Args {
    #[command(flatten)]
    pub format: FormatArgs,
    #[command(flatten)]
    pub api: ApiArgs,
}

pub fn run(args: Args) -> Outcome {
    listing::run(&args.api, &args.format, |client| {
        let fields = client.custom_fields()?;
        Ok(Listing {
            columns: vec!["id", "title"],
            rows: fields
                .iter()
                .map(|f| vec![f.id.to_string(), f.title.clone()])
                .collect(),
            json: json!(fields),
        })
    })
}
