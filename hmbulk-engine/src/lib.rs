//! hmbulk-engine: the import/export engine of hmbulk, which moves contacts
//! between spreadsheets and the Heymarket contacts API. It knows nothing of
//! the command line: the `hmbulk` binary parses flags, builds a run's plan
//! and calls one run ([`import`], [`export::run`], [`status`], [`delete`]).
//!
//! The import, one module per stage, data flowing one way (no two top-level
//! modules import each other, directly or round a loop: CI checks it):
//!
//! ```text
//! input (encoding, delimiter, records; vcard, workbook, title_lines) -> mapping (header -> field)
//!   -> contact (normalise + validate, with phone) -> dedupe
//!   -> pipeline (validator threads, decide) -> batch (upsert plan, split on refusal: halves)
//!   -> api (auth, rate limit, retries) -> report (results, errors, summary), journal
//! ```
//!
//! `journal` records what each batch sent and how it ended, so that a
//! stopped import can be resumed. Export pages through the API (`export`)
//! and writes CSV, JSON lines or a workbook. The simulator every test talks
//! to is its own crate, `heymarket-sim`.

#![warn(unreachable_pub)]
// The module docs are the map of the stages, and name the private modules
// and items a reader goes to next; CI builds the docs with
// `--document-private-items`, where every such link resolves.
#![allow(rustdoc::private_intra_doc_links)]

pub mod api;
pub mod atomic_file;
pub mod batch;
pub mod catalog;
pub mod channel;
pub mod choice;
pub mod consent;
pub mod contact;
pub mod country;
pub mod dedupe;
pub mod delete;
pub mod error;
pub mod export;
pub mod formula;
mod halves;
pub mod header;
pub mod import;
pub mod input;
pub mod journal;
pub mod lookup;
pub mod mapping;
pub mod names_file;
pub mod outcome;
pub mod phone;
pub mod pipeline;
pub mod progress;
pub mod redact;
pub mod report;
pub mod report_html;
pub mod status;
pub mod terminal_text;
pub mod vcard;
