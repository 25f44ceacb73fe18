#!/usr/bin/env bash
# Time from `java -jar vivarium.jar serve` to /actuator/health answering UP, RUNS times (default 5); prints each and
# the median. Uses a free port and an empty workspace.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-5}
JAR=${JAR:-target/vivarium.jar}  # JAR=other.jar measures another build
[ -f "$JAR" ] || ./mvnw -q -B package -DskipTests
WS=$(mktemp -d); trap 'rm -rf "$WS"' EXIT
PORT=$(( 20000 + RANDOM % 20000 ))
times=()
for run in $(seq 1 "$RUNS"); do
  start=$(date +%s%N)
  java -jar "$JAR" serve --port "$PORT" -w "$WS" > "$WS/serve.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$PORT/actuator/health" > /dev/null 2>&1; do sleep 0.02; done
  end=$(date +%s%N)
  kill -TERM $pid; wait $pid 2>/dev/null || true
  times+=($(( (end - start) / 1000000 )))
  echo "run $run: ready in ${times[-1]} ms ($(grep -o 'Started [A-Za-z]* in [0-9.]* seconds' "$WS/serve.log"))"
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "median: ready in %d ms (min %d, max %d, %d runs)\n", a[int((NR+1)/2)], a[1], a[NR], NR}'
