#!/usr/bin/env bash
# The same rows as CSV and as an .xlsx workbook, validated by the release
# binary (issue 17): wall time (best of RUNS) and peak RSS of each, and the
# ratios (targets: the workbook in at most 4x the CSV's time, at most 250 MB).
#   benches/workbook_vs_csv.sh           # 100,000 rows
#   ROWS=1000000 benches/workbook_vs_csv.sh
# The CSV is benches/gen_contacts.py's; benches/csv_to_xlsx.py (openpyxl, in a
# venv under target/) writes the same rows as a workbook, digit-only cells as
# number cells (openpyxl writes text inline in the sheet); when LibreOffice is
# installed (`soffice`), it also opens the CSV and saves it as .xlsx, as a
# person would in Excel (text in shared strings, numbers typed by its CSV
# import). Files live in target/bench-data (BENCH_DIR).
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
lo=$work/lo/wb_$rows.xlsx
if [ ! -f "$lo" ] && command -v soffice >/dev/null; then
  soffice --headless --infilter="CSV:44,34,76,1" --convert-to xlsx --outdir "$work/lo" "$csv" >/dev/null 2>&1
fi

# best FILE: the best wall seconds of $runs validations, that run's CPU
# seconds (user + system) and peak RSS (MB).
best() {
  local file=$1 out=$work/wb_run best_wall= best_cpu= best_rss=
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %U %S %M" -o "$out.time" "$bin" validate "$file" --report-dir "$work/wb_reports" \
      --quiet >/dev/null 2>"$out.err" || [ $? -eq 1 ]
    read -r wall user sys rss < <(tail -1 "$out.time")
    if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then
      best_wall=$wall best_rss=$rss best_cpu=$(awk "BEGIN{print $user + $sys}")
    fi
  done
  echo "$best_wall $best_cpu $((best_rss / 1024))"
}

read -r csv_s csv_cpu csv_mb < <(best "$csv")
printf '| %s rows | file size | validate, wall (best of %s) | ÷ CSV (target ≤ 4×) | CPU | ÷ CSV | peak RSS (target ≤ 250 MB) |\n' "$rows" "$runs"
printf '|---|---|---|---|---|---|---|\n'
printf '| CSV | %s | %s s | 1× | %s s | 1× | %s MB |\n' "$(du -h "$csv" | cut -f1)" "$csv_s" "$csv_cpu" "$csv_mb"
row() { # LABEL FILE
  read -r s cpu mb < <(best "$2")
  awk "BEGIN{printf \"| %s | %s | %s s | %.1f× | %s s | %.1f× | %s MB |\n\", \"$1\", \"$(du -h "$2" | cut -f1)\", $s, $s / $csv_s, $cpu, $cpu / $csv_cpu, $mb}"
}
row ".xlsx by openpyxl (inline text)" "$xlsx"
[ -f "$lo" ] && row ".xlsx by LibreOffice (shared strings)" "$lo"
echo
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(date +%F)"
