#!/usr/bin/env bash
# Contention campaign: serve + two start + a worker run on one workspace while add/retry/cancel stream in from the
# CLI and over HTTP; ends with a PASS/FAIL line. Usage: src/bench/contention-campaign.sh [SECONDS=60] [SEED]
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/campaign.classpath > /dev/null
exec java -cp "target/test-classes:target/classes:$(cat target/campaign.classpath)" \
  io.vivarium.campaign.ContentionCampaign "${1:-60}" ${2:-}
