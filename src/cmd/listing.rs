//! How `fields`, `tags` and `team` print what they list: a table (the
//! default), CSV or JSON (`--format`). Every CSV cell passes the formula
//! guard: names come from the server.

use hmbulk_engine::error::{Error, Result};
use hmbulk_engine::formula::guard;
use unicode_width::UnicodeWidthStr;

use crate::cli::ApiArgs;
use crate::exit::{Exit, Failure, Outcome, pretty_json};
use hmbulk_engine::api::Client;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns, for people.
    #[default]
    Table,
    /// A header line, then one line per item (formula-guarded), for spreadsheets and scripts.
    Csv,
    /// A JSON array of objects.
    Json,
}

/// The `--format` option, and `--json` as its short form.
#[derive(Debug, Clone, clap::Args)]
pub struct FormatArgs {
    /// How to print the list.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Run a listing command: its client (`--sandbox` or the API), what `list`
/// makes with it, printed as `--format` (or `--json`) says. A failure after
/// a write (`tags --create`) says that something was sent.
pub fn run(
    api: &ApiArgs,
    format: &FormatArgs,
    list: impl FnOnce(&Client) -> Result<Listing>,
) -> Outcome {
    let sandbox = api.sandbox()?;
    let client = api.required_client(sandbox.as_ref())?;
    list(&client)
        .and_then(|listing| listing.print(format.format, api.json))
        .map(|()| Exit::Ok)
        .map_err(|e| Failure::new(e, client.has_written()))
}

/// A list to print: its column names and rows, and the same as JSON.
pub struct Listing {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    pub json: serde_json::Value,
}

impl Listing {
    /// Print to stdout in `format` (`json`: the `--json` flag, which wins).
    pub fn print(&self, format: Format, json: bool) -> Result<()> {
        let format = if json { Format::Json } else { format };
        let text = match format {
            Format::Json => pretty_json(&self.json)? + "\n",
            Format::Csv => self.csv()?,
            Format::Table => self.table(),
        };
        crate::output::print(text.strip_suffix('\n').unwrap_or(&text))
    }

    fn csv(&self) -> Result<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let write_error =
            |e: csv::Error| Error::fatal(format!("internal error: cannot write CSV: {e}"));
        w.write_record(&self.columns).map_err(write_error)?;
        for row in &self.rows {
            w.write_record(row.iter().map(|c| guard(c).into_owned()))
                .map_err(write_error)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| Error::fatal(format!("internal error: cannot write CSV: {e}")))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Columns padded to their widest cell (by display width, so names in
    /// any script line up); numbers right-aligned. Written by hand: a
    /// few lines of padding do not need a table crate.
    fn table(&self) -> String {
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.width()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(printable(cell).width());
            }
        }
        let numeric: Vec<bool> = (0..self.columns.len())
            .map(|i| {
                !self.rows.is_empty()
                    && self.rows.iter().all(|r| {
                        r.get(i)
                            .is_some_and(|c| !c.is_empty() && c.parse::<i64>().is_ok())
                    })
            })
            .collect();
        let line = |cells: &mut dyn Iterator<Item = String>| {
            let mut text = String::new();
            for (i, cell) in cells.enumerate() {
                let pad = " ".repeat(widths[i].saturating_sub(cell.width()));
                if i > 0 {
                    text.push_str("  ");
                }
                if numeric[i] {
                    text.push_str(&pad);
                    text.push_str(&cell);
                } else {
                    text.push_str(&cell);
                    if i + 1 < widths.len() {
                        text.push_str(&pad);
                    }
                }
            }
            text.trim_end().to_string() + "\n"
        };
        let mut text = line(&mut self.columns.iter().map(|c| c.to_string()));
        for row in &self.rows {
            text += &line(&mut row.iter().map(|c| printable(c)));
        }
        if self.rows.is_empty() {
            text += "(none)\n";
        }
        text
    }
}

/// A cell for a terminal: control characters (a server's text could hold
/// escape sequences) shown as `?`.
pub fn printable(cell: &str) -> String {
    cell.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing() -> Listing {
        Listing {
            columns: vec!["id", "name"],
            rows: vec![
                vec!["7".into(), "VIP".into()],
                vec!["1200".into(), "=HYPERLINK(\"x\")".into()],
                vec!["13".into(), "Ärzte \u{1b}[31m".into()],
            ],
            json: serde_json::json!([]),
        }
    }

    #[test]
    fn tables_align_numbers_right_and_names_left() {
        let t = listing().table();
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "  id  name");
        assert_eq!(lines[1], "   7  VIP");
        assert_eq!(lines[2], "1200  =HYPERLINK(\"x\")");
        assert_eq!(lines[3], "  13  Ärzte ?[31m");
    }

    #[test]
    fn csv_cells_are_formula_guarded() {
        let c = listing().csv().unwrap();
        assert!(c.starts_with("id,name\n7,VIP\n"), "{c}");
        assert!(c.contains("'=HYPERLINK"), "{c}");
    }
}
