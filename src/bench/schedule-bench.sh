#!/usr/bin/env bash
# The schedule benchmark: N tasks (default 100,000) whose run_at is spread evenly over SPREAD seconds (default 10),
# starting LEAD seconds (default 15: JVM start and reading the queue) after the queue is written, run by
# `java -jar JAR start W --wait` (W = 8) on the workspace files. Each claim's lateness is its started_at minus its
# run_at (both from the files): p50, p90, p99, max, and how many were claimed early (must be none). Then, for the
# price of time in the rule, the plain throughput of `start W` over N tasks with no run_at (tasks/s from the
# log's first start to its last completion, BenchReport), RUNS times.
#
# Usage: [JAR=target/vivarium.jar] [N=100000] [SPREAD=10] [LEAD=15] [WORKERS=8] [RUNS=1] src/bench/schedule-bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${JAR:-target/vivarium.jar}
N=${N:-100000}
SPREAD=${SPREAD:-10}
LEAD=${LEAD:-15}
WORKERS=${WORKERS:-8}
RUNS=${RUNS:-1}
OUT=target/schedule-bench
mkdir -p "$OUT"
[[ -f "$JAR" ]] || ./mvnw -B -q -o package -DskipTests

echo "schedule-bench: N=$N spread ${SPREAD}s lead ${LEAD}s, start $WORKERS --wait; load: $(cut -d' ' -f1-3 /proc/loadavg)"
WS=$(mktemp -d "$OUT/ws-XXXX")
python3 - "$WS" "$N" "$SPREAD" "$LEAD" <<'PY'
import datetime, json, sys
ws, n, spread, lead = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
t0 = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=lead)
def ts(t): return t.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
tasks = [{"id": f"bench_{i}", "type": "grind", "created_at": ts(t0),
          "run_at": ts(t0 + datetime.timedelta(seconds=spread * i / n))} for i in range(n)]
json.dump({"version": "1.0", "api_endpoint": "http://127.0.0.1:8420", "tasks": tasks}, open(f"{ws}/queue.json", "w"))
PY
START=$(date +%s.%N)
java -jar "$JAR" start "$WORKERS" --wait --workspace "$WS" > "$OUT/schedule-start.log" 2>&1 || true
echo "  start --wait took $(python3 -c "import time; print(round(time.time() - $START, 1))") s (includes the ${LEAD}s lead)"
python3 - "$WS" <<'PY'
import datetime, json, statistics, sys
ws = sys.argv[1]
q = {t["id"]: t for t in json.load(open(f"{ws}/queue.json"))["tasks"]}
log = json.load(open(f"{ws}/execution_log.json"))["tasks"]
parse = datetime.datetime.fromisoformat
late = []
for tid, e in log.items():
    if e.get("started_at") and tid in q:
        late.append((parse(e["started_at"]) - parse(q[tid]["run_at"])).total_seconds() * 1000)
late.sort()
def pct(p): return late[min(len(late) - 1, int(len(late) * p))]
done = sum(1 for e in log.values() if e.get("status") == "completed")
print(f"  claimed {len(late):,} of {len(q):,} ({done:,} completed); early: {sum(1 for x in late if x < 0)}")
print(f"  lateness ms: p50 {pct(0.5):.1f}  p90 {pct(0.9):.1f}  p99 {pct(0.99):.1f}  max {late[-1]:.1f}  "
      f"(goal p99 <= 50 ms: {'met' if pct(0.99) <= 50 else 'NOT met'})")
PY
[[ -n "${KEEP:-}" ]] || rm -rf "$WS"

for run in $(seq 1 "$RUNS"); do
  WS=$(mktemp -d "$OUT/ws-XXXX")
  java src/bench/MakeQueue.java "$N" > "$WS/queue.json"
  java -jar "$JAR" start "$WORKERS" --workspace "$WS" > "$OUT/plain-start.log" 2>&1 || true
  echo "  plain start $WORKERS over $N tasks (run $run; load $(cut -d' ' -f1-3 /proc/loadavg)): $(java src/bench/BenchReport.java "$WS" | head -1)"
  rm -rf "$WS"
done
