#!/usr/bin/env bash
# The store benchmark, measured the way ../shared/peers measures db-scheduler and JobRunr (one JVM per run, a fresh
# store, N empty tasks enqueued, W workers timed until all N ran, then 50 pickup probes from a second store instance).
# PostgreSQL runs embedded with fsync=on and synchronous_commit=on; the workspace files fsync every commit.
# Usage: src/bench/store-bench.sh [STORES="files postgresql"] [SIZES="10000 50000"] [RUNS=3] [WORKERS=8]
# For postgresql each Vivarium run is followed at once by a db-scheduler run of the same N and W from ../shared/peers
# (--pg-durable, so both sides commit durably), so that each ratio compares runs made in the same minute on this
# shared machine; PEERS_JAR (default /tmp/peers/target/peers.jar, built as ../shared/peers/README.md says) or PEER=none.
# Prints one JSON line per run, a table of medians and the ratios; the load average before and after; raw lines go to
# target/store-bench/<stamp>.jsonl.
set -euo pipefail
cd "$(dirname "$0")/../.."
STORES=${1:-"files postgresql"}
SIZES=${2:-"10000 50000"}
RUNS=${3:-3}
WORKERS=${4:-8}
PEERS_JAR=${PEERS_JAR:-/tmp/peers/target/peers.jar}
PEER=${PEER:-dbscheduler}
OUT=target/store-bench
mkdir -p "$OUT"
if [[ "$PEER" != none && ! -f "$PEERS_JAR" ]]; then
  echo "no $PEERS_JAR: build it (cd ../shared/peers && mvn -B -q -Dmaven.repo.local=\$HOME/.cache/peers-m2 package), or PEER=none" >&2
  exit 2
fi
./mvnw -o -q -B test-compile
./mvnw -o -q -B dependency:build-classpath -Dmdep.outputFile="$OUT/classpath.txt" -Dmdep.includeScope=test >/dev/null
CP="target/test-classes:target/classes:$(cat "$OUT/classpath.txt")"
RESULTS="$OUT/$(date -u +%Y%m%dT%H%M%S).jsonl"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for store in $STORES; do
  for n in $SIZES; do
    for run in $(seq 1 "$RUNS"); do
      line=$(java -Xmx1g -cp "$CP" io.vivarium.bench.StoreBench "$store" "$n" "$WORKERS" "$OUT" 2>>"$OUT/stderr.log" | grep "^{\"case\"" | tail -1)
      echo "$line" | tee -a "$RESULTS"
      rm -rf "$OUT"/store-bench-*
      if [[ "$store" == postgresql && "$PEER" != none ]]; then
        java -Xmx1g -jar "$PEERS_JAR" --lib "$PEER" --store postgres --pg-durable --jobs "$n" --workers "$WORKERS" \
            2>>"$OUT/stderr.log" | grep '^{' | tail -1 | tee -a "$RESULTS"
      fi
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$RESULTS" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
cases = {}
for r in rows:
    # the peer's lines name the library and store instead of a case
    case = r.get("case") or f"{r['lib']} {r['store']} durable"
    cases.setdefault((case, r["jobs"]), []).append(r)
def med(runs, key, digits=0):
    vals = [r[key] for r in runs]
    s = f"{statistics.median(vals):,.{digits}f}"
    return s + (f" ({min(vals):,.{digits}f}–{max(vals):,.{digits}f})" if len(vals) > 1 else "")
print()
print("| store | N | W | runs | enqueue tasks/s | process tasks/s | pickup p50 ms | pickup p99 ms | peak RSS MB |"
      " CPU ms per 1,000 tasks, JVM / server |")
print("|---|---|---|---|---|---|---|---|---|---|")
for (case, n), runs in cases.items():
    print(f"| {case} | {n:,} | {runs[0]['workers']} | {len(runs)} | {med(runs, 'enqueue_jobs_per_s')} | "
          f"{med(runs, 'process_jobs_per_s')} | {med(runs, 'latency_p50_ms', 1)} | {med(runs, 'latency_p99_ms', 1)} | "
          f"{med(runs, 'peak_rss_mb')} | "
          + (f"{med(runs, 'jvm_cpu_ms_per_1000')} / {med(runs, 'server_cpu_ms_per_1000')} |"
             if "jvm_cpu_ms_per_1000" in runs[0] else "– |"))
# Ratios run by run (each Vivarium run against the peer run right after it), then their median.
ours = [r for r in rows if r.get("case") == "vivarium postgresql"]
peers = [r for r in rows if "lib" in r]
for n in sorted({r["jobs"] for r in ours}):
    pairs = list(zip([r for r in ours if r["jobs"] == n], [r for r in peers if r["jobs"] == n]))
    if pairs:
        ratios = [a["process_jobs_per_s"] / b["process_jobs_per_s"] for a, b in pairs]
        print(f"\nPostgreSQL N={n:,}: throughput vivarium/{pairs[0][1]['lib']} run by run "
              + ", ".join(f"{x:.2f}" for x in ratios) + f"; median {statistics.median(ratios):.2f}x")
PY
