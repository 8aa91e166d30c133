#!/usr/bin/env bash
# The real-cluster suites a user of each pair of Slurm release and API version relies on, for the
# pairs beside the full suite's own (Slurm 24.11 with v0.0.42, which auto picks there):
#   24.11 + v0.0.40 (pinned), 26.05 + v0.0.42 (pinned), 26.05 + v0.0.44 (auto picks it)
# Per pair: the SDK's (SlurmRestClientRealClusterIT: submit, held jobs, cancel, a lost submit
# answer adopted without a second job, refused and expired tokens, a slurmctld restart), the
# backend's (SlurmBackendRealClusterIT: training, a self-play array with a throttle, failure kinds
# with their log tails, cancel, timeouts, the slurmdbd fallback after MinJobAge, split arrays) and
# the command line's (CliRealClusterIT: preflight, smoke, the loop, submit --wait). The heavy load,
# fault and tracking-cost suites run once, on the full suite's pair.
# Brings up the local 26.05 cluster (scripts/local-slurm.sh --release 26.05 up). Each pair writes its
# reports in MODULE/target/failsafe-reports-RELEASE-VERSION. Then the pinned v0.0.42 and v0.0.44
# specs are compared with what Slurm 26.05 serves, and the test kit's fake slurmrestd is checked against
# Slurm 26.05 by the contract suite (FakeContractRealClusterIT: the versions recorded from 26.05; the
# full suite runs it against 24.11). Run after mvn install (the consumer check in
# .ci/run does it); exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RINGRIFT_SLURM_RELEASE=26.05 scripts/local-slurm.sh up
failed=0
modules="slurm-sdk ringrift-backend ringrift-slurm-cli"
suites=SlurmRestClientRealClusterIT,SlurmBackendRealClusterIT,CliRealClusterIT

# Failsafe writes its reports to target/failsafe-reports whatever it is told; each run here moves
# them to a directory of their own (counted by .ci/run's closing line), and the full suite's
# reports, set aside first, come back at the end.
for m in $modules slurm-client ringrift-slurm-testing; do
  rm -rf "$m/target/failsafe-reports-"*
  [ -d "$m/target/failsafe-reports" ] && mv "$m/target/failsafe-reports" "$m/target/failsafe-reports.suite"
done
restore() {
  for m in $modules slurm-client ringrift-slurm-testing; do
    if [ -d "$m/target/failsafe-reports.suite" ]; then
      rm -rf "$m/target/failsafe-reports"
      mv "$m/target/failsafe-reports.suite" "$m/target/failsafe-reports"
    fi
  done
}
trap restore EXIT
keep() { # module name: this run's reports under failsafe-reports-NAME
  if [ -d "$1/target/failsafe-reports" ]; then
    mv "$1/target/failsafe-reports" "$1/target/failsafe-reports-$2"
  fi
}
for pair in 24.11:v0.0.40 26.05:v0.0.42 26.05:auto; do
  release=${pair%%:*}
  version=${pair#*:}
  t0=$SECONDS
  log=$(mktemp -t "version-matrix-$release-$version.XXXX.log")
  if RINGRIFT_SLURM_RELEASE=$release SLURM_REST_API_VERSION=$version mvn -B -ntp verify -pl "${modules// /,}" \
      -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$suites" -Dfailsafe.failIfNoSpecifiedTests=false \
      >"$log" 2>&1; then
    for m in $modules; do keep "$m" "$release-$version"; done
    echo "[versions] Slurm $release with $version: $(grep -c '^\[INFO\] Tests run:.*in ai' "$log") suites passed in $((SECONDS - t0)) s"
  else
    for m in $modules; do keep "$m" "$release-$version"; done
    grep -E 'Tests run:|<<<' "$log" | tail -n 10
    echo "[versions] Slurm $release with $version: FAILED in $((SECONDS - t0)) s (log: $log)"
    failed=$((failed + 1))
  fi
done
# the pinned v0.0.42 and v0.0.44 specs against what Slurm 26.05 serves (v0.0.40's runs in the full suite)
t0=$SECONDS
log=$(mktemp -t version-matrix-specs.XXXX.log)
if RINGRIFT_SLURM_RELEASE=26.05 mvn -B -ntp verify -pl slurm-client -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=PinnedSpecMatchesServerIT >"$log" 2>&1; then
  keep slurm-client 26.05-specs
  echo "[versions] $(grep -o 'pinned specs .* serves' "$log" | head -1): passed in $((SECONDS - t0)) s"
else
  keep slurm-client 26.05-specs
  grep -E 'Tests run:|<<<|Expecting|differ' "$log" | tail -n 10
  echo "[versions] pinned specs against Slurm 26.05: FAILED (log: $log)"
  failed=$((failed + 1))
fi
# the fake slurmrestd against Slurm 26.05: the same scenarios through the SDK on both, compared step by step
t0=$SECONDS
log=$(mktemp -t version-matrix-contract.XXXX.log)
if RINGRIFT_SLURM_RELEASE=26.05 mvn -B -ntp verify -pl ringrift-slurm-testing -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=FakeContractRealClusterIT -Dfailsafe.failIfNoSpecifiedTests=false >"$log" 2>&1; then
  keep ringrift-slurm-testing 26.05-contract
  echo "[versions] fake slurmrestd against Slurm 26.05 ($(grep -o 'contract v0\.0\.[0-9]*' "$log" | tr '\n' ' ')): passed in $((SECONDS - t0)) s"
else
  keep ringrift-slurm-testing 26.05-contract
  grep -E 'Tests run:|<<<|scenario' "$log" | tail -n 20
  echo "[versions] fake slurmrestd against Slurm 26.05: FAILED (log: $log)"
  failed=$((failed + 1))
fi
exit $failed
