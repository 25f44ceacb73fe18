#!/usr/bin/env bash
# Crash campaign: worker processes over one workspace while kill -9 strikes workers and admin verbs at random;
# ends with a PASS/FAIL line. Usage: src/bench/crash-campaign.sh [TASKS=300] [KILLS=40] [SEED]
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/campaign.classpath > /dev/null
exec java -cp "target/test-classes:target/classes:$(cat target/campaign.classpath)" \
  io.vivarium.campaign.CrashCampaign "${1:-300}" "${2:-40}" ${3:-}
