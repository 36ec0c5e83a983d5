//! The `hmbulk` binary against a hostile server (tests/hostile): the
//! transport rules (https, no redirects, bodies capped and read with
//! timeouts, usage errors for what cannot be sent), answers of the wrong
//! shape, secrets kept out of every message, and `validate` going offline
//! when the API is out of reach. Each run is watched: its peak memory is
//! bounded and it must end (a liveness bound, not a speed check).
//! Export robustness is in `test_hostile_export`.

use std::net::{Ipv4Addr, TcpListener, UdpSocket};
use std::process::Command;
use std::time::Duration;

use serde_json::json;

use crate::hostile::{Hostile, Reply, Watched, watch};
use crate::workdir::{KEY, Workdir, code, stderr};

/// Peak memory a run may reach whatever the server sends. Idle, the debug
/// binary takes about 15 MiB; a 16 MiB answer, parsed, about 60 MiB more.
pub(crate) const MAX_RSS_MIB: u64 = 200;
/// A run that takes longer hangs or loops.
pub(crate) const LIVENESS: Duration = Duration::from_secs(60);

/// `hmbulk <args> --rate 0` aimed at `server` with the legacy key [`KEY`].
pub(crate) fn at(wd: &Workdir, server: &Hostile, args: &[&str]) -> Command {
    let mut cmd = wd.command(args);
    // validate sends nothing and takes no --rate.
    if args.first() != Some(&"validate") {
        cmd.args(["--rate", "0"]);
    }
    cmd.env("HEYMARKET_BASE_URL", server.url())
        .env("HEYMARKET_API_KEY", KEY);
    cmd
}

pub(crate) fn run_at(wd: &Workdir, server: &Hostile, args: &[&str]) -> Watched {
    watch(at(wd, server, args), MAX_RSS_MIB, LIVENESS)
}

pub(crate) fn people(wd: &Workdir, n: usize) {
    let mut rows = vec![vec!["phone".to_string(), "first".to_string()]];
    rows.extend((0..n).map(|i| vec![format!("(415) 555-{:04}", 100 + i), format!("P{i}")]));
    let refs: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    wd.create("people.csv", &refs);
}

/// The run ended with `code`, and its stderr says `expect`.
pub(crate) fn assert_ends(run: &Watched, code: i32, expect: &str) {
    assert_eq!(run.code(), code, "{}", run.stderr());
    assert!(
        run.stderr().contains(expect),
        "expected {expect:?} in: {}",
        run.stderr()
    );
}

/// Every file in the workdir, by name.
pub(crate) fn files(wd: &Workdir) -> Vec<String> {
    std::fs::read_dir(wd.path(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

pub(crate) fn temp_files(wd: &Workdir) -> Vec<String> {
    files(wd)
        .into_iter()
        .filter(|f| f.ends_with(".hmbulk-tmp") || f.starts_with(".tmp"))
        .collect()
}

/// This machine's address on its default route, when it has one that is
/// not loopback.
fn non_loopback_ip() -> Option<Ipv4Addr> {
    let socket = UdpSocket::bind("0.0.0.0:0").ok()?;
    // No packet is sent: connecting a UDP socket only picks a route.
    socket.connect("192.0.2.1:9").ok()?;
    match socket.local_addr().ok()?.ip() {
        std::net::IpAddr::V4(ip) if !ip.is_loopback() && !ip.is_unspecified() => Some(ip),
        _ => None,
    }
}

#[test]
fn plain_http_to_a_remote_host_is_refused_before_anything_is_sent() {
    let wd = Workdir::new();
    people(&wd, 2);
    for args in [
        &["import", "people.csv", "--retries", "0"][..],
        &["validate", "people.csv"],
        &["export", "--out", "all.csv", "--retries", "0"],
    ] {
        let out = wd
            .command(args)
            .env("HEYMARKET_BASE_URL", "http://api.example.com")
            .env("HEYMARKET_API_KEY", KEY)
            .output()
            .unwrap();
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("plain http"), "{}", stderr(&out));
        assert!(stderr(&out).contains("https://"), "{}", stderr(&out));
    }
    // A listener on this machine's own network address: nothing reaches it.
    if let Some(ip) = non_loopback_ip() {
        let server = Hostile::start_on("0.0.0.0", |_| Reply::Default);
        let out = wd
            .command(&["import", "people.csv", "--retries", "0"])
            .env("HEYMARKET_BASE_URL", format!("http://{ip}:{}", server.port))
            .env("HEYMARKET_API_KEY", KEY)
            .output()
            .unwrap();
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert!(server.requests().is_empty(), "the key went out in clear");
    }
}

#[test]
fn a_malformed_base_url_or_credential_is_a_usage_error_at_once() {
    let wd = Workdir::new();
    people(&wd, 2);
    let server = Hostile::start(|_| Reply::Default);
    for url in [
        "htp:/x y",
        "https://",
        "api.heymarket.com",
        "https://user:pw@api.example.com",
    ] {
        let out = at(
            &wd,
            &server,
            &["export", "--out", "x.csv", "--retries", "0"],
        )
        .env("HEYMARKET_BASE_URL", url)
        .output()
        .unwrap();
        assert_eq!(code(&out), 2, "{url}: {}", stderr(&out));
        assert!(stderr(&out).contains("--base-url"), "{}", stderr(&out));
    }
    let secret = "sk_ctrl\u{1}_Q7x9Lm2";
    let out = at(&wd, &server, &["import", "people.csv", "--retries", "0"])
        .env("HEYMARKET_API_KEY", secret)
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("HEYMARKET_API_KEY") && err.contains("control character"),
        "{err}"
    );
    assert!(
        !err.contains("Q7x9Lm2") && !err.contains("sk_ctrl"),
        "{err}"
    );
    let out = at(&wd, &server, &["validate", "people.csv"])
        .env("HEYMARKET_SECRET_ID", "team-1")
        .env("HEYMARKET_SECRET_KEY", "abc\u{7f}defghij")
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("HEYMARKET_SECRET_KEY"),
        "{}",
        stderr(&out)
    );
    assert!(server.requests().is_empty(), "nothing is sent");
}

#[test]
fn redirects_are_never_followed_and_nothing_reaches_the_other_origin() {
    let elsewhere = Hostile::start(|_| Reply::Default);
    let there = elsewhere.url();
    let server = Hostile::start(move |r| match r.route().as_str() {
        "POST /v2/contacts/search" | "POST /v2/contacts" | "POST /v2/contacts/list" => {
            Reply::Redirect(307, format!("{there}{}", r.path))
        }
        _ => Reply::Default,
    });
    let wd = Workdir::new();
    people(&wd, 3);
    let run = run_at(&wd, &server, &["import", "people.csv"]);
    assert_ends(&run, 3, "307");
    assert!(
        run.stderr().contains(&elsewhere.url()),
        "names the Location: {}",
        run.stderr()
    );
    let run = run_at(&wd, &server, &["export", "--out", "all.csv"]);
    assert_ends(&run, 3, "never follows a redirect");
    assert!(
        elsewhere.requests().is_empty(),
        "contacts or the key went to another origin: {:?}",
        elsewhere.requests()
    );
    assert!(!wd.path("all.csv").exists());
}

#[test]
fn huge_and_endless_answers_are_cut_off_in_bounded_memory() {
    for (name, reply) in [
        ("1 GiB", Reply::Huge { length: 1 << 30 }),
        ("endless", Reply::Endless),
    ] {
        let server = Hostile::start(move |r| match r.route().as_str() {
            "POST /v2/contacts/list" | "POST /v2/contacts/search" => reply.clone(),
            "POST /v1/contacts/count" => Reply::Json(200, r#"{"count": 5}"#.into()),
            _ => Reply::Default,
        });
        let wd = Workdir::new();
        let run = run_at(&wd, &server, &["export", "--out", "all.csv"]);
        assert_ends(&run, 3, "larger than 16 MiB");
        eprintln!("{name} export answer: peak RSS {} KiB", run.peak_rss_kib);
        people(&wd, 3);
        let run = run_at(&wd, &server, &["import", "people.csv"]);
        assert_ends(&run, 3, "larger than 16 MiB");
        eprintln!("{name} search answer: peak RSS {} KiB", run.peak_rss_kib);
        assert!(temp_files(&wd).is_empty(), "{:?}", temp_files(&wd));
    }
}

#[test]
fn answers_of_the_wrong_shape_stop_the_export_with_a_clear_message() {
    let html = "<!DOCTYPE html><html><head><title>Sign in - Corporate Proxy</title></head>\
                <body>please log in</body></html>";
    let cases: [(&str, Reply, &str); 7] = [
        (
            "POST /v2/contacts/list",
            Reply::Json(200, "{}".into()),
            "POST /v2/contacts/list",
        ),
        (
            "POST /v2/contacts/list",
            Reply::Json(200, r#"[{"id": 1}, {"id": "x1"}, 7]"#.into()),
            "without an integer id",
        ),
        (
            "POST /v2/contacts/list",
            Reply::Json(200, r#"[{"id": 1, "phone": 14155550100}]"#.into()),
            "invalid type: integer `14155550100`, expected a string",
        ),
        (
            "POST /v2/contacts/list",
            Reply::Json(200, String::new()),
            "empty answer",
        ),
        (
            "POST /v2/contacts/list",
            Reply::Body {
                status: 200,
                content_type: "text/html",
                body: html.as_bytes().to_vec(),
            },
            "HTML page titled \"Sign in - Corporate Proxy\"",
        ),
        (
            "POST /v1/contacts/count",
            Reply::Json(200, r#"{"count": "many"}"#.into()),
            "no count",
        ),
        (
            "POST /v1/contact-fields",
            Reply::Json(200, r#"{"fields": 1}"#.into()),
            "contact-fields",
        ),
    ];
    for (route, reply, expect) in cases {
        let server = Hostile::start(move |r| {
            if r.route() == route {
                reply.clone()
            } else if r.route() == "POST /v1/contacts/count" {
                Reply::Json(200, r#"{"count": 1}"#.into())
            } else {
                Reply::Default
            }
        });
        let wd = Workdir::new();
        let run = run_at(&wd, &server, &["export", "--out", "all.csv"]);
        assert_ends(&run, 3, "unexpected answer from");
        assert!(run.stderr().contains(expect), "{expect}: {}", run.stderr());
        assert!(!wd.path("all.csv").exists());
    }
}

#[test]
fn an_html_error_page_is_summarised_by_its_title() {
    let mut page = String::from("<!DOCTYPE html><html><head><style>");
    page.push_str(&"body { color: #333; } ".repeat(1_500));
    page.push_str("</style><title>502 Bad Gateway</title></head><body>nginx</body></html>");
    let server = Hostile::start(move |r| match r.route().as_str() {
        "POST /v2/contacts/list" => Reply::Body {
            status: 502,
            content_type: "text/html",
            body: page.clone().into_bytes(),
        },
        _ => Reply::Default,
    });
    let wd = Workdir::new();
    let run = run_at(
        &wd,
        &server,
        &["export", "--out", "all.csv", "--retries", "1"],
    );
    assert_ends(&run, 3, "\"502 Bad Gateway\"");
    assert!(
        run.stderr().len() < 1000,
        "one short line: {}",
        run.stderr()
    );
    assert_eq!(
        server.count("POST /v2/contacts/list"),
        2,
        "a 5xx is retried"
    );
}

#[test]
fn a_stalled_answer_times_out() {
    for (reply, expect) in [
        (Reply::StallHeaders, "no answer within 1 s"),
        (Reply::StallBody, "within 1 s"),
    ] {
        let server = Hostile::start(move |r| match r.route().as_str() {
            "POST /v2/contacts/list" => reply.clone(),
            _ => Reply::Default,
        });
        let wd = Workdir::new();
        let args = [
            "export",
            "--out",
            "all.csv",
            "--timeout",
            "1",
            "--retries",
            "0",
        ];
        let run = run_at(&wd, &server, &args);
        assert_ends(&run, 3, expect);
    }
}

/// Everything a run printed or wrote.
fn everything(wd: &Workdir, run: &Watched) -> String {
    let mut all = format!(
        "{}{}",
        String::from_utf8_lossy(&run.output.stdout),
        run.stderr()
    );
    for f in files(wd) {
        all += &String::from_utf8_lossy(&std::fs::read(wd.path(&f)).unwrap_or_default());
    }
    all
}

#[test]
fn a_server_echoing_the_credentials_never_gets_them_printed_or_written() {
    // Refuses writes quoting the Authorization header; a second server fails
    // with a 500 that quotes it, so the run stops on it.
    let echo = |status: u16| {
        move |r: &crate::hostile::Request| {
            let auth = r.header("authorization").unwrap_or("").to_string();
            let body = json!({"error": "bad_data", "message": format!("not allowed for {auth}")});
            match r.route().as_str() {
                "POST /v2/contacts" | "POST /v2/contacts/search" if status == 400 => {
                    Reply::Json(400, body.to_string())
                }
                "POST /v2/contacts/search" => Reply::Json(500, body.to_string()),
                _ => Reply::Default,
            }
        }
    };
    let secret_id = "team-7f3c91";
    let secret_key = "sk_live_Zq81MBw0c5";
    for (status, jwt) in [(400, false), (400, true), (500, false), (500, true)] {
        let server = Hostile::start(echo(status));
        let wd = Workdir::new();
        people(&wd, 2);
        let mut cmd = at(&wd, &server, &["import", "people.csv", "--retries", "0"]);
        if jwt {
            cmd.env_remove("HEYMARKET_API_KEY")
                .env("HEYMARKET_SECRET_ID", secret_id)
                .env("HEYMARKET_SECRET_KEY", secret_key);
        }
        let run = watch(cmd, MAX_RSS_MIB, LIVENESS);
        assert_eq!(
            run.code(),
            if status == 400 { 1 } else { 3 },
            "{}",
            run.stderr()
        );
        let all = everything(&wd, &run);
        assert!(all.contains("<redacted>"), "the echo was seen: {all}");
        let mut secrets = vec![KEY.to_string(), secret_key.to_string()];
        for r in server.requests() {
            let token = r
                .header("authorization")
                .unwrap()
                .trim_start_matches("Bearer ");
            secrets.push(token.to_string());
            // Its parts too: `header.payload` and the payload (the secret
            // id in base64) stayed when the signature went first (issue 22).
            if let Some((signed, signature)) = token.rsplit_once('.') {
                secrets.push(signature.to_string());
                secrets.push(signed.to_string());
                if let Some((_, payload)) = signed.split_once('.') {
                    secrets.push(payload.to_string());
                }
            }
        }
        for s in &secrets {
            assert!(
                !all.contains(s.as_str()),
                "{s} leaked (jwt {jwt}, {status}): {all}"
            );
        }
    }
}

#[test]
fn a_credentials_file_given_as_the_map_is_not_echoed() {
    let wd = Workdir::new();
    people(&wd, 1);
    for (text, line, key) in [
        (
            "# hmbulk\nHEYMARKET_API_KEY=sk_live_9Hq2Xv7LmP\n",
            2,
            "HEYMARKET_API_KEY",
        ),
        (
            "HEYMARKET_API_KEY = \"sk_live_9Hq2Xv7LmP\"\n",
            1,
            "HEYMARKET_API_KEY",
        ),
    ] {
        wd.create_bytes("prod.env", text.as_bytes());
        let out = wd.run(&["validate", "people.csv", "--map", "prod.env"]);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            !err.contains("sk_live") && !err.contains("9Hq2Xv7LmP"),
            "{err}"
        );
        assert!(
            err.contains(&format!("line {line} (key \"{key}\")")),
            "{err}"
        );
    }
}

/// A credentials file given as the input (issue 22): its lines are never
/// echoed (the "columns found" message showed `HEYMARKET_API_KEY=<value>`,
/// on stderr and in `--json`), whatever the command; nothing is written.
#[test]
fn a_credentials_file_given_as_the_input_is_not_echoed() {
    for text in [
        "HEYMARKET_API_KEY=sk_live_9Hq2Xv7LmP\n",
        "HEYMARKET_SECRET_ID=team-7f3c91\nHEYMARKET_SECRET_KEY=sk_live_9Hq2Xv7LmP\n",
        "export HEYMARKET_API_KEY=\"sk_live_9Hq2Xv7LmP\"\n",
        "api_key = sk_live_9Hq2Xv7LmP, phone\n",
    ] {
        for command in ["validate", "import", "delete", "status"] {
            let wd = Workdir::new();
            wd.create_bytes("prod.env", text.as_bytes());
            for json in [false, true] {
                let mut args = vec![command, "prod.env"];
                if json {
                    args.push("--json");
                }
                // Credentials, and an API out of reach: the file is refused
                // before either matters.
                let mut cmd = wd.command(&args);
                cmd.env("HEYMARKET_API_KEY", KEY)
                    .env("HEYMARKET_BASE_URL", "http://127.0.0.1:9");
                let out = cmd.output().unwrap();
                let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
                assert_eq!(code(&out), 2, "{command} {text}: {all}");
                assert!(
                    !all.contains("sk_live") && !all.contains("9Hq2Xv7LmP"),
                    "{command} {text}: {all}"
                );
                assert!(all.contains("credentials or environment file"), "{all}");
                assert!(
                    all.contains("HEYMARKET_") || all.contains("api_key"),
                    "{all}"
                );
            }
            assert_eq!(files(&wd), ["prod.env"], "nothing written");
        }
    }
}

#[test]
fn validate_goes_offline_at_once_when_the_api_is_out_of_reach() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let wd = Workdir::new();
    // A tags column: its names are checked against the account's tags.
    wd.create(
        "people.csv",
        &[
            vec!["phone", "first", "tags"],
            vec!["(415) 555-0100", "P0", "VIP"],
            vec!["(415) 555-0101", "P1", ""],
            vec!["(415) 555-0102", "P2", "Lead"],
        ],
    );
    let mut cmd = wd.command(&["validate", "people.csv"]);
    cmd.env("HEYMARKET_BASE_URL", &url)
        .env("HEYMARKET_API_KEY", KEY);
    let run = watch(cmd, MAX_RSS_MIB, LIVENESS);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let summary = wd.read_json("people.summary.json");
    assert_eq!(summary["valid"], 3);
    let notes = summary["notes"].to_string();
    assert!(
        notes.contains("could not be read") && notes.contains("skipped"),
        "{notes}"
    );
    assert!(run.stderr().contains("tag names"), "{}", run.stderr());
}

/// Wait for `child`, killing it (and failing) if it outlives `limit`.
pub(crate) fn wait_or_kill(
    mut child: std::process::Child,
    limit: Duration,
) -> std::process::Output {
    let t = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if t.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("still running {limit:?} after Ctrl-C: {}", stderr(&out));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Escape sequences in a file's header and in a server's answer are shown
/// on the terminal as text (`\u{1b}`), never written as they are: a
/// header `\x1b[8m` would hide what follows, `\x1b[2J` clear the screen,
/// U+202E show the text reversed.
#[test]
fn escape_sequences_from_a_file_or_a_server_are_shown_not_obeyed() {
    let wd = Workdir::new();
    wd.create_bytes(
        "people.csv",
        b"na\x1b[8mme\x07,\xe2\x80\xaeenohp\n(415) 555-0100,Ann\n",
    );
    let out = wd.run(&["validate", "people.csv"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert!(err.contains(r"na\u{1b}[8mme\u{7}"), "{err}");
    assert!(err.contains(r"\u{202e}enohp"), "{err}");
    let html = "<html><head><title>Sign in \x1b[2J\x1b[8m</title></head></html>";
    let server = Hostile::start(move |r| match r.route().as_str() {
        "POST /v2/contacts/list" => Reply::Body {
            status: 502,
            content_type: "text/html",
            body: html.as_bytes().to_vec(),
        },
        _ => Reply::Default,
    });
    let args = ["export", "--out", "all.csv", "--retries", "0"];
    let run = run_at(&wd, &server, &args);
    assert_ends(&run, 3, r"Sign in \u{1b}[2J\u{1b}[8m");
    for text in [err.as_str(), &run.stderr()] {
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
        assert!(!text.contains('\u{202e}'), "{text:?}");
    }
}
