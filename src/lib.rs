//! hmbulk: move contacts between CSV files and the Heymarket contacts API.
//!
//! The import pipeline, one module per stage, data flowing one way:
//!
//! ```text
//! input (encoding, delimiter, records) -> mapping (header -> field)
//!   -> contact (normalise + validate, with phone) -> dedupe
//!   -> batch (chunk, upsert plan, split on 400) -> api (auth, rate limit, retries)
//!   -> report (results, errors, summary)
//! ```
//!
//! Export pages through the API (`export`) and writes CSV or JSON lines.
//! `sim` is heymarket-sim, the local simulator every test talks to.

pub mod api;
pub mod atomic_file;
pub mod batch;
pub mod catalog;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod contact;
pub mod country;
pub mod dedupe;
pub mod error;
pub mod export;
pub mod formula;
pub mod input;
pub mod mapping;
pub mod outcome;
pub mod phone;
pub mod pipeline;
pub mod progress;
pub mod redact;
pub mod report;
pub mod sandbox;
pub mod sim;
