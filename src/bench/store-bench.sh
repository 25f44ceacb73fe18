#!/usr/bin/env bash
# The store benchmark, measured the way ../shared/peers measures db-scheduler and JobRunr (one JVM per run, a fresh
# store, N empty tasks enqueued, W workers timed until all N ran, then 50 pickup probes from a second store instance).
# PostgreSQL runs embedded with fsync=on and synchronous_commit=on; the workspace files fsync every commit.
# Usage: src/bench/store-bench.sh [STORES="files postgresql"] [SIZES="10000 50000"] [RUNS=3] [WORKERS=8]
# Prints one JSON line per run and a table of medians; raw lines go to target/store-bench/<stamp>.jsonl.
set -euo pipefail
cd "$(dirname "$0")/../.."
STORES=${1:-"files postgresql"}
SIZES=${2:-"10000 50000"}
RUNS=${3:-3}
WORKERS=${4:-8}
OUT=target/store-bench
mkdir -p "$OUT"
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.outputFile="$OUT/classpath.txt" -Dmdep.includeScope=test >/dev/null
CP="target/test-classes:target/classes:$(cat "$OUT/classpath.txt")"
RESULTS="$OUT/$(date -u +%Y%m%dT%H%M%S).jsonl"
for store in $STORES; do
  for n in $SIZES; do
    for run in $(seq 1 "$RUNS"); do
      line=$(java -Xmx1g -cp "$CP" io.vivarium.bench.StoreBench "$store" "$n" "$WORKERS" "$OUT" 2>>"$OUT/stderr.log" | tail -1)
      echo "$line" | tee -a "$RESULTS"
      rm -rf "$OUT"/store-bench-*
    done
  done
done
python3 - "$RESULTS" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
cases = {}
for r in rows:
    cases.setdefault((r["case"], r["jobs"]), []).append(r)
def med(runs, key, digits=0):
    vals = [r[key] for r in runs]
    s = f"{statistics.median(vals):,.{digits}f}"
    return s + (f" ({min(vals):,.{digits}f}–{max(vals):,.{digits}f})" if len(vals) > 1 else "")
print()
print("| store | N | W | runs | enqueue tasks/s | process tasks/s | pickup p50 ms | pickup p99 ms | peak RSS MB |")
print("|---|---|---|---|---|---|---|---|---|")
for (case, n), runs in cases.items():
    print(f"| {case} | {n:,} | {runs[0]['workers']} | {len(runs)} | {med(runs, 'enqueue_jobs_per_s')} | "
          f"{med(runs, 'process_jobs_per_s')} | {med(runs, 'latency_p50_ms', 1)} | {med(runs, 'latency_p99_ms', 1)} | "
          f"{med(runs, 'peak_rss_mb')} |")
PY
