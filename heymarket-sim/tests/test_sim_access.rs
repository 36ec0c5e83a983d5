//! heymarket-sim: authentication, X-Request-Id, rate limit, injected faults
//! (500s, connection resets, latency) and the binary.

mod sim_common;

use std::process::Command;
use std::time::{Duration, Instant};

use heymarket_sim::{Sim, SimConfig};
use serde_json::json;
use sim_common::{
    Api, KEY, SECRET_ID, SECRET_KEY, client, config, jwt, jwt_signed, now, person, send_raw,
    spawn_binary,
};

fn inboxes_with(api: &Api, token: Option<&str>) -> sim_common::Reply {
    let mut request = api.client.get(api.url("/v1/inboxes"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    send_raw(request).expect("answer")
}

#[test]
fn legacy_key_is_accepted_and_others_are_401() {
    let api = Api::new();
    let ok = inboxes_with(&api, Some(KEY));
    assert_eq!(ok.status, 200);
    assert!(ok.body.as_array().is_some_and(|a| !a.is_empty()));
    assert!(ok.headers.contains_key("x-request-id"));

    for token in [Some("wrong-key"), Some(""), None] {
        let denied = inboxes_with(&api, token);
        assert_eq!(denied.status, 401, "{token:?}");
        assert_eq!(denied.body["error"], "unauthorized");
        assert!(!denied.message().is_empty());
        assert!(denied.headers.contains_key("x-request-id"));
    }
    let basic = send_raw(
        api.client
            .get(api.url("/v1/inboxes"))
            .basic_auth(KEY, Some("")),
    )
    .unwrap();
    assert_eq!(basic.status, 401);
}

#[test]
fn jwts_must_be_signed_fresh_and_ours() {
    let api = Api::new();
    let t = now();
    assert_eq!(
        inboxes_with(&api, Some(&jwt(SECRET_ID, SECRET_KEY, t))).status,
        200
    );
    // Slightly in the future (clock skew) is fine, far in the future is not.
    assert_eq!(
        inboxes_with(&api, Some(&jwt(SECRET_ID, SECRET_KEY, t + 30))).status,
        200
    );
    let cases = [
        ("wrong signing key", jwt(SECRET_ID, "other-key", t)),
        ("wrong issuer", jwt("someone-else", SECRET_KEY, t)),
        ("expired", jwt(SECRET_ID, SECRET_KEY, t - 301)),
        ("from the future", jwt(SECRET_ID, SECRET_KEY, t + 600)),
        ("garbage", "a.b.c".to_string()),
    ];
    for (what, token) in cases {
        let reply = inboxes_with(&api, Some(&token));
        assert_eq!(reply.status, 401, "{what}: {:?}", reply.body);
        assert_eq!(reply.body["error"], "unauthorized");
    }
    let hs512 = jwt_signed("HS512", SECRET_ID, SECRET_KEY, t);
    assert_eq!(inboxes_with(&api, Some(&hs512)).status, 401);
}

#[test]
fn jwt_ttl_is_configurable() {
    let api = Api::start(SimConfig {
        jwt_ttl_secs: 1,
        ..config()
    });
    let t = now();
    assert_eq!(
        inboxes_with(&api, Some(&jwt(SECRET_ID, SECRET_KEY, t))).status,
        200
    );
    let old = inboxes_with(&api, Some(&jwt(SECRET_ID, SECRET_KEY, t - 3)));
    assert_eq!(old.status, 401);
    assert!(old.message().contains("expired"), "{}", old.message());
}

#[test]
fn unknown_routes_are_json_404s() {
    let api = Api::new();
    let reply = api.get("/v1/nothing-here");
    assert_eq!(reply.status, 404);
    assert_eq!(reply.body["error"], "not_found");
    assert!(reply.headers.contains_key("x-request-id"));
    let admin = send_raw(api.client.get(api.url("/_sim/stats"))).unwrap();
    assert!(admin.headers.contains_key("x-request-id"));
}

#[test]
fn rate_limit_answers_429_with_retry_after_past_the_limit() {
    let api = Api::start(SimConfig {
        rate_limit: 5,
        ..config()
    });
    for i in 0..5 {
        assert_eq!(api.get("/v1/inboxes").status, 200, "request {i}");
    }
    let limited = api.get("/v1/inboxes");
    assert_eq!(limited.status, 429);
    assert_eq!(limited.body["error"], "rate_limited");
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");

    // Admin routes are never limited; another credential has its own window.
    for _ in 0..10 {
        api.sim.stats();
    }
    let jwt = jwt(SECRET_ID, SECRET_KEY, now());
    assert_eq!(inboxes_with(&api, Some(&jwt)).status, 200);
    assert_eq!(api.get("/v1/inboxes").status, 429);

    let stats = api.sim.stats();
    assert_eq!(stats["rate_limited"], 2);
    assert_eq!(stats["requests"]["GET /v1/inboxes"], 8);
    assert_eq!(stats["requests_total"], 8);
}

#[test]
fn retry_after_can_be_switched_off() {
    let api = Api::start(SimConfig {
        rate_limit: 1,
        retry_after: false,
        ..config()
    });
    assert_eq!(api.get("/v1/team").status, 200);
    let limited = api.get("/v1/team");
    assert_eq!(limited.status, 429);
    assert!(!limited.headers.contains_key("retry-after"));
}

#[test]
fn injected_500s_never_write_and_200s_always_do() {
    let api = Api::start(SimConfig {
        fail_rate: 0.5,
        seed: 42,
        ..config()
    });
    let (mut failures, mut successes) = (0, 0);
    for i in 0..16 {
        let before = api.sim.contacts();
        let phone = format!("1415555{i:04}");
        let reply = api.post("/v2/contacts", json!({"contacts": [person(&phone, "F")]}));
        let after = api.sim.contacts();
        match reply.status {
            500 => {
                failures += 1;
                assert_eq!(reply.body["error"], "server_error");
                assert_eq!(before, after, "a 500 left a trace");
            }
            200 => {
                successes += 1;
                assert_eq!(after.len(), before.len() + 1);
                assert!(after.iter().any(|c| c["phone"] == phone.as_str()));
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(failures > 0 && successes > 0, "{failures} / {successes}");
    assert_eq!(api.sim.stats()["failures_injected"], failures);
}

#[test]
fn the_same_seed_gives_the_same_faults() {
    let statuses = || {
        let api = Api::start(SimConfig {
            fail_rate: 0.5,
            seed: 7,
            ..config()
        });
        (0..12)
            .map(|_| api.get("/v1/team").status)
            .collect::<Vec<_>>()
    };
    assert_eq!(statuses(), statuses());
}

#[test]
fn a_reset_applies_the_write_and_sends_no_answer() {
    let api = Api::start(SimConfig {
        reset_rate: 1.0,
        ..config()
    });
    let request = api
        .client
        .post(api.url("/v2/contacts"))
        .bearer_auth(KEY)
        .json(&json!({"contacts": [person("14155550001", "Reset")]}));
    let error = send_raw(request).expect_err("no answer");
    assert!(error.status().is_none());
    let stored = api.sim.contacts();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["first"], "Reset");
    assert_eq!(api.sim.stats()["resets_injected"], 1);
}

#[test]
fn latency_delays_answers() {
    let api = Api::start(SimConfig {
        latency_ms: 250,
        ..config()
    });
    let started = Instant::now();
    assert_eq!(api.get("/v1/team").status, 200);
    assert!(started.elapsed() >= Duration::from_millis(250));
}

#[test]
fn a_config_out_of_range_does_not_start() {
    let bad = SimConfig {
        fail_rate: 1.5,
        ..config()
    };
    assert!(Sim::start(bad).is_err());
}

#[test]
fn the_binary_serves_until_killed() {
    let (mut child, url) = spawn_binary(["--port", "0", "--api-key", "K", "--samples"]);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let reply = send_raw(client().get(format!("{url}/v1/team")).bearer_auth("K")).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["name"], "Acme Retail");
}

#[test]
fn the_binary_rejects_bad_flags_and_files_with_exit_2() {
    let bin = env!("CARGO_BIN_EXE_heymarket-sim");
    let cases: [&[&str]; 4] = [
        &["--port", "0", "--api-key", "K", "--fail-rate", "2"],
        &[
            "--port",
            "0",
            "--api-key",
            "K",
            "--fields",
            "/nonexistent/fields.json",
        ],
        &["--port", "0", "--api-key", "K", "--cursor", "sideways"],
        &["--port", "0"],
    ];
    for args in cases {
        let out = Command::new(bin)
            .args(args)
            .env_remove("HEYMARKET_SIM_API_KEY")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        assert!(!out.stderr.is_empty());
    }
}
