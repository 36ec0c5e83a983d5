//! heymarket-sim with a state file: the store (contacts, statuses, channels,
//! tags, deletions, id counters) survives a restart and a `kill -9`; a second
//! simulator on the same file is refused; a damaged file is named, not used.

mod sim_common;

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Child, Command};

use heymarket_sim::{Sim, SimConfig};
use serde_json::{Value, json};
use sim_common::{Api, KEY, client, config, person, send_raw, spawn_binary};

fn with_state(path: &Path) -> SimConfig {
    SimConfig {
        state_file: Some(path.to_path_buf()),
        ..config()
    }
}

#[test]
fn the_store_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.json");
    let (before, tags_before) = {
        let api = Api::start(with_state(&path));
        let stored = api.create(vec![
            person("15105553001", "Ada"),
            person("15105553002", "Bob"),
            json!({"phone": "15105553003", "first": "Cy", "tags": [{"tag_id": 11}],
                   "custom": {"101": "Acme"}, "assignee_id": 501}),
        ]);
        let uuid = stored[0]["uuid"].as_str().unwrap();
        let channel = api.post(
            &format!("/v2/contact/{uuid}/channel"),
            json!({"channel_type": "email", "channel_id": "ada@example.com"}),
        );
        assert_eq!(channel.status, 200);
        let status = api.post(
            "/v1/contact/set_status",
            json!({"phone": "15105553002", "status": "blocked"}),
        );
        assert_eq!(status.status, 200);
        assert_eq!(api.post("/v1/tag", json!({"tag": "Kept"})).status, 200);
        let gone = stored[2]["uuid"].as_str().unwrap();
        api.delete(
            "/v2/contacts",
            json!({"contact_channels": [{"channel_type": "id", "channel_ids": [gone]}]}),
        );
        (api.sim.contacts(), api.post("/v1/tags", json!({})).body)
    };
    assert!(path.exists());

    let api = Api::start(with_state(&path));
    assert_eq!(api.sim.contacts(), before, "every contact as it was");
    assert_eq!(api.post("/v1/tags", json!({})).body, tags_before);
    let uuid = before[0]["uuid"].as_str().unwrap();
    let channels = api.get(&format!("/v2/contact/{uuid}/channels")).body;
    assert_eq!(channels[1]["channel_id"], "ada@example.com");
    let status = api.post("/v1/contact/status", json!({"phone": "15105553002"}));
    assert_eq!(status.body["blocked"], true);
    let next = api.create(vec![person("15105553003", "Cy again")]);
    assert_eq!(next[0]["id"], 4, "ids are never reused, across runs too");
    assert_eq!(api.sim.stats()["writes"], 1, "counters start afresh");
}

#[test]
fn a_second_simulator_on_the_same_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.json");
    let first = Sim::start(with_state(&path)).unwrap();
    let second = Sim::start(with_state(&path)).err().expect("refused");
    assert_eq!(second.kind(), std::io::ErrorKind::WouldBlock);
    assert!(second.to_string().contains("in use"), "{second}");
    drop(first);
    assert!(
        Sim::start(with_state(&path)).is_ok(),
        "free once the first stops"
    );
}

#[test]
fn a_damaged_state_file_stops_the_start_and_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.json");
    std::fs::write(&path, "{\"contacts\": [").unwrap();
    let e = Sim::start(with_state(&path)).err().expect("refused");
    assert!(
        e.to_string().contains("is not a heymarket-sim store"),
        "{e}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"contacts\": [");
}

fn spawn_sim(state: &Path) -> (Child, String) {
    let args = ["--port", "0", "--api-key", KEY, "--samples", "--state"];
    spawn_binary(args.iter().map(OsStr::new).chain([state.as_os_str()]))
}

#[test]
fn the_binary_keeps_every_confirmed_write_through_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.json");
    let (mut child, url) = spawn_sim(&path);
    let contacts: Vec<Value> = (0..50)
        .map(|i| person(&format!("1510555{:04}", 4000 + i), "K"))
        .collect();
    let write = send_raw(
        client()
            .post(format!("{url}/v2/contacts"))
            .bearer_auth(KEY)
            .json(&json!({ "contacts": contacts })),
    )
    .unwrap();
    assert_eq!(write.status, 200);

    // A second simulator on the same file is refused while the first runs.
    let refused = Command::new(env!("CARGO_BIN_EXE_heymarket-sim"))
        .args(["--port", "0", "--api-key", KEY, "--state"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("in use"));

    child.kill().unwrap(); // SIGKILL: no chance to save on the way out
    child.wait().unwrap();
    let (mut child, url) = spawn_sim(&path);
    let count = send_raw(
        client()
            .post(format!("{url}/v1/contacts/count"))
            .bearer_auth(KEY)
            .json(&json!({})),
    )
    .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(count.body["count"], 50);
    assert!(
        !path.with_file_name("store.json.tmp").exists(),
        "no temporary file left behind"
    );
}

#[test]
fn the_binary_names_a_damaged_state_file_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.json");
    std::fs::write(&path, "not json").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_heymarket-sim"))
        .args(["--port", "0", "--api-key", KEY, "--state"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is not a heymarket-sim store"), "{stderr}");
}

/// The admin conveniences `hmbulk --sandbox` uses give a refused call as an
/// error naming the route and the server's message; they never panic.
#[test]
fn an_admin_call_the_simulator_refuses_is_an_error_not_a_panic() {
    let sim = Sim::start(config()).unwrap();
    let refused = sim
        .try_seed(&[json!({"phone": "not a phone"})], false)
        .unwrap_err();
    let message = refused.to_string();
    assert!(message.contains("POST /_sim/seed"), "{message}");
    assert!(message.contains("400"), "{message}");
    assert_eq!(sim.try_contacts().unwrap(), Vec::<Value>::new());
    assert_eq!(sim.try_stats().unwrap()["contacts"], 0);
}
