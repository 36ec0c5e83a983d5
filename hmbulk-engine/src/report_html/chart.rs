//! A line chart as inline SVG, for the run report: lines of (x, y)
//! points over a shared time axis, with gridlines and tick labels. Takes
//! series; gives SVG text (styled by the page's CSS classes).
//!
//! Written by hand: two or three lines with axes are about a hundred lines
//! of code, where a plotting crate (plotters) would bring dozens of
//! dependencies for it.

use std::fmt::Write;

use super::escape;

/// One line: its CSS class (colour) and its points (seconds, value).
pub(super) struct Series<'a> {
    pub class: &'a str,
    pub points: &'a [(f64, f64)],
}

const WIDTH: f64 = 800.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 30.0;

/// An SVG chart of `series` from second 0 to `x_max`; `label` names it
/// for screen readers.
pub(super) fn line_chart(label: &str, series: &[Series], x_max: f64) -> String {
    let x_max = if x_max > 0.0 { x_max } else { 1.0 };
    let y_top = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0_f64, f64::max);
    let (y_step, y_max) = nice_axis(y_top);
    let x = |v: f64| LEFT + v / x_max * (WIDTH - LEFT - RIGHT);
    let y = |v: f64| HEIGHT - BOTTOM - v / y_max * (HEIGHT - TOP - BOTTOM);

    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}">"#,
        escape(label)
    );
    // Horizontal gridlines with their values.
    let mut v = 0.0;
    while v <= y_max + y_step / 2.0 {
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            WIDTH - RIGHT,
            y(v),
            y(v),
            LEFT - 8.0,
            y(v) + 4.0,
            short_number(v)
        );
        v += y_step;
    }
    // Time ticks.
    let (x_step, _) = nice_axis(x_max);
    let mut t = 0.0;
    while t <= x_max + x_step / 1000.0 {
        let _ = write!(
            svg,
            r#"<line class="axis" x1="{:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            x(t),
            x(t),
            HEIGHT - BOTTOM,
            HEIGHT - BOTTOM + 4.0,
            x(t),
            HEIGHT - 10.0,
            duration(t)
        );
        t += x_step;
    }
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/>"#,
        WIDTH - RIGHT,
        HEIGHT - BOTTOM,
        HEIGHT - BOTTOM
    );
    for s in series {
        // A step line: each rate holds over its interval, from the previous point.
        let mut path = String::new();
        let mut prev_x = 0.0;
        for &(px, py) in s.points {
            let _ = write!(
                path,
                "{}{:.1},{:.1} {:.1},{:.1} ",
                if path.is_empty() { "M" } else { "L" },
                x(prev_x),
                y(py),
                x(px),
                y(py)
            );
            prev_x = px;
        }
        if path.is_empty() {
            continue;
        }
        let base = y(0.0);
        let _ = write!(
            svg,
            r#"<path class="area {}" d="{path}L{:.1},{base:.1} L{:.1},{base:.1} Z"/><path class="line {}" d="{}"/>"#,
            s.class,
            x(prev_x),
            x(0.0),
            s.class,
            path.trim_end()
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A tick step (1, 2 or 5 times a power of ten) giving about four ticks,
/// and the axis maximum: a whole number of steps at or above `max`.
fn nice_axis(max: f64) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, 1.0);
    }
    let rough = max / 4.0;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * power);
    (step, (max / step).ceil().max(1.0) * step)
}

/// `950`, `1.5k`, `12k`, `2.5M`; fractions below 10 keep one decimal.
fn short_number(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.1}M", v / 1e6).replace(".0M", "M")
    } else if v >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if v >= 1e3 {
        format!("{:.1}k", v / 1e3).replace(".0k", "k")
    } else if v >= 10.0 || v == v.trunc() {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// `0s`, `45s`, `2m`, `1m30s`, `2h`, `1h15m`.
pub(super) fn duration(secs: f64) -> String {
    let s = secs.round() as u64;
    if secs > 0.0 && secs < 10.0 && secs.fract() != 0.0 {
        return format!("{secs:.1}s");
    }
    match s {
        0..60 => format!("{s}s"),
        60..3600 if s.is_multiple_of(60) => format!("{}m", s / 60),
        60..3600 => format!("{}m{}s", s / 60, s % 60),
        _ if s.is_multiple_of(3600) => format!("{}h", s / 3600),
        _ => format!("{}h{}m", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_are_round() {
        assert_eq!(nice_axis(0.0), (1.0, 1.0));
        assert_eq!(nice_axis(7.0), (2.0, 8.0));
        assert_eq!(nice_axis(812.0), (500.0, 1000.0));
        assert_eq!(nice_axis(1000.0), (500.0, 1000.0));
        let (step, max) = nice_axis(0.3);
        assert!((step - 0.1).abs() < 1e-12 && (max - 0.3).abs() < 1e-12);
    }

    #[test]
    fn numbers_and_durations_are_short() {
        assert_eq!(short_number(950.0), "950");
        assert_eq!(short_number(1500.0), "1.5k");
        assert_eq!(short_number(2000.0), "2k");
        assert_eq!(short_number(12000.0), "12k");
        assert_eq!(short_number(2_500_000.0), "2.5M");
        assert_eq!(short_number(0.5), "0.5");
        assert_eq!(duration(0.0), "0s");
        assert_eq!(duration(0.5), "0.5s");
        assert_eq!(duration(45.0), "45s");
        assert_eq!(duration(120.0), "2m");
        assert_eq!(duration(90.0), "1m30s");
        assert_eq!(duration(4500.0), "1h15m");
    }

    #[test]
    fn a_chart_is_one_svg_with_a_line_per_series() {
        let points = [(1.0, 100.0), (2.0, 300.0)];
        let none: [(f64, f64); 0] = [];
        let svg = line_chart(
            "rows <per> second",
            &[
                Series {
                    class: "rows",
                    points: &points,
                },
                Series {
                    class: "requests",
                    points: &none,
                },
            ],
            2.0,
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("rows &lt;per&gt; second"));
        assert_eq!(svg.matches(r#"class="line rows""#).count(), 1);
        assert!(
            !svg.contains("line requests"),
            "an empty series draws nothing"
        );
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }
}
