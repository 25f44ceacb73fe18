#!/usr/bin/env bash
# Throughput benchmark: N empty grinds (default 10,000) through `start 8`, repeated RUNS times (default 3), plus the
# delay from `add` in another process to the claim, and peak RSS. Prints medians; figures go in the README.
# Usage: src/bench/throughput.sh [TASKS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
TASKS=${1:-10000}
RUNS=${2:-3}
JAR=target/vivarium.jar
[ -f "$JAR" ] || ./mvnw -q -B package -DskipTests
# The workspace lives beside the build, on the project's disk: /tmp can be a different (and here slower) place.
BENCH=target/bench
rm -rf "$BENCH"; mkdir -p "$BENCH"

peak_rss_kb() { # pid: polls VmHWM (the kernel's peak RSS) until the process exits, prints the last value
  local pid=$1 peak=0 v
  while kill -0 "$pid" 2>/dev/null; do
    v=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$v" ] && peak=$v
    sleep 0.05
  done
  echo "$peak"
}

echo "== $TASKS empty grinds, start 8, $RUNS runs ($(nproc) cores, $(java -version 2>&1 | head -1))"
walls=(); rates=(); rsss=()
for run in $(seq 1 "$RUNS"); do
  ws="$BENCH/run$run"; mkdir -p "$ws"
  java src/bench/MakeQueue.java "$TASKS" > "$ws/queue.json"
  start=$(date +%s%N)
  java -jar "$JAR" start 8 -w "$ws" > "$ws/start.out" &
  pid=$!
  rss=$(peak_rss_kb $pid)
  wait $pid
  end=$(date +%s%N)
  wall=$(( (end - start) / 1000000 ))
  report=$(java src/bench/BenchReport.java "$ws")
  rate=$(echo "$report" | sed -E 's/.*= ([0-9]+) tasks.*/\1/')
  echo "run $run: wall ${wall} ms (JVM start and final status included), $report, peak RSS $((rss / 1024)) MB"
  walls+=("$wall"); rates+=("$rate"); rsss+=("$((rss / 1024))")
  rm -rf "$ws/task_locks"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median: wall $(median "${walls[@]}") ms, $(median "${rates[@]}") tasks/s in-run, peak RSS $(median "${rsss[@]}") MB"

echo "== pickup: add from another process while start 2 waits"
ws="$BENCH/latency"; mkdir -p "$ws"
java -jar "$JAR" add blocker grind --command "sleep 300" --max 10 -w "$ws" > /dev/null
java -jar "$JAR" start 2 -w "$ws" > "$ws/start.out" &
pid=$!
sleep 2
for i in $(seq 1 15); do
  java -jar "$JAR" add "lat_$i" grind -w "$ws" > /dev/null
  sleep 0.2
done
java -jar "$JAR" cancel blocker -w "$ws" > /dev/null
wait $pid || true
java src/bench/BenchReport.java "$ws" lat_
