#!/usr/bin/env bash
# Whole-process benches of the release binaries (numbers go in the issue notes):
#   1. dry-run throughput and peak RSS on a generated 1,000,000-row file;
#   2. the request rate achieved against a simulator limited to 500/min;
#   3. export throughput and peak RSS from a simulator holding 1,000,000 contacts.
# usage: benches/whole_process.sh [validate|rate|export|all]   (default all)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
work=${BENCH_DIR:-target/bench-data}
mkdir -p "$work"
cargo build --release --bins -q
bin=target/release

rss() { grep -E "Maximum resident set size" "$1" | awk '{print $6 " KB"}'; }

start_sim() { # args...; sets SIM_PID and SIM_URL
  "$bin/heymarket-sim" --port 0 --api-key bench-key --samples "$@" >"$work/sim.out" 2>"$work/sim.err" &
  SIM_PID=$!
  for _ in $(seq 100); do
    SIM_URL=$(sed -n 's/^listening on //p' "$work/sim.out")
    [ -n "$SIM_URL" ] && return 0
    sleep 0.1
  done
  echo "simulator did not start" >&2; exit 1
}

if [[ $what == validate || $what == all ]]; then
  [ -f "$work/1m.csv" ] || python3 benches/gen_contacts.py "$work/1m.csv" 1000000
  echo "== validate 1,000,000 rows (offline dry run)"
  /usr/bin/time -v "$bin/hmbulk" validate "$work/1m.csv" --ignore-unknown --quiet --json \
    >"$work/validate.json" 2>"$work/validate.time" || true
  python3 -c "import json;s=json.load(open('$work/validate.json'));print(f\"rows {s['rows_read']} valid {s['valid']} failed {s['rows_failed']} in {s['elapsed_s']:.2f}s = {s['rows_per_s']:.0f} rows/s\")"
  echo "peak RSS $(rss "$work/validate.time")"
fi

if [[ $what == rate || $what == all ]]; then
  echo "== import against a simulator limited to 500 requests/min (about 90 s)"
  python3 benches/gen_contacts.py "$work/rate.csv" 18000 --seed 7
  start_sim --rate-limit 500
  HEYMARKET_BASE_URL=$SIM_URL HEYMARKET_API_KEY=bench-key "$bin/hmbulk" import "$work/rate.csv" \
    --batch-size 50 --concurrency 4 --rate 500 --quiet --json >"$work/rate.json" || true
  kill $SIM_PID
  python3 -c "import json;s=json.load(open('$work/rate.json'));print(f\"{s['requests']} requests in {s['elapsed_s']:.1f}s = {60*s['requests']/s['elapsed_s']:.0f}/min; 429s {s['rate_limited']}; rows ok {s['rows_ok']} failed {s['rows_failed']}\")"
fi

if [[ $what == export || $what == all ]]; then
  echo "== export 1,000,000 contacts (simulator without rate limit)"
  start_sim --rate-limit 0
  python3 - "$SIM_URL" <<'PY'
import json, sys, urllib.request
url = sys.argv[1]
for chunk in range(100):
    contacts = [{"phone": f"1415{2_000_000 + chunk * 10_000 + i:07d}", "first": f"F{i}", "last": f"L{chunk}",
                 "email": f"c{chunk}_{i}@example.com", "tags": [{"tag_id": 11}], "custom": {"101": "Acme"}}
                for i in range(10_000)]
    body = json.dumps({"contacts": contacts, "same_second": chunk % 10 == 0}).encode()
    req = urllib.request.Request(url + "/_sim/seed", body, {"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
PY
  /usr/bin/time -v env HEYMARKET_BASE_URL=$SIM_URL HEYMARKET_API_KEY=bench-key \
    "$bin/hmbulk" export --out "$work/export.csv" --rate 0 --quiet --json \
    >"$work/export.json" 2>"$work/export.time" || true
  kill $SIM_PID
  python3 -c "import json;s=json.load(open('$work/export.json'));print(f\"{s['contacts']} contacts in {s['elapsed_s']:.1f}s = {s['contacts_per_s']:.0f}/s; {s['requests']} requests; count check {s['count_check']}\")"
  echo "peak RSS $(rss "$work/export.time")"
fi
