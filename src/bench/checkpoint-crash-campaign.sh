#!/usr/bin/env bash
# Checkpoint crash campaign: two worker processes over a queue of thousands of tasks while kill -9 lands inside
# checkpoints (temp files being written, the install under the lock) and at random, on workers and on add/cancel/retry;
# an audit after every kill; ends with a PASS/FAIL line. Usage: src/bench/checkpoint-crash-campaign.sh [TASKS=4000] [KILLS=200] [SEED]
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/campaign.classpath > /dev/null
exec java -cp "target/test-classes:target/classes:$(cat target/campaign.classpath)" \
  io.vivarium.campaign.CheckpointCrashCampaign "${1:-4000}" "${2:-200}" ${3:-}
