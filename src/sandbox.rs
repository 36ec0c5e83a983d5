//! `--sandbox`: a heymarket-sim started in-process on a free loopback port,
//! seeded with the sample custom fields, tags and team (and, for export, a
//! few hundred demo contacts), plus a client for it with a throwaway key.
//! Lets the README's first command run the whole job with no account.

use serde_json::{Value, json};

use crate::api::{Client, ClientOptions, Credentials};
use crate::error::{Error, Result};
use crate::sim::{Sim, SimConfig};

pub struct Sandbox {
    sim: Sim,
    key: String,
}

impl Sandbox {
    /// An empty simulator that knows the sample fields, tags and team.
    pub fn start() -> Result<Sandbox> {
        let key = format!("sandbox-{}", uuid::Uuid::new_v4());
        let config = SimConfig {
            api_key: Some(key.clone()),
            ..SimConfig::default()
        }
        .with_samples();
        let sim = Sim::start(config)
            .map_err(|e| Error::usage(format!("cannot start the sandbox simulator: {e}")))?;
        Ok(Sandbox { sim, key })
    }

    /// The same, holding 300 demo contacts, for trying `export`.
    pub fn start_with_demo_contacts() -> Result<Sandbox> {
        let sandbox = Sandbox::start()?;
        sandbox.sim.seed(&demo_contacts(300), false);
        Ok(sandbox)
    }

    pub fn client(&self, options: ClientOptions) -> Result<Client> {
        Client::new(
            &self.sim.url(),
            Credentials::ApiKey(self.key.clone()),
            options,
        )
    }

    pub fn url(&self) -> String {
        self.sim.url()
    }

    pub fn contact_count(&self) -> usize {
        self.sim.stats()["contacts"].as_u64().unwrap_or(0) as usize
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
