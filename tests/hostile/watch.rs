//! [`watch`]: the `hmbulk` binary run while its peak resident memory
//! (`VmHWM` in `/proc/<pid>/status`) is sampled. Takes the command, a memory
//! ceiling and a liveness deadline; gives its output and peak memory
//! ([`Watched`]), or kills it and fails the test when it passes either.

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The outcome of a watched run.
pub struct Watched {
    pub output: Output,
    /// Peak resident memory of the process, in KiB (sampled).
    pub peak_rss_kib: u64,
}

impl Watched {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
}

/// Run `cmd`, sampling its peak memory; kill it and fail the test if it
/// passes `max_rss_mib` or is still running after `deadline` (a bound for a
/// client that hangs or loops, not a speed check).
pub fn watch(mut cmd: Command, max_rss_mib: u64, deadline: Duration) -> Watched {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hmbulk starts");
    let pid = child.id();
    let pipe = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = pipe(
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let err = pipe(
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let mut peak = 0u64;
    let mut failure = None;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if let Some(kib) = vm_hwm_kib(pid) {
            peak = peak.max(kib);
        }
        if peak > max_rss_mib * 1024 {
            failure = Some(format!(
                "peak memory {} MiB passed {max_rss_mib} MiB",
                peak / 1024
            ));
        } else if started.elapsed() > deadline {
            failure = Some(format!("still running after {deadline:?}"));
        }
        if failure.is_some() {
            let _ = child.kill();
            break child.wait().expect("wait");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let output = Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    if let Some(why) = failure {
        panic!(
            "hmbulk was killed: {why}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Watched {
        output,
        peak_rss_kib: peak,
    }
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
