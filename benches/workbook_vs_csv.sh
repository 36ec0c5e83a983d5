#!/usr/bin/env bash
# The same rows as CSV and as an .xlsx workbook, validated by the release
# binary (issue 17): wall time (best of RUNS) and peak RSS of each, and the
# ratios (targets: the workbook in at most 4x the CSV's time, at most 250 MB).
#   benches/workbook_vs_csv.sh           # 100,000 rows
#   ROWS=1000000 benches/workbook_vs_csv.sh
# The CSV is benches/gen_contacts.py's; benches/csv_to_xlsx.py (openpyxl, in a
# venv under target/) writes the same rows as a workbook, digit-only cells as
# number cells. Files live in target/bench-data (BENCH_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-100000}
runs=${RUNS:-3}
work=${BENCH_DIR:-target/bench-data}
venv=target/bench-venv
mkdir -p "$work"
cargo build --release --bins -q
bin=$PWD/target/release/hmbulk

csv=$work/wb_$rows.csv
xlsx=$work/wb_$rows.xlsx
[ -f "$csv" ] || python3 benches/gen_contacts.py "$csv" "$rows"
if [ ! -f "$xlsx" ]; then
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -c "import openpyxl" 2>/dev/null || "$venv/bin/pip" install -q openpyxl
  "$venv/bin/python" benches/csv_to_xlsx.py "$csv" "$xlsx"
fi

# best FILE: the best wall seconds of $runs validations, and that run's peak RSS (MB).
best() {
  local file=$1 out=$work/wb_run best_wall= best_rss=
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$out.time" "$bin" validate "$file" --report-dir "$work/wb_reports" \
      --quiet >/dev/null 2>"$out.err" || [ $? -eq 1 ]
    read -r wall rss < <(tail -1 "$out.time")
    if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then
      best_wall=$wall best_rss=$rss
    fi
  done
  echo "$best_wall $((best_rss / 1024))"
}

read -r csv_s csv_mb < <(best "$csv")
read -r xlsx_s xlsx_mb < <(best "$xlsx")
printf '| file | size | validate (best of %s) | peak RSS |\n|---|---|---|---|\n' "$runs"
printf '| %s rows, CSV | %s | %s s | %s MB |\n' "$rows" "$(du -h "$csv" | cut -f1)" "$csv_s" "$csv_mb"
printf '| %s rows, .xlsx | %s | %s s | %s MB |\n' "$rows" "$(du -h "$xlsx" | cut -f1)" "$xlsx_s" "$xlsx_mb"
awk "BEGIN{printf \"| .xlsx ÷ CSV | | %.1f× (target ≤ 4×) | %s MB (target ≤ 250 MB) |\n\", $xlsx_s / $csv_s, $xlsx_mb}"
echo
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(date +%F)"
