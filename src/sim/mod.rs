//! heymarket-sim: a faithful local simulator of the Heymarket contacts API.

pub mod cli;
