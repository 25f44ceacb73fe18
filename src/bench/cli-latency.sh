#!/usr/bin/env bash
# Wall time of CLI verbs on this machine: median and spread over RUNS runs each.
# Both as `java -jar vivarium.jar` and through the release's launcher src/main/dist/vivarium (class data sharing).
# Usage: src/bench/cli-latency.sh [RUNS]   (builds target/vivarium.jar first if it is missing; JAR=other.jar
# measures another build). scale-bench.sh measures the same verbs on workspaces of 10,000 tasks and more.
set -euo pipefail
cd "$(dirname "$0")/../.."
source src/bench/bench-lib.sh
RUNS=${1:-15}
ensure_jar
WS=$(mktemp -d)
trap 'rm -rf "$WS"' EXIT
java -jar "$JAR" clear -w "$WS" >/dev/null
for i in $(seq 1 50); do java -jar "$JAR" add "seed_$i" grind -w "$WS" >/dev/null; done

measure() { # label, then the command
  local label=$1; shift
  local times=()
  for i in $(seq 1 "$RUNS"); do times+=("$(timed_ms "$@")"); done
  summarize "$label" "${times[@]}"
}

echo "java: $(java -version 2>&1 | head -1); cores: $(nproc); workspace with 50 tasks"
# Runs in a subshell of timed_ms: the clock, not a counter, keeps the ids apart.
add_next() { java -jar "$JAR" add "bench_${EPOCHREALTIME/[.,]/}" grind -w "$WS"; }
measure "java -jar vivarium.jar add" add_next
measure "java -jar vivarium.jar status" java -jar "$JAR" status -w "$WS"
measure "java -jar vivarium.jar status --json" java -jar "$JAR" status --json -w "$WS"
measure "java -jar vivarium.jar --version" java -jar "$JAR" --version
# The release's launcher: the same verbs with its class-data-sharing archive (made once, before the timed runs).
export XDG_CACHE_HOME=$WS/cache VIVARIUM_JAR=$(readlink -f "$JAR")
src/main/dist/vivarium --version > /dev/null
add_next_launcher() { src/main/dist/vivarium add "bench_${EPOCHREALTIME/[.,]/}" grind -w "$WS"; }
measure "src/main/dist/vivarium add" add_next_launcher
measure "src/main/dist/vivarium status" src/main/dist/vivarium status -w "$WS"
measure "src/main/dist/vivarium status --json" src/main/dist/vivarium status --json -w "$WS"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
