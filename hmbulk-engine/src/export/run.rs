//! One export, start to end: takes a [`Plan`] (what the command line
//! asked) and a [`Client`]; reads the catalog the columns need, pages every
//! contact once ([`Pager`]) into the [`OutFile`], checks the count, writes
//! the `--state` file, and gives the [`ExportSummary`] (its
//! [`CountCheck`] decides the exit). Nothing here prints: the one line said
//! before the listing (what `--status`/`--channels` cost) goes to `tell`.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use chrono::Utc;
use serde::Serialize;

use crate::api::{ApiVersion, Client, Contact};
use crate::atomic_file::write_json;
use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::export::columns::{CatalogRead, Columns, needs_fields};
use crate::export::extra::{Extra, Extras};
use crate::export::out_file::{Format, OutFile};
use crate::export::state::{self, State, fmt_time, next_start};
use crate::export::{CountCheck, Pager, PagerStats};
use crate::progress::Progress;

/// What the command line asked of an export.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Where the contacts go; `-` is standard output.
    pub out: PathBuf,
    pub format: Format,
    /// The API generation to list with.
    pub api: ApiVersion,
    /// `--updated-since` as given.
    pub updated_since: Option<String>,
    /// The `--state` file.
    pub state: Option<PathBuf>,
    /// The columns wanted, in order (`None`: all).
    pub columns: Option<Vec<String>>,
    pub extras: Extras,
    /// No formula guard.
    pub raw: bool,
    pub bom: bool,
    /// Progress on stderr even when it is not a terminal; none when `quiet`.
    pub progress: bool,
    pub quiet: bool,
    /// Requests per minute, for the per-contact estimate.
    pub rate: u32,
}

/// What an export did: its summary, as `--json` prints it.
#[derive(Debug, Serialize)]
pub struct ExportSummary {
    pub out: PathBuf,
    pub format: &'static str,
    pub contacts: u64,
    pub requests: u64,
    pub retries: u64,
    pub rate_limited: u64,
    pub elapsed_s: f64,
    pub contacts_per_s: f64,
    /// `/v1/contacts/count` at the end, for a full export.
    pub api_count: Option<u64>,
    /// "complete", "short by N", or why it was not checked.
    pub count_check: CountCheck,
    pub high_water: Option<String>,
    #[serde(flatten)]
    pub paging: PagerStats,
}

/// Export every contact (or those changed since) as `plan` says.
pub fn run(client: &Client, plan: &Plan, tell: &dyn Fn(&str)) -> Result<ExportSummary> {
    let started = Instant::now();
    let previous = match &plan.state {
        Some(path) if path.exists() => state::read(path)?,
        _ => State::default(),
    };
    let since = state::since(plan.updated_since.as_deref(), &previous)?;
    let incremental = since.updated_at_or_after.is_some();
    let extras = plan.extras;
    if extras.channels && plan.api == ApiVersion::V1 {
        return Err(Error::usage(
            "--channels needs --api v2: channels are read by contact uuid, which v1 listings lack",
        ));
    }
    // The account's catalog, only as far as the columns need it: the
    // custom fields now, tags and team when a contact needs them.
    let mut catalog = Catalog {
        fields: match needs_fields(plan.columns.as_deref()) {
            true => client.custom_fields()?,
            false => Vec::new(),
        },
        online: true,
        ..Catalog::default()
    };
    let mut catalog_read = CatalogRead::default();
    let columns = Columns::new(&catalog, plan.columns.as_deref(), extras)?;
    // The count bounds how far the listing may run. An incremental export
    // can do without it (its endpoint's shape is not documented).
    let total = if incremental {
        client.count().ok()
    } else {
        Some(client.count()?)
    };
    if extras.per_contact() > 0 {
        tell(&per_contact_estimate(extras, total, plan.rate));
    }
    let progress = Progress::new(
        "export",
        total.filter(|_| !incremental),
        plan.progress,
        plan.quiet,
    );

    let mut out = OutFile::create(&plan.out, plan.format, plan.bom, &columns, plan.raw)?;
    if plan.format == Format::Csv {
        // Custom field titles come from the server: guarded like any cell.
        out.csv_row(&columns.header(), plan.raw)?;
    }
    let mut pager = Pager::new(client, plan.api, since);
    if let Some(n) = total {
        pager.expect_about(n);
    }
    let mut write = |c: &Contact| -> Result<()> {
        progress.inc(1);
        let mut contact = Cow::Borrowed(c);
        let extra = match extras.per_contact() {
            0 => Extra::default(),
            _ => extras.fetch(client, contact.to_mut())?,
        };
        columns.fill_catalog(client, &contact, &mut catalog, &mut catalog_read)?;
        match plan.format {
            Format::Csv => out.csv_row(&columns.cells(&contact, &catalog, &extra), plan.raw),
            Format::Jsonl => out.json_line(&columns.json(&contact, &catalog, &extra)),
            Format::Xlsx => out.sheet_row(&columns.cells(&contact, &catalog, &extra)),
        }
    };
    pager.run(&mut write)?;

    let (api_count, count_check) = if incremental {
        (None, CountCheck::NotChecked)
    } else {
        let mut count = client.count()?;
        if pager.exported() < count {
            // Something slipped past (contacts moved while we paged): sweep again.
            pager.repair(&mut write)?;
            count = client.count()?;
        }
        (Some(count), CountCheck::of(count, pager.exported()))
    };
    progress.finish();
    out.commit()?;

    let stats = pager.stats.clone();
    let (high_water, at_high_water) = next_start(&stats, previous);
    if let Some(path) = &plan.state {
        let new_state = State {
            high_water: high_water.map(fmt_time),
            at_high_water,
            exported_at: Some(fmt_time(Utc::now())),
        };
        write_json(path, &new_state)?;
    }
    let elapsed_s = started.elapsed().as_secs_f64();
    Ok(ExportSummary {
        out: plan.out.clone(),
        format: crate::choice::Choice::name(plan.format),
        contacts: stats.exported,
        requests: client.requests(),
        retries: client.stats.retries.load(Relaxed),
        rate_limited: client.stats.rate_limited.load(Relaxed),
        elapsed_s,
        contacts_per_s: if elapsed_s > 0.0 {
            stats.exported as f64 / elapsed_s
        } else {
            0.0
        },
        api_count,
        count_check,
        high_water: high_water.map(fmt_time),
        paging: stats,
    })
}

/// What `--status` / `--channels` cost: requests per contact, and the time
/// for `total` contacts at `rate` requests per minute.
fn per_contact_estimate(extras: Extras, total: Option<u64>, rate: u32) -> String {
    let per = extras.per_contact();
    let what = match (extras.status, extras.channels) {
        (true, true) => "--status and --channels cost two requests per contact",
        (true, false) => "--status costs one request per contact",
        _ => "--channels costs one request per contact",
    };
    match (total, rate) {
        (Some(n), 0) => format!("{what}: {} requests, with no rate limit", n * per),
        (Some(n), r) => format!(
            "{what}: {} requests for {n} contacts, about {} at {r}/min",
            n * per,
            crate::lookup::duration_words((n * per) as f64 * 60.0 / f64::from(r))
        ),
        (None, _) => format!("{what} (at 500/min, 30,000 contacts take an hour per request kind)"),
    }
}
