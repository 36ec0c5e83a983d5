//! A header of tens of thousands of columns (issue 22: 60,000 took 21–23 s,
//! its names compared pairwise). A measurement, not a timed test: it is
//! `#[ignore]`d and prints what it found; run it with
//! `cargo test --release -p hmbulk-engine --test test_wide_header -- --ignored --nocapture`.
//! Each width reads the header (the check for names given twice), maps the
//! columns and renders the mapping file, as `import` does before any row.

use std::io::Write;
use std::time::{Duration, Instant};

use hmbulk_engine::catalog::Catalog;
use hmbulk_engine::input::config::Config;
use hmbulk_engine::mapping::{Mapping, Settings, render};

/// Seconds to read, map and render a header of `width` columns (best of 3).
fn header_time(width: usize) -> Duration {
    let mut file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    let header: Vec<String> = std::iter::once("phone".to_string())
        .chain((1..width).map(|i| format!("col{i}")))
        .collect();
    let row: Vec<&str> = std::iter::once("4155550100")
        .chain(std::iter::repeat_n("x", width - 1))
        .collect();
    writeln!(file, "{}\n{}", header.join(","), row.join(",")).unwrap();
    (0..3)
        .map(|_| {
            let t = Instant::now();
            let reader = Config::new(file.path()).reader().unwrap();
            let mapping =
                Mapping::build(reader.headers(), &Catalog::offline(), None, true).unwrap();
            let text = render(&mapping, &Settings::default());
            assert!(text.len() > width * 10);
            t.elapsed()
        })
        .min()
        .unwrap()
}

#[test]
#[ignore = "a measurement: run with --ignored --nocapture, in release"]
fn a_wide_header_takes_time_in_proportion_to_its_width() {
    let widths = [7_500, 15_000, 30_000, 60_000];
    let times: Vec<Duration> = widths.iter().map(|&w| header_time(w)).collect();
    for (w, t) in widths.iter().zip(&times) {
        println!("{w:>6} columns: {:>8.1} ms", t.as_secs_f64() * 1000.0);
    }
    // Linear: 8 times the width, about 8 times the time (pairwise: 64).
    let ratio = times[3].as_secs_f64() / times[0].as_secs_f64();
    println!("60,000 / 7,500 columns: {ratio:.1} times the time");
    assert!(ratio < 20.0, "grows faster than the width: {ratio:.1}");
}
