#!/usr/bin/env bash
# Bad-input campaign: hostile HTTP bodies, headers and paths, broken workspace files, links and named pipes in the
# workspace, garbage and skewed claims, a full disk and a read-only workspace (the last two need root for mount).
# Ends with a PASS/FAIL line.
set -uo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B test -Dtest='BadInputCampaignTest,FilesystemFaultsTest,BadInputTest,HostileWorkspaceFilesTest,WorkspaceFileSafetyTest' -Dsurefire.failIfNoSpecifiedTests=false \
  > target/bad-input-campaign.log 2>&1
status=$?
[ $status -eq 0 ] || tail -40 target/bad-input-campaign.log
cases=$(cat target/surefire-reports/io.vivarium.campaign.BadInputCampaignTest.txt \
  target/surefire-reports/io.vivarium.campaign.FilesystemFaultsTest.txt \
  target/surefire-reports/io.vivarium.cli.BadInputTest.txt \
  target/surefire-reports/io.vivarium.cli.HostileWorkspaceFilesTest.txt \
  target/surefire-reports/io.vivarium.store.file.WorkspaceFileSafetyTest.txt 2>/dev/null \
  | awk -F'[:,]' '/Tests run/ {run+=$2; fail+=$4+$6; skip+=$8} END {printf "%d cases, %d failed, %d skipped", run, fail, skip}')
if [ $status -eq 0 ]; then echo "bad-input campaign: PASS - $cases"; else echo "bad-input campaign: FAIL - $cases"; fi
exit $status
