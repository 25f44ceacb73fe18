#!/usr/bin/env bash
# Wall time of CLI verbs on this machine: median and spread over RUNS runs each, and the classes each loads (a figure
# the machine's load does not move). Both as `java -jar vivarium.jar` and through the release's launcher
# target/vivarium (class data sharing, C1 only for short verbs), in turn, run by run.
# Usage: src/bench/cli-latency.sh [RUNS]   (builds target/vivarium.jar first if it is missing; JAR=other.jar
# measures another build with the launcher of this checkout). scale-bench.sh measures the same verbs on workspaces
# of 10,000 tasks and more.
set -euo pipefail
cd "$(dirname "$0")/../.."
source src/bench/bench-lib.sh
RUNS=${1:-15}
ensure_jar
LAUNCHER=target/vivarium
[ -x "$LAUNCHER" ] || LAUNCHER=src/main/dist/vivarium
WS=$(mktemp -d)
trap 'rm -rf "$WS"' EXIT
java -jar "$JAR" clear -w "$WS" >/dev/null
for i in $(seq 1 50); do java -jar "$JAR" add "seed_$i" grind -w "$WS" >/dev/null; done
# The launcher's archive is made once, before the timed runs, in a cache of this run's own.
export XDG_CACHE_HOME=$WS/cache VIVARIUM_JAR=$(readlink -f "$JAR")
"$LAUNCHER" status -w "$WS" > /dev/null

classes() { # command...: classes loaded, and how many of them came from a class-data-sharing archive
  local log=$WS/classes.log
  rm -f "$log"
  JAVA_TOOL_OPTIONS="-Xlog:class+load:file=$log" "$@" > /dev/null 2>&1 || true
  echo "$(grep -c 'source:' "$log") classes, $(grep -c 'shared objects file' "$log") from archives"
}
# Runs in a subshell of timed_ms: the clock, not a counter, keeps the ids apart.
add_jar() { java -jar "$JAR" add "bench_${EPOCHREALTIME/[.,]/}" grind -w "$WS"; }
add_launcher() { "$LAUNCHER" add "bench_${EPOCHREALTIME/[.,]/}" grind -w "$WS"; }
pair() { # label, then the verb's arguments (or add): java -jar and the launcher in turn, RUNS times each
  local label=$1; shift
  local a=() b=()
  for i in $(seq 1 "$RUNS"); do
    if [ "$1" = add ]; then a+=("$(timed_ms add_jar)"); b+=("$(timed_ms add_launcher)")
    else a+=("$(timed_ms java -jar "$JAR" "$@")"); b+=("$(timed_ms "$LAUNCHER" "$@")"); fi
  done
  summarize "java -jar $label" "${a[@]}"
  summarize "$LAUNCHER $label" "${b[@]}"
}

echo "java: $(java -version 2>&1 | head -1); cores: $(nproc); workspace with 50 tasks; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
pair "add" add
pair "status" status -w "$WS"
pair "status --json" status --json -w "$WS"
pair "--version" --version
echo "classes, java -jar add:        $(classes java -jar "$JAR" add "classes_${EPOCHREALTIME/[.,]/}" grind -w "$WS")"
echo "classes, java -jar status:     $(classes java -jar "$JAR" status -w "$WS")"
echo "classes, $LAUNCHER add:    $(classes "$LAUNCHER" add "classes_${EPOCHREALTIME/[.,]/}" grind -w "$WS")"
echo "classes, $LAUNCHER status: $(classes "$LAUNCHER" status -w "$WS")"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
