//! Shared helpers for the simulator's tests: start a `Sim` with the sample
//! catalog and talk real HTTP to it (reqwest blocking, no proxy), read answers
//! as `Reply { status, headers, body }`, mint JWTs.

#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use heymarket_sim::{Sim, SimConfig};
use hmac::{Hmac, Mac};
use reqwest::blocking::{Client, RequestBuilder};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

pub const KEY: &str = "test-api-key";
pub const SECRET_ID: &str = "secret-id-1";
pub const SECRET_KEY: &str = "secret-key-1";

/// Key, secret, sample catalog, no rate limit.
pub fn config() -> SimConfig {
    SimConfig {
        api_key: Some(KEY.to_string()),
        secret: Some((SECRET_ID.to_string(), SECRET_KEY.to_string())),
        rate_limit: 0,
        ..SimConfig::default()
    }
    .with_samples()
}

/// An answer: status, headers and the body as JSON (a non-JSON body as a string).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The `message` of an error answer.
    pub fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or("")
    }

    /// Asserts a 400 `bad_data` whose message contains `part`.
    pub fn assert_bad_data(&self, part: &str) {
        assert_eq!(self.status, 400, "{:?}", self.body);
        assert_eq!(self.body["error"], "bad_data", "{:?}", self.body);
        assert!(
            self.message().contains(part),
            "message {:?} lacks {part:?}",
            self.message()
        );
    }
}

/// A running simulator and a client that authenticates with `token`.
pub struct Api {
    pub sim: Sim,
    pub client: Client,
    pub token: String,
}

impl Api {
    pub fn start(config: SimConfig) -> Api {
        let token = config.api_key.clone().unwrap_or_default();
        Api {
            sim: Sim::start(config).expect("sim starts"),
            client: client(),
            token,
        }
    }

    /// A simulator with [`config`].
    pub fn new() -> Api {
        Api::start(config())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sim.url())
    }

    /// Sends `request` with this API's token.
    pub fn send(&self, request: RequestBuilder) -> Reply {
        let request = request.bearer_auth(&self.token);
        send_raw(request).expect("the sim answers")
    }

    pub fn get(&self, path: &str) -> Reply {
        self.send(self.client.get(self.url(path)))
    }

    pub fn post(&self, path: &str, body: Value) -> Reply {
        self.send(self.client.post(self.url(path)).json(&body))
    }

    /// Posts `body` as it is, as JSON.
    pub fn post_raw(&self, path: &str, body: String) -> Reply {
        self.send(
            self.client
                .post(self.url(path))
                .header("content-type", "application/json")
                .body(body),
        )
    }

    pub fn delete(&self, path: &str, body: Value) -> Reply {
        self.send(self.client.delete(self.url(path)).json(&body))
    }

    /// Creates contacts through `POST /v2/contacts`; gives the stored ones.
    pub fn create(&self, contacts: Vec<Value>) -> Vec<Value> {
        let reply = self.post("/v2/contacts", json!({ "contacts": contacts }));
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        assert_eq!(reply.body["failed_contacts"], json!([]), "{:?}", reply.body);
        reply.body["contacts"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

/// A client that never goes through a proxy.
pub fn client() -> Client {
    Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client builds")
}

/// Sends `request` as it is; a transport error comes back as `Err`.
pub fn send_raw(request: RequestBuilder) -> reqwest::Result<Reply> {
    let response = request.send()?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text()?;
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Ok(Reply {
        status,
        headers,
        body,
    })
}

/// A write-shaped contact with phone `phone` and first name `first`.
pub fn person(phone: &str, first: &str) -> Value {
    json!({"phone": phone, "first": first})
}

/// `n` contacts with phones `prefix` + 0001, 0002, ...
pub fn people(prefix: &str, n: usize) -> Vec<Value> {
    (1..=n)
        .map(|i| person(&format!("{prefix}{i:04}"), &format!("P{i}")))
        .collect()
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// An HS256 JWT `{iss, iat}` signed with `"id||key"`.
pub fn jwt(id: &str, key: &str, iat: i64) -> String {
    jwt_signed("HS256", id, key, iat)
}

/// A JWT signed with HMAC `alg` (`HS256` or `HS512`), built here from the
/// recipe rather than by the client's code, so the simulator is checked
/// against a second signer.
pub fn jwt_signed(alg: &str, id: &str, key: &str, iat: i64) -> String {
    let part = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let input = format!(
        "{}.{}",
        part(json!({"alg": alg, "typ": "JWT"})),
        part(json!({"iss": id, "iat": iat}))
    );
    let secret = format!("{id}||{key}");
    let signature = match alg {
        "HS256" => {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
            mac.update(input.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        "HS512" => {
            let mut mac = Hmac::<sha2::Sha512>::new_from_slice(secret.as_bytes()).unwrap();
            mac.update(input.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        other => panic!("no signer for {other}"),
    };
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// The ids of contacts, in order.
pub fn ids(contacts: &[Value]) -> Vec<i64> {
    contacts
        .iter()
        .map(|c| c["id"].as_i64().expect("id"))
        .collect()
}

/// The `heymarket-sim` binary started with `args`, and the URL its first
/// line says it listens on.
pub fn spawn_binary<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_heymarket-sim"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn heymarket-sim");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    (child, url)
}
