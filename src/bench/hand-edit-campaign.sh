#!/usr/bin/env bash
# Hand-edit campaign: three worker processes over command tasks in a git repository while rm, git checkout, git stash /
# stash pop, truncation, an editor's save, the original system's format and the removal of the journal or the lease
# files strike at random; ends with a PASS/FAIL line. Usage: src/bench/hand-edit-campaign.sh [TASKS=100] [STRIKES=100] [SEED]
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B -o test-compile
./mvnw -q -B -o dependency:build-classpath -Dmdep.outputFile=target/campaign.classpath > /dev/null
exec java -cp "target/test-classes:target/classes:$(cat target/campaign.classpath)" \
  io.vivarium.campaign.HandEditCampaign "${1:-100}" "${2:-100}" ${3:-}
