#!/usr/bin/env bash
# Cluster campaign: several worker JVMs share one PostgreSQL queue of command tasks; one is killed with -9 mid-run;
# ends with a PASS/FAIL line. Usage: src/bench/cluster-campaign.sh [TASKS=10000] [JVMS=3] [WORKERS=8] [SEED]
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/campaign.classpath -Dmdep.includeScope=test > /dev/null
exec java -cp "target/test-classes:target/classes:$(cat target/campaign.classpath)" \
  io.vivarium.campaign.ClusterCampaign "${1:-10000}" "${2:-3}" "${3:-8}" ${4:-}
