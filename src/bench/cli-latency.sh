#!/usr/bin/env bash
# Wall time of CLI verbs on this machine: median and spread over RUNS runs each.
# Usage: src/bench/cli-latency.sh [RUNS]   (builds target/vivarium.jar first if it is missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-15}
JAR=${JAR:-target/vivarium.jar}  # JAR=other.jar measures another build
[ -f "$JAR" ] || ./mvnw -q -B package -DskipTests
WS=$(mktemp -d)
trap 'rm -rf "$WS"' EXIT
java -jar "$JAR" clear -w "$WS" >/dev/null
for i in $(seq 1 50); do java -jar "$JAR" add "seed_$i" grind -w "$WS" >/dev/null; done

measure() { # label, then the command; prints median/min/max in ms
  local label=$1; shift
  local times=()
  for i in $(seq 1 "$RUNS"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" -v n="$RUNS" '
    { t[NR] = $1 } END { printf "%-28s median %4d ms   min %4d ms   max %4d ms   (%d runs)\n", label, t[int((n + 1) / 2)], t[1], t[n], n }'
}

echo "java: $(java -version 2>&1 | head -1); cores: $(nproc); workspace with 50 tasks"
counter=0
add_next() { counter=$((counter + 1)); java -jar "$JAR" add "bench_${counter}_$RANDOM$RANDOM" grind -w "$WS"; }
measure "java -jar vivarium.jar add" add_next
measure "java -jar vivarium.jar status" java -jar "$JAR" status -w "$WS"
measure "java -jar vivarium.jar status --json" java -jar "$JAR" status --json -w "$WS"
measure "java -jar vivarium.jar --version" java -jar "$JAR" --version
