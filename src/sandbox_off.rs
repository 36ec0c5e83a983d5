//! `--sandbox` in a build without the `sandbox` feature (no simulator linked
//! in): every use of it is a usage error that says how to get it.

use std::path::{Path, PathBuf};

use hmbulk_engine::api::{Client, ClientOptions};
use hmbulk_engine::error::{Error, Result};

/// No sandbox can exist in this build.
pub enum Sandbox {}

fn not_built() -> Error {
    Error::usage(
        "this hmbulk was built without the sandbox (the `sandbox` feature); \
         build it with default features (`cargo install --path .`) to use --sandbox",
    )
}

impl Sandbox {
    pub fn folder(_explicit: Option<&Path>) -> Result<PathBuf> {
        Err(not_built())
    }

    pub fn open(_dir: &Path) -> Result<Sandbox> {
        Err(not_built())
    }

    pub fn reset(_dir: &Path, _demo: bool) -> Result<usize> {
        Err(not_built())
    }

    pub fn client(&self, _options: ClientOptions) -> Result<Client> {
        match *self {}
    }

    pub fn dir(&self) -> &Path {
        match *self {}
    }

    pub fn contact_count(&self) -> Result<usize> {
        match *self {}
    }

    pub fn describe(&self) -> String {
        match *self {}
    }
}
