#!/usr/bin/env bash
# Throughput benchmark: N empty grinds (default 10,000) through `start 8`, repeated RUNS times (default 3), with wall
# time and peak RSS, then the delay from `add` in another process to the claim: the throughput and pickup phases of
# scale-bench.sh at one size, without the peer. Usage: [JAR=other.jar] src/bench/throughput.sh [TASKS] [RUNS]
exec env SIZES="${1:-10000}" RUNS="${2:-3}" PHASES="throughput pickup" "$(dirname "$0")/scale-bench.sh"
