//! A fresh folder per test (xsv's `Workdir`): write the input, run the real
//! `hmbulk` binary in it, read back what it wrote. Tests that need an API
//! start a heymarket-sim in-process and point the binary at it over loopback.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use heymarket_sim::{Sim, SimConfig};
use serde_json::Value;

pub const KEY: &str = "test-key-3f9a";

pub struct Workdir {
    dir: tempfile::TempDir,
    /// The runs' TMPDIR: where reports a full disk sends elsewhere land.
    tmp: tempfile::TempDir,
    pub sim: Option<Sim>,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::Builder::new()
                .prefix("hmbulk-test-")
                .tempdir()
                .expect("temp dir"),
            tmp: tempfile::Builder::new()
                .prefix("hmbulk-tmpdir-")
                .tempdir()
                .expect("temp dir"),
            sim: None,
        }
    }

    /// A workdir with a simulator (sample fields, tags and team; legacy key [`KEY`]).
    pub fn with_sim(cfg: SimConfig) -> Workdir {
        let mut wd = Workdir::new();
        wd.sim = Some(Sim::start(cfg).expect("simulator starts"));
        wd
    }

    /// The simulator's default configuration for tests.
    pub fn sim_config() -> SimConfig {
        SimConfig {
            api_key: Some(KEY.to_string()),
            rate_limit: 0,
            ..SimConfig::default()
        }
        .with_samples()
    }

    pub fn sim(&self) -> &Sim {
        self.sim.as_ref().expect("this workdir has a simulator")
    }

    /// The runs' TMPDIR.
    pub fn tmp(&self) -> &Path {
        self.tmp.path()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Write `rows` (header first) as a comma-separated UTF-8 CSV.
    pub fn create(&self, name: &str, rows: &[Vec<&str>]) -> PathBuf {
        let path = self.path(name);
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_path(&path)
            .expect("create csv");
        for row in rows {
            w.write_record(row).expect("write row");
        }
        w.flush().expect("flush");
        path
    }

    pub fn create_bytes(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("write file");
        path
    }

    /// `hmbulk <args>` in this folder, with no credentials from the outer
    /// environment and the simulator (if any) as base URL with [`KEY`].
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hmbulk"));
        cmd.current_dir(self.dir.path()).args(args);
        for var in [
            "HEYMARKET_API_KEY",
            "HEYMARKET_SECRET_ID",
            "HEYMARKET_SECRET_KEY",
            "HEYMARKET_BASE_URL",
        ] {
            cmd.env_remove(var);
        }
        // A `--sandbox` without `--sandbox-dir` keeps its store in the user's
        // cache folder: never the real one from a test.
        cmd.env("XDG_CACHE_HOME", self.dir.path().join(".cache"));
        // Reports a full disk sends to the system's temporary folder land
        // in this test's own.
        cmd.env("TMPDIR", self.tmp.path());
        if let Some(sim) = &self.sim {
            cmd.env("HEYMARKET_BASE_URL", sim.url())
                .env("HEYMARKET_API_KEY", KEY);
        }
        cmd
    }

    /// `hmbulk <args>` as [`Workdir::command`] runs it, but on a
    /// pseudo-terminal (tests/cli/tools/on_terminal.py, python3's `pty`):
    /// `answer` is typed once `question` appears. Gives the exit code and
    /// all the program wrote to the terminal (stdout and stderr together);
    /// `None` where python3 cannot run (a failure under `CI=true`).
    pub fn on_terminal(
        &self,
        question: &str,
        answer: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Option<(i32, String)> {
        let python = Command::new("python3").arg("--version").output();
        if !can_run(
            python.is_ok_and(|o| o.status.success()),
            "python3 (for a pty)",
        ) {
            return None;
        }
        let plain = self.command(args);
        let mut cmd = Command::new("python3");
        cmd.arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/cli/tools/on_terminal.py"
        ))
        .arg(question)
        .arg(answer)
        .arg(plain.get_program())
        .args(plain.get_args())
        .current_dir(self.dir.path());
        for (key, value) in plain.get_envs() {
            match value {
                Some(v) => cmd.env(key, v),
                None => cmd.env_remove(key),
            };
        }
        cmd.envs(env.iter().copied());
        let out = cmd.output().expect("python3 runs");
        Some((
            code(&out),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        ))
    }

    /// Run and return the output, whatever the exit code.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("hmbulk runs")
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_else(|e| panic!("read {name}: {e}"))
    }

    /// A report CSV as rows of cells, header first.
    pub fn read_csv(&self, name: &str) -> Vec<Vec<String>> {
        read_csv(&self.path(name))
    }

    pub fn read_json(&self, name: &str) -> Value {
        serde_json::from_str(&self.read(name)).unwrap_or_else(|e| panic!("{name} is JSON: {e}"))
    }
}

/// A CSV as rows of cells, header first: reports are in the input's
/// dialect, so the delimiter is the header's most frequent of `, ; tab |`
/// outside quotes, and a UTF-8 BOM is dropped.
pub fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let text = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(header_delimiter(text))
        .from_reader(text);
    r.records()
        .map(|rec| {
            rec.expect("csv record")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

/// The most frequent of `, ; tab |` in the first line, outside quotes.
pub fn header_delimiter(text: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for &b in text {
        match b {
            b'\n' if !quoted => break,
            b'"' => quoted = !quoted,
            _ if quoted => {}
            _ => {
                if let Some(i) = b",;\t|".iter().position(|&d| d == b) {
                    counts[i] += 1;
                }
            }
        }
    }
    let best = (0..4)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap();
    b",;\t|"[best]
}

/// The value of `column` in each data row of a CSV read by [`read_csv`].
pub fn column(rows: &[Vec<String>], column: &str) -> Vec<String> {
    let i = rows[0]
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column} in {:?}", rows[0]));
    rows[1..]
        .iter()
        .map(|r| r.get(i).cloned().unwrap_or_default())
        .collect()
}

/// Exit code of a finished run, with its output on failure to explain.
/// Whether a test that needs `what` (a program, root) can run here. Where it
/// cannot, the test says so and passes — except under `CI=true`, where a test
/// that cannot run fails: CI installs what the tests need (`.ci/run`), so a
/// missing tool there is a broken CI, not a skip.
pub fn can_run(available: bool, what: &str) -> bool {
    if available {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "this test cannot run: {what}; under CI=true that is a failure (see .ci/run)"
    );
    eprintln!("not run here: {what} (under CI=true this fails)");
    false
}

pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every data row 1..=n appears exactly once across results and errors.
pub fn assert_each_row_once(wd: &Workdir, stem: &str, n: usize) {
    let results = wd.read_csv(&format!("{stem}.results.csv"));
    let errors = wd.read_csv(&format!("{stem}.errors.csv"));
    let mut rows: Vec<u64> = column(&results, "row")
        .iter()
        .chain(column(&errors, "_row").iter())
        .map(|r| r.parse().expect("row number"))
        .collect();
    rows.sort_unstable();
    let want: Vec<u64> = (1..=n as u64).collect();
    assert_eq!(
        rows, want,
        "each row exactly once across results and errors"
    );
    let summary = wd.read_json(&format!("{stem}.summary.json"));
    assert_eq!(summary["rows_read"], n as u64);
    assert_eq!(
        summary["rows_ok"].as_u64().unwrap() + summary["rows_failed"].as_u64().unwrap(),
        n as u64
    );
}
