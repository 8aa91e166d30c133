#!/usr/bin/env bash
# The real-cluster suites a user of each pair of Slurm release and API version relies on, for every
# pair of the version table (openapi/versions.json, read through scripts/lib/versions.sh) beside the
# full suite's own (the oldest local release with the version auto picks there): today
#   24.11 + v0.0.40 (pinned), 26.05 + v0.0.42 and v0.0.44 (pinned), 26.05 + auto (v0.0.45)
# The newest version a release serves runs as auto, which proves auto picks it.
# Per pair: the SDK's (SlurmRestClientRealClusterIT: submit, held jobs, cancel, a lost submit
# answer adopted without a second job, refused and expired tokens, a slurmctld restart), the
# backend's (SlurmBackendRealClusterIT: training, a self-play array with a throttle, failure kinds
# with their log tails, cancel, timeouts, the slurmdbd fallback after MinJobAge, split arrays) and
# the command line's (CliRealClusterIT: preflight, smoke, the loop, submit --wait). The backend's
# suite runs with the oldest and the newest version of each release only: the backend knows no API
# version, and what a middle version changes (the SDK's mapping, WireMapping) the SDK's suite and the
# contract suite check on every pair; the command line's suite still drives the backend on each
# (today that leaves out 26.05 + v0.0.44, whose mapping the backend relies on is v0.0.45's). The
# heavy load, fault and tracking-cost suites run once, on the full suite's pair. Then each pinned spec is
# compared with what the release that generated it serves, and what that release answers today with
# the committed recordings of the versions recorded on it (RecordAnswersRealClusterIT, by shape), and
# the test kit's fake against it by the contract suite (FakeContractRealClusterIT; the full suite runs
# both against the first release). The lane of the full suite's release, which ends first, then runs
# the backend on the multi-node cluster (MultiNodeRealClusterIT: scripts/multi-node-cluster.sh, six
# nodes; partitions on their own nodes, an array spread over nodes, nodes lost mid-run, two-node
# training), which the full suite leaves out.
#
# The releases run at once (one lane each, their pairs one after another): each pair runs only
# Failsafe on what the build compiled (run after mvn install; the consumer check in .ci/run does
# it) and writes its reports to MODULE/target/failsafe-reports-RELEASE-VERSION. Brings up the local
# clusters it needs (scripts/local-slurm.sh --release R up). Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/versions.sh
modules="slurm-sdk,ringrift-backend,ringrift-slurm-cli"
suites=SlurmRestClientRealClusterIT,SlurmBackendRealClusterIT,CliRealClusterIT
full_suite_release=$(versions_local_releases | head -1)
logs=$(mktemp -d -t version-matrix.XXXX)

for m in slurm-sdk ringrift-backend ringrift-slurm-cli slurm-client ringrift-slurm-recordings ringrift-slurm-testing; do rm -rf "$m/target/failsafe-reports-"*; done

failsafe() { # RELEASE VERSION(auto|vX) NAME MODULES TESTS: one Failsafe run against that release's cluster
  local release=$1 version=$2 name=$3 modules=$4 tests=$5
  RINGRIFT_SLURM_RELEASE=$release SLURM_REST_API_VERSION=$version mvn -B -ntp -pl "$modules" \
    failsafe:integration-test failsafe:verify -Dit.test="$tests" -Dfailsafe.failIfNoSpecifiedTests=false \
    -Dit.reports="target/failsafe-reports-$name" >"$logs/$name.log" 2>&1
}

lane() { # RELEASE: its pairs, then its pinned specs, one after another; prints one line each
  local release=$1 version newest oldest tests t0 failed=0 name
  scripts/local-slurm.sh --release "$release" up >"$logs/up-$release.log" 2>&1 ||
    { echo "[versions] Slurm $release: the local cluster did not come up ($logs/up-$release.log)"; return 1; }
  newest=$(versions_newest_on "$release")
  oldest=$(versions_matrix | awk -v r="$release" '$1 == r {print $2; exit}')
  for version in $(versions_matrix | awk -v r="$release" '$1 == r {print $2}'); do
    tests=$suites
    [ "$version" = "$oldest" ] || [ "$version" = "$newest" ] || tests=${suites/SlurmBackendRealClusterIT,/}
    [ "$version" = "$newest" ] && version=auto
    [ "$release" = "$full_suite_release" ] && [ "$version" = auto ] && continue # the full suite's pair
    name="$release-$version"
    t0=$SECONDS
    if failsafe "$release" "$version" "$name" "$modules" "$tests"; then
      echo "[versions] Slurm $release with $version$([ "$version" = auto ] && echo " ($newest)"): $(grep -c '^\[INFO\] Tests run:.*in ai' "$logs/$name.log") suites passed in $((SECONDS - t0)) s"
    else
      grep -E 'Tests run:|<<<' "$logs/$name.log" | tail -n 10
      echo "[versions] Slurm $release with $version: FAILED in $((SECONDS - t0)) s (log: $logs/$name.log)"
      failed=1
    fi
  done
  if [ "$release" = "$full_suite_release" ]; then
    # its specs and recordings are checked in the full suite; this lane ends long before the other,
    # so the backend on the multi-node cluster (scripts/multi-node-cluster.sh, brought up by the test)
    # runs here, at no cost in time
    t0=$SECONDS
    if failsafe "$release" auto "$release-multi-node" ringrift-backend MultiNodeRealClusterIT; then
      echo "[versions] Slurm $release on $(scripts/multi-node-cluster.sh --release "$release" env | sed -n 's/^SLURM_NODE_NAMES=//p' | tr ',' ' ' | wc -w) nodes: MultiNodeRealClusterIT passed in $((SECONDS - t0)) s"
    else
      grep -E 'Tests run:|<<<|expected|but was' "$logs/$release-multi-node.log" | tail -n 12
      echo "[versions] Slurm $release on the multi-node cluster: FAILED in $((SECONDS - t0)) s (log: $logs/$release-multi-node.log)"
      failed=1
    fi
    return $failed
  fi
  t0=$SECONDS
  # the pinned specs this release generated, its answers against the committed recordings (by shape),
  # and the test kit's fake against it (the contract suite, for the versions recorded on it)
  if failsafe "$release" auto "$release-specs" slurm-client,ringrift-slurm-recordings,ringrift-slurm-testing \
      PinnedSpecMatchesServerIT,RecordAnswersRealClusterIT,FakeContractRealClusterIT; then
    echo "[versions] $(grep -o 'pinned specs .* serves.*' "$logs/$release-specs.log" | head -1); its answers have the recordings' shape; $(grep -o 'contract v0.0.4[0-9]: [^,]*' "$logs/$release-specs.log" | tr '\n' ';'): passed in $((SECONDS - t0)) s"
  else
    grep -E 'Tests run:|<<<|Expecting|differ| is new| is gone| was ' "$logs/$release-specs.log" | tail -n 20
    echo "[versions] pinned specs and recordings against Slurm $release: FAILED (log: $logs/$release-specs.log)"
    failed=1
  fi
  return $failed
}

pids=()
for release in $(versions_local_releases); do
  lane "$release" & pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
exit $failed
