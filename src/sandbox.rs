//! `--sandbox`: a heymarket-sim started in-process on a free loopback port
//! whose store is kept in a folder between runs, plus a client for it with a
//! throwaway key. Lets a newcomer import, export, re-import, update, opt out
//! and delete across separate commands with no account.
//!
//! Takes a folder (`--sandbox-dir`, else `<user cache>/hmbulk/sandbox`, e.g.
//! `~/.cache/hmbulk/sandbox`) and gives a running [`Sandbox`] over the store
//! saved there as `store.json`. A fresh sandbox holds the sample custom
//! fields, tags and team and no contacts, so what an export shows is what was
//! imported; `hmbulk sandbox reset --demo` fills it with 300 demo contacts.
//! The simulator locks the store for the life of the command: a second
//! command on the same sandbox stops with a clear error instead of
//! clobbering it.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use heymarket_sim::persist::StateFile;
use heymarket_sim::{Sim, SimConfig};
use hmbulk_engine::api::{Client, ClientOptions, Credentials};
use hmbulk_engine::error::{Error, Result};

/// The store's file name inside the sandbox folder.
pub const STORE_FILE: &str = "store.json";

/// How many demo contacts `sandbox reset --demo` stores.
pub const DEMO_CONTACTS: usize = 300;

pub struct Sandbox {
    sim: Sim,
    key: String,
    dir: PathBuf,
}

impl Sandbox {
    /// The sandbox folder: `explicit` when given, else `hmbulk/sandbox` in
    /// the user's cache folder (`$XDG_CACHE_HOME` or `~/.cache` on Linux,
    /// `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows).
    pub fn folder(explicit: Option<&Path>) -> Result<PathBuf> {
        if let Some(dir) = explicit {
            return Ok(dir.to_path_buf());
        }
        dirs::cache_dir()
            .map(|cache| cache.join("hmbulk").join("sandbox"))
            .ok_or_else(|| {
                Error::usage(
                    "no cache folder for the sandbox (HOME is not set): pass --sandbox-dir DIR",
                )
            })
    }

    /// Opens the sandbox kept in `dir` (created when missing): a simulator
    /// over the store saved there, or over a fresh one that knows the sample
    /// fields, tags and team.
    pub fn open(dir: &Path) -> Result<Sandbox> {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::usage(format!(
                "cannot create the sandbox folder {}: {e}",
                dir.display()
            ))
        })?;
        let key = format!("sandbox-{}", uuid::Uuid::new_v4());
        let config = SimConfig {
            api_key: Some(key.clone()),
            state_file: Some(dir.join(STORE_FILE)),
            ..SimConfig::default()
        }
        .with_samples();
        let sim = Sim::start(config).map_err(|e| match e.kind() {
            ErrorKind::WouldBlock => Error::usage(format!(
                "the sandbox in {} is in use by another hmbulk command; wait for it to finish, \
                 or give this one a sandbox of its own with --sandbox-dir DIR",
                dir.display()
            )),
            ErrorKind::InvalidData => Error::usage(format!(
                "{e}\n`hmbulk sandbox reset` empties the sandbox and starts it afresh"
            )),
            _ => Error::usage(format!("cannot start the sandbox simulator: {e}")),
        })?;
        Ok(Sandbox {
            sim,
            key,
            dir: dir.to_path_buf(),
        })
    }

    /// Empties the sandbox in `dir` (created when missing); with `demo`,
    /// stores the 300 demo contacts in it. Gives how many contacts it holds.
    pub fn reset(dir: &Path, demo: bool) -> Result<usize> {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::usage(format!(
                "cannot create the sandbox folder {}: {e}",
                dir.display()
            ))
        })?;
        {
            let store = StateFile::open(&dir.join(STORE_FILE)).map_err(|e| {
                if e.kind() == ErrorKind::WouldBlock {
                    Error::usage(format!(
                        "the sandbox in {} is in use by another hmbulk command; reset it when that one is done",
                        dir.display()
                    ))
                } else {
                    Error::usage(e.to_string())
                }
            })?;
            store.remove().map_err(|e| Error::usage(e.to_string()))?;
        }
        let sandbox = Sandbox::open(dir)?;
        if demo {
            sandbox
                .sim
                .try_seed(&demo_contacts(DEMO_CONTACTS), false)
                .map_err(|e| Error::usage(format!("cannot store the demo contacts: {e}")))?;
        }
        sandbox.contact_count()
    }

    pub fn client(&self, options: ClientOptions) -> Result<Client> {
        Client::new(
            &self.sim.url(),
            Credentials::ApiKey(self.key.clone()),
            options,
        )
    }

    /// The folder the store is kept in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// How many contacts the store holds (the simulator's `/_sim/stats`).
    pub fn contact_count(&self) -> Result<usize> {
        let stats = self
            .sim
            .try_stats()
            .map_err(|e| Error::usage(format!("cannot count the sandbox's contacts: {e}")))?;
        Ok(stats["contacts"].as_u64().unwrap_or(0) as usize)
    }

    /// One line for the user: what the sandbox holds and where it lives.
    pub fn describe(&self) -> String {
        let count = self.contact_count();
        let n = match &count {
            Ok(n) => format!("{n} contacts"),
            Err(e) => e.to_string(),
        };
        let mut line = format!(
            "sandbox: a local simulator whose store is kept in {} ({n}; `hmbulk sandbox reset` empties it)",
            self.dir.display()
        );
        if matches!(count, Ok(0)) {
            line.push_str(
                "\nsandbox: it is empty until you import into it (`hmbulk sandbox reset --demo` adds 300 demo contacts)",
            );
        }
        line
    }
}

fn demo_contacts(n: usize) -> Vec<Value> {
    const FIRST: [&str; 8] = [
        "Ava", "Ben", "Chloé", "Dev", "Emma", "Farid", "Grace", "Hugo",
    ];
    const LAST: [&str; 8] = [
        "Nguyen", "Smith", "García", "Okafor", "Müller", "Rossi", "Kim", "Silva",
    ];
    (0..n)
        .map(|i| {
            let (first, last) = (FIRST[i % 8], LAST[(i / 8) % 8]);
            let tier = ["Gold", "Silver", "Bronze"][i % 3];
            json!({
                "phone": format!("1415{:07}", 3_000_000 + i),
                "first": first,
                "last": last,
                "email": format!("{}.{}{i}@example.com", first.to_lowercase(), last.to_lowercase()),
                "tags": if i % 4 == 0 { json!([{"tag_id": 11}]) } else { json!([{"tag_id": 12}]) },
                "custom": { "101": format!("Acme {}", i % 17), "103": tier },
                "assignee_id": 501 + (i % 3) as i64,
            })
        })
        .collect()
}
