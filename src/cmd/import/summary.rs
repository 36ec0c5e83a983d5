//! What `import` and `validate` tell the person running them. Takes the
//! [`Mapping`] and the run's [`Summary`]; gives the first lines of output
//! (the layout, where each field comes from, the columns not used) and
//! the closing lines on stderr (the counts line, the tags and phone columns
//! in the block every run closes with, [`crate::cmd::end`], and the way on:
//! after a stop, after failed rows, or when the reports had to go
//! elsewhere) with the JSON summary on stdout for `--json`.

use std::path::Path;

use super::Args;
use super::resume::{command_line, print_stop};
use crate::cmd::end::{End, print_block};
use crate::cmd::fix_line::FixLine;
use crate::exit::Exit;
use crate::sandbox::Sandbox;
use hmbulk_engine::api::ApiVersion;
use hmbulk_engine::batch::Mode;
use hmbulk_engine::contact::BlankPolicy;
use hmbulk_engine::contact::tags::TagsMode;
use hmbulk_engine::error::Result;
use hmbulk_engine::import::ImportOutcome;
use hmbulk_engine::mapping::{Field, Mapping, Target, quoted_list};
use hmbulk_engine::pipeline::OnDuplicate;
use hmbulk_engine::report::{NO_ROWS, Summary};

/// The first lines of output: the layout recognised and where each field
/// comes from, the mapping file used, and every column not used.
pub(super) fn print_mapping(
    mapping: &Mapping,
    found_map: Option<&Path>,
    tags: TagsMode,
    sheet: Option<&str>,
) {
    let header = |i: usize| mapping.header(i).to_string();
    let phones: Vec<String> = mapping.phones().iter().map(|s| header(s.column)).collect();
    let emails: Vec<String> = mapping.emails().iter().map(|s| header(s.column)).collect();
    let countries: Vec<String> = mapping.countries().iter().map(|&i| header(i)).collect();
    let mut from = vec![match phones.is_empty() {
        true => "no phone column: contacts are matched by their uuid".to_string(),
        false => format!("phone from {}", in_order(&phones)),
    }];
    if !emails.is_empty() {
        from.push(format!("email from {}", in_order(&emails)));
    }
    if !countries.is_empty() {
        from.push(format!("country from {}", in_order(&countries)));
    }
    if let Some(i) = mapping.column(Field::Tags) {
        let how = match tags {
            TagsMode::Add => "added to each contact's own (--tags add)",
            TagsMode::Replace => {
                "replacing each contact's tags: a tag not in the cell is taken off (--tags replace)"
            }
            TagsMode::Remove => "taken off each contact (--tags remove)",
        };
        from.push(format!("tags from \"{}\" {how}", header(i)));
    }
    if let Some(i) = mapping.column(Field::SmsConsent) {
        from.push(format!(
            "SMS consent from \"{}\" (no = opted out)",
            header(i)
        ));
    }
    let sheet = sheet.map(|s| format!(", {s}")).unwrap_or_default();
    match mapping.layout() {
        Some(layout) => say!("layout: {}{sheet} — {}", layout.name, from.join("; ")),
        None => say!(
            "layout: none recognised, columns read by their header words and content{sheet} — {}",
            from.join("; ")
        ),
    }
    for line in plan_lines(mapping) {
        say!("{line}");
    }
    if let Some(path) = found_map {
        say!(
            "mapping: using {}, which the run that wrote this error report left beside it",
            path.display()
        );
    }
    for (reason, columns) in mapping.ignored_by_reason() {
        say!("ignored ({reason}): {}", quoted_list(&columns));
    }
    if !mapping.unchecked().is_empty() {
        say!(
            "not checked (no credentials, so custom field titles are unknown): {}",
            quoted_list(mapping.unchecked())
        );
    }
}

/// The plan: one line per field, its columns in priority order, each with
/// why (`  phone          "Mobile" (header word: mobile phone), then …`).
pub(super) fn plan_lines(mapping: &Mapping) -> Vec<String> {
    let mut fields: Vec<(Field, Vec<usize>)> = Vec::new();
    let multi = [
        (
            Field::Phone,
            mapping
                .phones()
                .iter()
                .map(|s| s.column)
                .collect::<Vec<_>>(),
        ),
        (
            Field::Email,
            mapping.emails().iter().map(|s| s.column).collect(),
        ),
    ];
    fields.extend(multi.into_iter().filter(|(_, c)| !c.is_empty()));
    for i in 0..mapping.len() {
        let Target::Field(field) = mapping.target(i) else {
            continue;
        };
        if matches!(field, Field::Phone | Field::Email | Field::Country) {
            continue;
        }
        match fields.iter_mut().find(|(f, _)| *f == field) {
            Some((_, columns)) => columns.push(i),
            None => fields.push((field, vec![i])),
        }
    }
    if !mapping.countries().is_empty() {
        fields.push((Field::Country, mapping.countries().to_vec()));
    }
    fields
        .iter()
        .map(|(field, columns)| {
            let each: Vec<String> = columns
                .iter()
                .map(|&i| match mapping.why(i) {
                    Some(why) => format!("\"{}\" ({why})", mapping.header(i)),
                    None => format!("\"{}\"", mapping.header(i)),
                })
                .collect();
            let meaning = match field {
                Field::SmsConsent => " — no = opted out",
                Field::MarketingConsent => " — no = opted out, yes leaves the contact as it is",
                Field::OptedOut => " — yes = opted out",
                _ => "",
            };
            format!(
                "  {:<17} {}{meaning}",
                field.to_string(),
                each.join(", then ")
            )
        })
        .collect()
}

/// `"A", then "B", then "C"`.
fn in_order(headers: &[String]) -> String {
    let quoted: Vec<String> = headers.iter().map(|h| format!("\"{h}\"")).collect();
    quoted.join(", then ")
}

pub(super) fn print_summary(
    args: &Args,
    shown: &Path,
    s: &Summary,
    sandbox: Option<&Sandbox>,
    exit: Exit,
) -> Result<()> {
    let verb = if s.dry_run { "validated" } else { "imported" };
    let mut line = format!(
        "{verb} {}: {} rows read, {} ok",
        shown.display(),
        s.rows_read,
        s.rows_ok
    );
    if s.dry_run {
        line += &format!(" ({} valid, {} skipped)", s.valid, s.skipped);
    } else {
        line += &format!(
            " ({} created, {} updated, {} unchanged, {} skipped)",
            s.created, s.updated, s.unchanged, s.skipped
        );
    }
    line += &format!(", {} failed", s.rows_failed);
    if s.dry_run && !s.unchecked_columns.is_empty() {
        line += &format!(
            " — {} not checked (no credentials): an import may still stop on them",
            hmbulk_engine::mapping::count(s.unchecked_columns.len(), "column")
        );
    }
    if !s.dry_run {
        line += &format!(" — {} requests in {:.1}s", s.requests, s.elapsed_s);
    }
    let tags = (s.tags_added + s.tags_removed > 0).then(|| {
        format!(
            "tags: {} put on contacts, {} taken off (--tags {})",
            s.tags_added, s.tags_removed, s.tags_mode
        )
    });
    let columns = (s.phone_columns.iter().filter(|_| s.phone_columns.len() > 1))
        .map(|(column, n)| format!("  {n:>7} rows took their phone from \"{column}\""));
    let end = End {
        line,
        after_codes: tags.into_iter().collect(),
        notes: (s.notes.iter().filter(|&n| n != NO_ROWS).map(String::as_str)).collect(),
        after_notes: columns.collect(),
        mapping: true,
    };
    let api = &args.api_args;
    print_block(s, end, (api.json, api.quiet), sandbox, exit)
}

/// What is said when the run ended: the summary, the way on after a stop,
/// after failed rows, or when the reports had to go elsewhere.
pub(super) fn print_end(
    args: &Args,
    shown: &Path,
    outcome: &ImportOutcome,
    sandbox: Option<&Sandbox>,
    exit: Exit,
) -> Result<()> {
    let dry_run = args.dry_run;
    let s = &outcome.result.summary;
    let moved = &s.reports_moved;
    if s.rows_read == 0 && s.stopped.is_none() {
        // Even with --quiet: a nightly job fed an empty export should say so.
        say!(
            "hmbulk: warning: {} has a header line but no data rows: nothing was {}",
            shown.display(),
            if dry_run { "checked" } else { "sent" }
        );
    }
    print_summary(args, shown, s, sandbox, exit)?;
    if let Some(path) = outcome.html.as_ref().filter(|_| !args.api_args.quiet) {
        say!("report:  {}", path.display());
    }
    if let Some(path) = outcome
        .results_xlsx
        .as_ref()
        .filter(|_| !args.api_args.quiet)
    {
        say!("results: {}", path.display());
    }
    let stopped = outcome.stopped();
    if stopped {
        print_stop(&outcome.result, outcome.journal.as_deref());
    }
    if !stopped && moved.is_none() && exit == Exit::RowsFailed && !dry_run && !args.api_args.quiet {
        fix_line(args, s).print();
    }
    if let Some(why) = moved {
        let dir = s
            .reports
            .as_ref()
            .and_then(|r| r.results.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        say!(
            "hmbulk: {}; the reports were written to {} instead (see the paths above)",
            hmbulk_engine::redact::clean(why),
            dir.display()
        );
        if !stopped && outcome.journal.is_some() {
            say!(
                "hmbulk: once there is room, `{}` writes them in place (nothing is sent again)",
                command_line("--resume")
            );
        }
    }
    Ok(())
}

/// `fix people.errors.csv and run: hmbulk import people.errors.csv …`:
/// the options that decide the rows' outcomes (the mapping, its default
/// region and the tags mode are in the mapping file beside the report).
fn fix_line(args: &Args, s: &hmbulk_engine::report::Summary) -> FixLine {
    let errors = s
        .reports
        .as_ref()
        .map(|r| r.errors.clone())
        .unwrap_or_default();
    let input = &args.input;
    FixLine::new("import", &errors)
        .value("--mode", Some(args.mode).filter(|m| *m != Mode::default()))
        .value(
            "--api",
            Some(args.api).filter(|a| *a != ApiVersion::default()),
        )
        .value("--tags", input.tags)
        .value(
            "--blank",
            Some(args.blank).filter(|b| *b != BlankPolicy::default()),
        )
        .value(
            "--on-duplicate",
            Some(input.on_duplicate).filter(|d| *d != OnDuplicate::default()),
        )
        .flag("--create-tags", input.create_tags)
        .flag("--no-channels", args.no_channels)
        .flag("--search-first", args.search_first)
        .flag("--no-bom", input.read.bom() == Some(false))
        .connection(&args.api_args.connection)
}
