//! `--sandbox`: a heymarket-sim started in-process on a free loopback port,
//! seeded with the sample custom fields, tags and team, and a client for it.
//! Lets the README's first command run the whole job with no key.

use crate::api::{Client, ClientOptions};
use crate::error::{Error, Result};

pub struct Sandbox {
    _todo: (),
}

impl Sandbox {
    pub fn start() -> Result<Sandbox> {
        Err(Error::NotBuilt("--sandbox"))
    }

    pub fn start_with_demo_contacts() -> Result<Sandbox> {
        Err(Error::NotBuilt("--sandbox"))
    }

    pub fn client(&self, _options: ClientOptions) -> Result<Client> {
        Err(Error::NotBuilt("--sandbox"))
    }

    pub fn url(&self) -> String {
        String::new()
    }

    pub fn contact_count(&self) -> usize {
        0
    }
}
