#!/usr/bin/env bash
# Records again every answer the test kit serves (ringrift-slurm-recordings'
# src/main/resources/slurmrestd/VERSION/mappings) from the real local clusters:
#   v0.0.40 from Slurm 24.11: the generated client's own tests (GeneratedClientRealClusterIT,
#           DaemonDownRecordingIT: they also stop slurmctld and slurmdbd for the answers of a daemon
#           that is down), then RecordAnswersRealClusterIT, whose answers of one job's life replace
#           theirs so that every recording of a job is of the same jobs
#   every version of the version table (openapi/versions.json, scripts/lib/versions.sh) from the
#           newest local release that serves it: RecordAnswersRealClusterIT
# Each version's status-codes.tsv lists what the server answered (status, Slurm error numbers).
# Brings both clusters up (scripts/local-slurm.sh up; --release 26.05 up). Review the change with
# git diff, then run scripts/test.sh: RecordedAnswersTest reads every version's answers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/versions.sh
root=$PWD/ringrift-slurm-recordings/src/main/resources/slurmrestd
scripts/local-slurm.sh up
RINGRIFT_SLURM_RELEASE=26.05 scripts/local-slurm.sh up
mvn -B -q -ntp install -DskipTests -Dmaven.source.skip -Dmaven.javadoc.skip -pl slurm-client,ringrift-slurm-recordings -am >/dev/null

record() { # MODULE RELEASE VERSION TESTS [maven args]
  local module=$1 release=$2 version=$3 tests=$4 log
  shift 4
  log=$(mktemp -t "record-answers-$release-$version.XXXX.log")
  if RINGRIFT_SLURM_RELEASE=$release SLURM_REST_API_VERSION=$version mvn -B -ntp verify -pl "$module" \
      -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$tests" "$@" >"$log" 2>&1; then
    echo "[record] Slurm $release, $version: $tests recorded"
  else
    grep -E 'Tests run:|<<<|Expecting' "$log" | tail -n 10
    echo "[record] Slurm $release, $version: $tests FAILED (log: $log)"
    exit 1
  fi
}
record slurm-client 24.11 v0.0.40 GeneratedClientRealClusterIT,DaemonDownRecordingIT -Dfixtures.record.dir="$root/v0.0.40/mappings"
for version in $(versions_spoken); do
  record ringrift-slurm-recordings "$(versions_recorded_on "$version")" "$version" RecordAnswersRealClusterIT -Danswers.record.root="$root"
done
git status --short -- "$root" | head -n 60
