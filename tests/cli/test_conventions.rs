//! The conventions of a command-line tool (docs/cli.md, "Conventions"), each
//! through the real binary: `-` for stdin and stdout, completions and the
//! man page, per-command help, a created `--report-dir`, file modes under
//! the umask, closed pipes, `--json` errors, a header-only file, a folder
//! given as the input, and who each row of `results.csv` is.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::test_import::{as_refs, clean_rows, digits, store_phones};
use crate::workdir::{Workdir, assert_each_row_once, code, column, read_csv, stderr};

/// Run `cmd` with `input` on its stdin.
pub(crate) fn with_stdin(mut cmd: Command, input: &[u8]) -> Output {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("hmbulk starts");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input).expect("write stdin");
    drop(stdin);
    child.wait_with_output().expect("hmbulk ends")
}

/// Run `cmd` with its stdout a pipe whose reader is already gone.
fn into_closed_pipe(mut cmd: Command) -> Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    cmd.stdout(writer).stderr(Stdio::piped());
    cmd.output().expect("hmbulk runs")
}

/// `cmd` (a workdir's command) run under `umask`, through `sh`.
#[cfg(unix)]
fn under_umask(wd: &Workdir, umask: &str, args: &[&str]) -> Output {
    let inner = wd.command(args);
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(inner.get_program())
        .args(inner.get_args());
    if let Some(dir) = inner.get_current_dir() {
        cmd.current_dir(dir);
    }
    for (key, value) in inner.get_envs() {
        match value {
            Some(v) => cmd.env(key, v),
            None => cmd.env_remove(key),
        };
    }
    cmd.output().expect("sh runs hmbulk")
}

#[cfg(unix)]
fn mode(wd: &Workdir, name: &str) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(wd.path(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .permissions()
        .mode()
        & 0o777
}

fn json(out: &Output) -> Value {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("stdout is one JSON object ({e}): {text:?}\n{}", stderr(out)))
}

fn people(wd: &Workdir, n: usize) -> Vec<u8> {
    wd.create("people.csv", &as_refs(&clean_rows(n)));
    std::fs::read(wd.path("people.csv")).unwrap()
}

#[test]
fn import_dash_reads_stdin_and_names_the_reports_stdin() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let csv = people(&wd, 12);
    let out = with_stdin(wd.command(&["import", "-"]), &csv);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("imported <stdin>: 12 rows read"),
        "{}",
        stderr(&out)
    );
    assert_each_row_once(&wd, "stdin", 12);
    let mut want: Vec<String> = (0..12).map(digits).collect();
    want.sort();
    assert_eq!(store_phones(&wd), want);
    assert!(!wd.path("-").exists(), "no file named -");

    // With --report-dir (created) and --create-tags, which reads the input
    // twice: standard input is copied first.
    let mut rows = clean_rows(3);
    rows[0].push("Tags".into());
    for (i, row) in rows.iter_mut().skip(1).enumerate() {
        row.push(format!("Spring{i}"));
    }
    wd.create("tagged.csv", &as_refs(&rows));
    let tagged = std::fs::read(wd.path("tagged.csv")).unwrap();
    let args = [
        "import",
        "-",
        "--create-tags",
        "--report-dir",
        "runs/tagged",
    ];
    let out = with_stdin(wd.command(&args), &tagged);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("created 3 tags"), "{}", stderr(&out));
    let results = read_csv(&wd.path("runs/tagged/stdin.results.csv"));
    assert_eq!(column(&results, "action"), ["updated"; 3]);
}

/// A named pipe and a process substitution with `--create-tags`, which
/// reads the input twice (issue 22): copied once like standard input, not
/// opened again (which waited forever for a writer, or found the pipe
/// drained: "is empty"). Reports keep the pipe's name.
#[test]
fn create_tags_reads_a_named_pipe_or_a_process_substitution_once() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    let mut rows = clean_rows(3);
    rows[0].push("Tags".into());
    for (i, row) in rows.iter_mut().skip(1).enumerate() {
        row.push(format!("Piped{i}"));
    }
    wd.create("tagged.csv", &as_refs(&rows));
    let fifo = wd.path("tagged.fifo");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let writer = {
        let (fifo, text) = (fifo.clone(), std::fs::read(wd.path("tagged.csv")).unwrap());
        std::thread::spawn(move || std::fs::write(fifo, text))
    };
    let child = wd
        .command(&["import", "tagged.fifo", "--create-tags"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = crate::test_hostile::wait_or_kill(child, std::time::Duration::from_secs(60));
    writer.join().unwrap().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("created 3 tags"), "{}", stderr(&out));
    assert_each_row_once(&wd, "tagged", 3);
    let tags: Vec<Value> = wd
        .sim()
        .contacts()
        .iter()
        .map(|c| c["tags"].clone())
        .collect();
    assert!(
        tags.iter()
            .all(|t| t.as_array().is_some_and(|a| a.len() == 1)),
        "{tags:?}"
    );

    // `<(cat file)`: a pipe named /dev/fd/N.
    let line = format!(
        "exec {} import <(cat tagged.csv) --create-tags --report-dir psub",
        env!("CARGO_BIN_EXE_hmbulk")
    );
    // In bash, with the environment a run gets (the simulator, no outer
    // credentials).
    let bash = |line: &str| {
        let run = wd.command(&[]);
        let mut cmd = Command::new("bash");
        cmd.current_dir(wd.path(""))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        for (key, value) in run.get_envs() {
            if let Some(value) = value {
                cmd.env(key, value);
            }
        }
        cmd.args(["-c", line]).output().unwrap()
    };
    let bash_run = bash(&line);
    assert_eq!(code(&bash_run), 0, "{}", stderr(&bash_run));
    assert!(
        stderr(&bash_run).contains("3 rows read"),
        "{}",
        stderr(&bash_run)
    );

    // `status` reads its file twice too (the estimate, then the run).
    let optout = format!("phone,status\n{},unsubscribed\n", digits(1));
    wd.create_bytes("optout.csv", optout.as_bytes());
    std::fs::create_dir(wd.path("st")).unwrap();
    let line = format!(
        "exec {} status <(cat optout.csv) --report-dir st",
        env!("CARGO_BIN_EXE_hmbulk")
    );
    let status = bash(&line);
    assert_eq!(code(&status), 0, "{}", stderr(&status));
    assert_eq!(crate::api::flags(&wd, &digits(1)), (true, false));
}

#[test]
fn validate_dash_reads_stdin_offline() {
    let wd = Workdir::new();
    let mut csv = people(&wd, 4);
    csv.extend_from_slice(b"Bad,Row,555-12,x@example.com\n");
    let out = with_stdin(wd.command(&["validate", "-", "--json"]), &csv);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let summary = json(&out);
    assert_eq!(summary["rows_read"], 5);
    assert_eq!(summary["exit"], 1);
    assert_each_row_once(&wd, "stdin", 5);
    let errors = wd.read_csv("stdin.errors.csv");
    assert_eq!(column(&errors, "_error_code"), ["phone_invalid"]);
}

#[test]
fn export_dash_writes_stdout_and_messages_stay_on_stderr() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    people(&wd, 30);
    assert_eq!(code(&wd.run(&["import", "people.csv"])), 0);
    let out = wd.run(&["export", "--out", "-"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let phone = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "phone")
        .unwrap();
    let mut phones: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[phone].to_string())
        .collect();
    phones.sort();
    assert_eq!(
        phones,
        store_phones(&wd),
        "every contact, once each, on stdout"
    );
    assert!(
        stderr(&out).contains("exported 30 contacts to <stdout>"),
        "{}",
        stderr(&out)
    );
    assert!(!wd.path("-").exists(), "no file named -");

    let out = wd.run(&["export", "--out", "-", "--format", "jsonl"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let lines = String::from_utf8(out.stdout).unwrap();
    assert_eq!(lines.lines().count(), 30);
    assert!(
        lines
            .lines()
            .all(|l| serde_json::from_str::<Value>(l).is_ok())
    );

    // The summary and the data cannot share stdout.
    let out = wd.run(&["export", "--out", "-", "--json"]);
    assert_eq!(code(&out), 2);
    assert_eq!(json(&out)["error"]["kind"], "usage");
}

#[test]
fn completions_for_every_shell_and_a_man_page() {
    let wd = Workdir::new();
    for (shell, marker) in [
        ("bash", "_hmbulk()"),
        ("zsh", "#compdef hmbulk"),
        ("fish", "complete -c hmbulk"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[hmbulk]"),
    ] {
        let out = wd.run(&["completions", shell]);
        assert_eq!(code(&out), 0, "{shell}: {}", stderr(&out));
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: {marker}");
        assert!(script.contains("report-dir"), "{shell} completes flags");
    }
    // bash can read what it is given.
    let bash = wd.run(&["completions", "bash"]).stdout;
    wd.create_bytes("hmbulk.bash", &bash);
    if let Ok(check) = Command::new("bash")
        .arg("-n")
        .arg(wd.path("hmbulk.bash"))
        .output()
    {
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stderr)
        );
    }

    let out = wd.run(&["man"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH hmbulk 1"), "{}", &page[..200]);
    for command in ["import", "validate", "export", "completions", "man"] {
        assert!(
            page.contains(&format!("hmbulk\\-{command}")),
            "lists {command}"
        );
    }
    let out = wd.run(&["man", "validate"]);
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH hmbulk-validate 1"), "{}", &page[..200]);
    assert!(page.contains("report\\-dir") && !page.contains("batch\\-size"));
    let out = wd.run(&["man", "nope"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("its commands are import, validate"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn validate_help_lists_only_what_validate_uses() {
    let wd = Workdir::new();
    // The flags a command's help lists: its lines that start with one.
    let flags = |command: &str| -> Vec<String> {
        let help = String::from_utf8(wd.run(&[command, "--help"]).stdout).unwrap();
        help.lines()
            .filter_map(|l| {
                l.trim_start()
                    .split([' ', ','])
                    .find(|w| w.starts_with("--"))
            })
            .map(str::to_string)
            .collect()
    };
    let (validate, import) = (flags("validate"), flags("import"));
    let lists = |flags: &[String], flag: &str| flags.iter().any(|f| f == flag);
    for flag in [
        "--mode",
        "--api",
        "--batch-size",
        "--concurrency",
        "--rate",
        "--retries",
        "--blank",
        "--dry-run",
    ] {
        assert!(!lists(&validate, flag), "validate --help lists {flag}");
        assert!(lists(&import, flag), "import --help lacks {flag}");
    }
    for flag in [
        "--map",
        "--report-dir",
        "--default-region",
        "--delimiter",
        "--ignore-unknown",
        "--on-duplicate",
        "--create-tags",
        "--bom",
        "--html",
        "--sandbox",
        "--base-url",
        "--timeout",
        "--json",
        "--quiet",
    ] {
        assert!(
            lists(&validate, flag),
            "validate --help lacks {flag}: {validate:?}"
        );
        assert!(lists(&import, flag), "import --help lacks {flag}");
    }
    // An import-only flag is refused by validate, not silently taken.
    wd.create("people.csv", &as_refs(&clean_rows(1)));
    let out = wd.run(&["validate", "people.csv", "--batch-size", "10"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn report_dir_is_created_as_the_readme_shows() {
    let wd = Workdir::new();
    people(&wd, 3);
    let out = wd.run(&[
        "validate",
        "people.csv",
        "--report-dir",
        "reports/2026/march",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for report in ["results.csv", "errors.csv", "summary.json", "mapping.toml"] {
        assert!(
            wd.path(&format!("reports/2026/march/people.{report}"))
                .is_file(),
            "{report}"
        );
    }
    // A file in the way is an output error that names it.
    wd.create_bytes("taken", b"x");
    let out = wd.run(&["validate", "people.csv", "--report-dir", "taken/sub"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("cannot write taken/sub"),
        "{}",
        stderr(&out)
    );
}

#[test]
#[cfg(unix)]
fn new_files_honour_the_umask_and_replaced_files_keep_their_mode() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    people(&wd, 3);
    let out = under_umask(&wd, "022", &["validate", "people.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(mode(&wd, "people.results.csv"), 0o644);
    assert_eq!(mode(&wd, "people.summary.json"), 0o644);
    let out = under_umask(
        &wd,
        "077",
        &["validate", "people.csv", "--report-dir", "private"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(mode(&wd, "private/people.errors.csv"), 0o600);

    // A nightly export replaces a shared file: it stays shared, whatever
    // the job's umask; a new one follows the umask.
    wd.create_bytes("shared.csv", b"old\n");
    std::fs::set_permissions(
        wd.path("shared.csv"),
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    let out = under_umask(&wd, "077", &["export", "--out", "shared.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(mode(&wd, "shared.csv"), 0o644);
    assert!(wd.read("shared.csv").starts_with("id,"), "replaced");
    let out = under_umask(&wd, "027", &["export", "--out", "new.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(mode(&wd, "new.csv"), 0o640);
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    people(&wd, 40);
    assert_eq!(code(&wd.run(&["import", "people.csv"])), 0);
    for args in [
        &["fields", "--json"][..],
        &["fields"],
        &["export", "--out", "-"],
        &["completions", "bash"],
        &["man"],
    ] {
        let out = into_closed_pipe(wd.command(args));
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            !err.contains("panic")
                && !err.contains("internal error")
                && !err.contains("Broken pipe"),
            "{args:?}: {err}"
        );
    }
    // An export to a closed pipe leaves no temporary file and no state.
    let out = into_closed_pipe(wd.command(&["export", "--out", "-", "--state", "s.json"]));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        !wd.path("s.json").exists(),
        "an export cut short is not remembered"
    );
    // An import's --json summary comes last: the run keeps its status.
    let mut rows = clean_rows(2);
    rows.push(vec![
        "Bad".into(),
        "Row".into(),
        "555-12".into(),
        String::new(),
    ]);
    wd.create("mixed.csv", &as_refs(&rows));
    let out = into_closed_pipe(wd.command(&["import", "mixed.csv", "--json"]));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_each_row_once(&wd, "mixed", 3);
}

#[test]
fn json_is_one_object_whatever_happens() {
    let wd = Workdir::new();
    // An input error: nothing sent.
    let out = wd.run(&["validate", "missing.csv", "--json"]);
    assert_eq!(code(&out), 2);
    let v = json(&out);
    assert_eq!(v["exit"], 2);
    assert_eq!(v["error"]["kind"], "input");
    assert_eq!(v["error"]["path"], "missing.csv");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot open missing.csv")
    );
    assert!(
        stderr(&out).contains("cannot open missing.csv"),
        "and on stderr"
    );
    // A usage error clap finds.
    let out = wd.run(&["import", "people.csv", "--json", "--batch-size", "0"]);
    assert_eq!(code(&out), 2);
    let v = json(&out);
    assert_eq!(v["error"]["kind"], "usage");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--batch-size"),
        "{v}"
    );
    // A usage error hmbulk finds: no credentials.
    people(&wd, 2);
    let out = wd.run(&["import", "people.csv", "--json"]);
    assert_eq!(code(&out), 2);
    assert_eq!(json(&out)["error"]["kind"], "usage");
    // Success: the summary, with its exit.
    let out = wd.run(&["validate", "people.csv", "--json"]);
    assert_eq!(code(&out), 0);
    let v = json(&out);
    assert_eq!(
        (v["exit"].clone(), v["rows_read"].clone()),
        (0.into(), 2.into())
    );
    // Help is not an error.
    let out = wd.run(&["validate", "--help", "--json"]);
    assert_eq!(code(&out), 0);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Check a CSV file"));
}

#[test]
fn the_api_stopping_the_run_is_a_json_error_too() {
    let wd = Workdir::with_sim(Workdir::sim_config());
    people(&wd, 2);
    let out = wd
        .command(&["import", "people.csv", "--json"])
        .env("HEYMARKET_API_KEY", "wrong-key")
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["exit"], 3);
    assert_eq!(v["error"]["kind"], "api");
    assert!(
        !v.to_string().contains("wrong-key"),
        "the key is never shown"
    );
}

#[test]
fn a_header_only_file_warns_even_when_quiet() {
    let wd = Workdir::new();
    wd.create_bytes("empty.csv", b"phone,first\r\n\r\n");
    for args in [
        &["validate", "empty.csv"][..],
        &["validate", "empty.csv", "--quiet"],
    ] {
        let out = wd.run(args);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert!(
            stderr(&out).contains("warning: empty.csv has a header line but no data rows"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let summary = wd.read_json("empty.summary.json");
    assert_eq!(summary["rows_read"], 0);
    assert!(
        summary["notes"][0]
            .as_str()
            .unwrap()
            .contains("no data rows")
    );
}

#[test]
fn a_folder_as_the_input_says_so() {
    let wd = Workdir::new();
    std::fs::create_dir(wd.path("exports")).unwrap();
    wd.create_bytes("exports/people.csv", b"phone\n4155550100\n");
    let out = wd.run(&["validate", "exports"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("exports is a folder, not a file"), "{err}");
    assert!(err.contains("exports/people.csv"), "{err}");
    assert!(!err.contains("os error"), "{err}");
}

#[test]
fn results_say_who_each_row_is() {
    let wd = Workdir::new();
    wd.create(
        "who.csv",
        &[
            vec!["Phone", "First", "Last", "Display Name", "Email"],
            vec!["(415) 555-0101", "Ada", "Lovelace", "", "ada@example.com"],
            vec!["(415) 555-0102", "", "", "Grace H.", ""],
            vec!["(415) 555-0103", "", "", "", ""],
        ],
    );
    let out = wd.run(&["validate", "who.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let results = wd.read_csv("who.results.csv");
    assert_eq!(column(&results, "name"), ["Ada Lovelace", "Grace H.", ""]);
    assert_eq!(column(&results, "email"), ["ada@example.com", "", ""]);
    let phone = results[0].iter().position(|h| h == "phone").unwrap();
    assert_eq!(
        &results[0][phone + 1..phone + 3],
        ["name", "email"],
        "beside the phone"
    );
}

#[test]
fn ctrl_c_is_a_json_error_too() {
    use crate::hostile::{Hostile, Reply};
    let server = Hostile::start(|r| match r.route().as_str() {
        "POST /v2/contacts/list" => Reply::StallHeaders,
        _ => Reply::Default,
    });
    let wd = Workdir::new();
    let mut cmd = crate::test_hostile::at(&wd, &server, &["export", "--out", "all.csv", "--json"]);
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    server.wait_for("POST /v2/contacts/list", 1);
    let signal = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(signal.success());
    let out = crate::test_hostile::wait_or_kill(child, std::time::Duration::from_secs(20));
    assert_eq!(code(&out), 130, "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(
        (v["error"]["kind"].clone(), v["exit"].clone()),
        ("interrupted".into(), 130.into())
    );
}

#[test]
fn a_closed_stderr_ends_the_run_with_141() {
    let wd = Workdir::new();
    people(&wd, 2);
    let mut cmd = wd.command(&["validate", "people.csv"]);
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = cmd.stderr(writer).stdout(Stdio::piped()).output().unwrap();
    assert_eq!(code(&out), 141);
    assert!(out.stdout.is_empty());
}
