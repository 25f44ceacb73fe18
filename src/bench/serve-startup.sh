#!/usr/bin/env bash
# Time from starting `serve` to /actuator/health answering UP, RUNS times (default 5) for each of two ways to start
# it, in turn (A B A B ...): `java -jar vivarium.jar serve` and the release's launcher target/vivarium (with its
# class-data-sharing archive, made once before the first timed run). Prints each run with the CPU time the process
# had used by then (user + system, all threads: less moved by the machine's load than the wall time), the medians
# and the median of the pairwise ratios. Uses a free port and an empty workspace.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-5}
JAR=${JAR:-target/vivarium.jar}  # JAR=other.jar measures another build
[ -f "$JAR" ] || ./mvnw -q -B package -DskipTests
WS=$(mktemp -d); trap 'rm -rf "$WS"' EXIT
export XDG_CACHE_HOME=$WS/cache VIVARIUM_JAR=$(readlink -f "$JAR")
LAUNCHER=target/vivarium
[ -x "$LAUNCHER" ] || LAUNCHER=src/main/dist/vivarium
PORT=$(( 20000 + RANDOM % 20000 ))
ready_ms() { # command...: starts it, waits for health, stops it; prints the ms to health and the CPU ms by then
  local start end pid cpu
  start=$(date +%s%N)
  "$@" serve --port "$PORT" -w "$WS" > "$WS/serve.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$PORT/actuator/health" > /dev/null 2>&1; do sleep 0.02; done
  end=$(date +%s%N)
  # utime and stime, in clock ticks (the launcher execs, so its pid is the JVM's)
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$pid/stat")
  kill -TERM $pid; wait $pid 2>/dev/null || true
  echo "$(( (end - start) / 1000000 )) $cpu"
}
median() { sort -n | awk '{a[NR]=$1} END {printf "%d (min %d, max %d)", a[int((NR+1)/2)], a[1], a[NR]}'; }
# The launcher's first run of this build makes its archive (a training start-up): not timed.
ready_ms "$LAUNCHER" > /dev/null
plain=(); launcher=(); ratios=(); plain_cpu=(); launcher_cpu=()
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$RUNS"); do
  read -r a ac < <(ready_ms java -jar "$JAR"); read -r b bc < <(ready_ms "$LAUNCHER")
  plain+=("$a"); launcher+=("$b"); plain_cpu+=("$ac"); launcher_cpu+=("$bc")
  ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", b / a}')")
  echo "run $run: java -jar ready in $a ms (CPU $ac ms), launcher in $b ms (CPU $bc ms)"
done
echo "java -jar vivarium.jar serve: median ready in $(printf '%s\n' "${plain[@]}" | median) ms, CPU $(printf '%s\n' "${plain_cpu[@]}" | median) ms, $RUNS runs"
echo "$LAUNCHER serve: median ready in $(printf '%s\n' "${launcher[@]}" | median) ms, CPU $(printf '%s\n' "${launcher_cpu[@]}" | median) ms"
echo "launcher / java -jar, pairwise: median $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
