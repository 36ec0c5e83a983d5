//! heymarket-sim under hostile connections, over raw TCP: idle connections
//! never lock others out, idle and slow connections are closed, a stalled
//! upload is cut off (408), an oversized body is 413, and bodies in flight
//! never hold more memory than the budget of twice the body limit.
//!
//! Timeouts are set to a second so the tests run fast; they assert what
//! happens, never how long it took (each wait has a generous ceiling that
//! only a hung server reaches).

mod sim_common;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use heymarket_sim::{DEFAULT_MAX_BODY_BYTES, SimConfig};
use serde_json::Value;
use sim_common::{Api, KEY, config};

/// A ceiling no healthy run comes near; reaching it fails the test.
const PATIENCE: Duration = Duration::from_secs(30);

fn addr(api: &Api) -> SocketAddr {
    api.sim
        .url()
        .trim_start_matches("http://")
        .parse()
        .expect("the sim's address")
}

fn connect(api: &Api) -> TcpStream {
    let stream = TcpStream::connect(addr(api)).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
}

/// Everything the server sends until it closes the connection. Panics when
/// it neither answers nor closes within [`PATIENCE`].
fn read_to_close(stream: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => break,
            Err(e) => panic!("the server neither answered nor closed: {e}"),
        }
    }
    String::from_utf8_lossy(&got).into_owned()
}

/// A request head for `path` with `extra` header lines.
fn head(method: &str, path: &str, extra: &str) -> String {
    format!(
        "{method} {path} HTTP/1.1\r\nhost: sim\r\nauthorization: Bearer {KEY}\r\ncontent-type: application/json\r\n{extra}\r\n"
    )
}

/// `GET /v1/team` on a fresh connection; gives the status line.
fn team_status(api: &Api) -> String {
    let mut stream = connect(api);
    stream
        .write_all(head("GET", "/v1/team", "connection: close\r\n").as_bytes())
        .unwrap();
    read_to_close(&mut stream)
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

/// Polls `/_sim/stats` until `done` holds for it.
fn wait_for_stats(api: &Api, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let stats = api.sim.stats();
        if done(&stats) {
            return stats;
        }
        assert!(start.elapsed() < PATIENCE, "waited for {what}: {stats}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn idle_connections_do_not_lock_others_out() {
    let api = Api::start(SimConfig {
        max_connections: 8,
        idle_timeout: Duration::from_secs(600),
        ..config()
    });
    // Far more idle connections than the limit, none sending a byte.
    let mut idle: Vec<TcpStream> = (0..60).map(|_| connect(&api)).collect();
    assert!(
        team_status(&api).contains(" 200 "),
        "a real request is served"
    );
    let stats = wait_for_stats(&api, "evictions", |s| {
        s["connections_evicted"].as_u64() >= Some(53)
    });
    assert!(
        stats["connections_open"].as_u64() <= Some(8),
        "never more than the limit open: {stats}"
    );
    // The oldest idle connections were closed to make room.
    assert_eq!(read_to_close(&mut idle[0]), "");
    // A keep-alive client still gets its answers.
    let reply = sim_common::send_raw(api.client.get(api.url("/v1/team")).bearer_auth(KEY)).unwrap();
    assert_eq!(reply.status, 200);
}

#[test]
fn idle_and_slow_heads_are_closed_after_the_idle_timeout() {
    let api = Api::start(SimConfig {
        idle_timeout: Duration::from_secs(1),
        ..config()
    });
    let mut silent = connect(&api);
    let mut slow = connect(&api);
    slow.write_all(b"GET /v1/team HTTP/1.1\r\nhost: sim\r\n")
        .unwrap();
    let mut kept_alive = connect(&api);
    kept_alive
        .write_all(head("GET", "/v1/team", "").as_bytes())
        .unwrap();
    let answered = read_to_close(&mut kept_alive);
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
    assert_eq!(read_to_close(&mut silent), "");
    assert!(!read_to_close(&mut slow).contains(" 200 "));
    wait_for_stats(&api, "the closed connections to go", |s| {
        s["connections_open"].as_u64() <= Some(1)
    });
}

#[test]
fn a_stalled_upload_is_cut_off_with_408() {
    let api = Api::start(SimConfig {
        body_timeout: Duration::from_secs(1),
        ..config()
    });
    let mut upload = connect(&api);
    let body = r#"{"contacts": [{"phone": "15105553344"}]}"#;
    let declared = format!("content-length: {}\r\n", body.len() + 100);
    upload
        .write_all(head("POST", "/v2/contacts", &declared).as_bytes())
        .unwrap();
    upload.write_all(body.as_bytes()).unwrap();
    let answer = read_to_close(&mut upload);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
    assert!(
        api.sim.contacts().is_empty(),
        "a cut-off body writes nothing"
    );
    let stats = api.sim.stats();
    assert_eq!(stats["bodies_timed_out"], 1);
    assert_eq!(stats["body_bytes_held"], 0, "its memory was given back");
    assert!(team_status(&api).contains(" 200 "));
}

#[test]
fn an_oversized_body_is_413_and_not_read() {
    let api = Api::start(SimConfig {
        max_body_bytes: 64 * 1024,
        ..config()
    });
    // Declared too large: answered from the head alone.
    let mut declared = connect(&api);
    declared
        .write_all(head("POST", "/v2/contacts", "content-length: 61865984\r\n").as_bytes())
        .unwrap();
    let answer = read_to_close(&mut declared);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("payload_too_large"), "{answer}");
    assert!(answer.contains("at most 65536 bytes"), "{answer}");

    // Chunked, so only counting finds it.
    let mut chunked = connect(&api);
    chunked
        .write_all(head("POST", "/v2/contacts", "transfer-encoding: chunked\r\n").as_bytes())
        .unwrap();
    let chunk = vec![b' '; 16 * 1024];
    let mut answer = String::new();
    for _ in 0..8 {
        let sent = chunked
            .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .and_then(|()| chunked.write_all(&chunk))
            .and_then(|()| chunked.write_all(b"\r\n"));
        if sent.is_err() {
            break; // the server answered and closed already
        }
    }
    answer.push_str(&read_to_close(&mut chunked));
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    // Just under the limit is read (and judged on its content).
    let under = format!(r#"{{"contacts": []{}}}"#, " ".repeat(60 * 1024));
    let reply = api.post_raw("/v2/contacts", under);
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(api.sim.stats()["bodies_too_large"], 2);
}

#[test]
fn the_default_body_limit_fits_a_full_batch_of_large_contacts() {
    let api = Api::new();
    let contacts: Vec<Value> = (0..1000)
        .map(|i| {
            serde_json::json!({"phone": format!("1510{:07}", 5_000_000 + i),
                "first": "F".repeat(200), "last": "L".repeat(200),
                "email": format!("{}@example.com", "e".repeat(100)),
                "custom": {"101": "C".repeat(1000), "102": "D".repeat(1000)}})
        })
        .collect();
    let body = serde_json::json!({ "contacts": contacts }).to_string();
    assert!(body.len() > 2_500_000 && body.len() < DEFAULT_MAX_BODY_BYTES);
    let reply = api.post_raw("/v2/contacts", body);
    assert_eq!(reply.status, 200, "{:?}", reply.message());
    assert_eq!(api.sim.contacts().len(), 1000);
}

#[test]
fn stalled_uploads_hold_no_more_than_the_budget() {
    let limit = 64 * 1024;
    let api = Api::start(SimConfig {
        max_body_bytes: limit,
        body_timeout: Duration::from_secs(5),
        ..config()
    });
    // Four uploads each send 50 KiB of a declared 60 KiB and stall: 200 KiB
    // sent, more than the budget of 2 × 64 KiB.
    let mut uploads: Vec<TcpStream> = (0..4)
        .map(|_| {
            let mut s = connect(&api);
            s.write_all(head("POST", "/v2/contacts", "content-length: 61440\r\n").as_bytes())
                .unwrap();
            s.write_all(&vec![b' '; 50 * 1024]).unwrap();
            s
        })
        .collect();
    let full = wait_for_stats(&api, "the budget to fill", |s| {
        s["body_bytes_held"].as_u64() >= Some(2 * limit as u64 - 16 * 1024)
    });
    assert!(
        full["body_bytes_held"].as_u64() <= Some(2 * limit as u64),
        "held beyond the budget: {full}"
    );
    for upload in &mut uploads {
        let answer = read_to_close(upload);
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    }
    wait_for_stats(&api, "the budget to be given back", |s| {
        s["body_bytes_held"].as_u64() == Some(0)
    });
    assert!(team_status(&api).contains(" 200 "));
}

#[test]
fn with_every_connection_busy_a_newcomer_is_refused_with_503() {
    let api = Api::start(SimConfig {
        max_connections: 1,
        body_timeout: Duration::from_secs(1),
        latency_ms: 3000,
        ..config()
    });
    let mut busy = connect(&api);
    busy.write_all(head("GET", "/v1/team", "connection: close\r\n").as_bytes())
        .unwrap();
    // The busy connection is not idle (its request runs for 3 s), and it came
    // too recently to be taken for idle before its request was read.
    let mut newcomer = connect(&api);
    let answer = read_to_close(&mut newcomer);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("server_busy"), "{answer}");
    assert!(read_to_close(&mut busy).starts_with("HTTP/1.1 200"));
    assert_eq!(api.sim.stats()["connections_refused"], 1);
}
