//! The simulator's API as the tests use it to set up and check state
//! beside the `hmbulk` runs: statuses and channels (which the admin routes
//! neither seed nor show), and request counts by route.

use reqwest::blocking::Client;
use serde_json::{Value, json};

use crate::workdir::{KEY, Workdir};

fn call(wd: &Workdir, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
    let mut request = Client::new()
        .request(method, format!("{}{path}", wd.sim().url()))
        .bearer_auth(KEY);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().expect("the simulator answers");
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().expect("a JSON answer")
}

/// `set_status` for contact `id`.
pub fn set_status(wd: &Workdir, id: i64, status: &str) {
    call(
        wd,
        reqwest::Method::POST,
        "/v1/contact/set_status",
        Some(json!({"id": id, "status": status})),
    );
}

/// The contact's channels as `(type, id)`, its own phone first.
pub fn channels(wd: &Workdir, uuid: &str) -> Vec<(String, String)> {
    let list = call(
        wd,
        reqwest::Method::GET,
        &format!("/v2/contact/{uuid}/channels"),
        None,
    );
    list.as_array()
        .expect("a list")
        .iter()
        .map(|c| {
            (
                c["channel_type"].as_str().unwrap().to_string(),
                c["channel_id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Requests the simulator took on `route` (`"POST /v1/contact/set_status"`).
pub fn requests(wd: &Workdir, route: &str) -> u64 {
    wd.sim().stats()["requests"][route].as_u64().unwrap_or(0)
}

/// Seeds contacts with these phones (and the given fields); gives them as stored.
pub fn seed(wd: &Workdir, contacts: &[Value]) -> Vec<Value> {
    wd.sim().seed(contacts, false)
}

/// The stored contact whose phone is `phone`.
pub fn contact(wd: &Workdir, phone: &str) -> Option<Value> {
    wd.sim()
        .contacts()
        .into_iter()
        .find(|c| c["phone"] == phone)
}

/// `(is_opted_out, blocked)` of the stored contact with this phone.
pub fn flags(wd: &Workdir, phone: &str) -> (bool, bool) {
    let c = contact(wd, phone).unwrap_or_else(|| panic!("no contact {phone}"));
    (
        c["is_opted_out"].as_bool().unwrap(),
        c["blocked"].as_bool().unwrap(),
    )
}
