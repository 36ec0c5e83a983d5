//! Reader and writer set-up that every command shares (xsv's `Config`):
//! `Config::new(path).delimiter(Some(b';')).reader()?` opens an input file with
//! its encoding detected and its delimiter sniffed.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::input::RowReader;

#[derive(Debug, Clone)]
pub struct Config {
    path: PathBuf,
    delimiter: Option<u8>,
}

impl Config {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Config {
            path: path.into(),
            delimiter: None,
        }
    }

    /// Force a delimiter instead of sniffing one.
    pub fn delimiter(mut self, delimiter: Option<u8>) -> Self {
        self.delimiter = delimiter;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Open the file: detect its encoding, sniff its delimiter, read its header.
    /// A missing, empty or undecodable file is a usage error naming the file.
    pub fn reader(&self) -> Result<RowReader> {
        todo!()
    }
}
