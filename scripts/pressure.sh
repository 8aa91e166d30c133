#!/usr/bin/env bash
# Pressure on the local real cluster, with nothing lost or duplicated: every job each run submits is
# checked in slurmdbd (each acknowledged submission there once under its id, no job created twice,
# none created for a submission reported as failed). Writes target/pressure/*.json and
# target/pressure.md. Leaves slurmctld and slurmrestd restarted with their usual settings.
#
#   scripts/pressure.sh          the full run (about 25 minutes on 2 cores, plus the closing probe
#                                wait of each burst: 5.5 minutes with the SDK's submit timeout and settle):
#     - 16 submitters, 10,000 jobs (1 in 20 short, the rest held then cancelled), without and with
#       slurmctld's RPC rate limit (rl_enable, a bucket of 30 refilled by 40 a second)
#     - under the rate limit, a client that gives up on a submit after 1 s (the SDK waits 5 min):
#       answers lost by the dozen, looked up through the settle time; and the same without the
#       settle time (blind resending). Both are demonstrations (their findings do not fail the run):
#       no client can be sure of a request the server may still act on
#     - slurmrestd with 2 threads and 8 client connections: 64 submitters without the client's in-flight
#       limit (a demonstration) and with it (8, its connections), both giving up on a submit after
#       60 s; 4 JVMs of 16 submitters at once (10,000 jobs), each limited to 2 requests in flight
#       (together the 8 connections slurmrestd serves); then 2 JVMs that ask for 32 connections
#       together (they wait, but nothing is lost or duplicated)
#     - slurmrestd killed (SIGKILL) during a 16-submitter burst and started again 5 s later
#   Every scenario but the demonstrations and the oversubscribed JVMs also fails when a submission
#   ended in an error (--all-answered): there the SDK's waits and retries must get every one through.
#     - the SDK's job watcher over 10,000 live jobs: requests, bytes and time per round, its heap
#   scripts/pressure.sh --planted  each check on a planted fault (test only, ~3 minutes): a copy of a
#                                job sent by plain HTTP 60 s after the last submit (submit timeout
#                                60 s), a kill of slurmrestd that is not sent, a job left out of the
#                                cancels in tracking; each scenario must FAIL saying so. Writes
#                                docs/pressure-planted.md
#   scripts/pressure.sh --tiny   what CI runs (a few hundred jobs per scenario: rate limit, 2 JVMs
#                                against a small slurmrestd, slurmrestd killed mid-burst, the watcher
#                                over 200 jobs; submit timeout 20 s, settle 10 s)
#
# Every burst searches for copies among every id from a probe job submitted before it to a closing
# probe submitted once submit timeout plus settle time passed since its last submit, in slurmctld
# and in slurmdbd (once slurmdbd holds the closing probe's record); a job there whose name cannot be
# read fails it. The kill scenario fails unless slurmrestd's pid was gone and a new one answered;
# tracking fails on any job not CANCELLED. Test only: Pressure's --plant-fault plants each fault
# these checks must catch (see docs/pressure.md).
#
# RINGRIFT_SLURM_RELEASE=26.05 runs it on the Slurm 26.05 cluster.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tiny=false
planted=false
case "${1:-}" in
  --tiny) tiny=true ;;
  --planted) planted=true ;;
  "") ;;
  *) echo "usage: $0 [--tiny | --planted]" >&2; exit 2 ;;
esac

# Every burst's closing probe goes in once the longest time a submit can still land has passed since
# the last submit (submit timeout plus settle time; the SDK's defaults, 5 min and 30 s, in the full
# run). The tiny run gives submits 20 s and a settle time of 10 s, so each burst waits 30 s for it.
TINY_WINDOW="--submit-timeout 20s --submit-settle 10s"
RATE_LIMIT=rl_enable,rl_bucket_size=30,rl_refill_rate=40,rl_refill_period=1
# 8 connections for clients: slurmrestd counts its listening socket among --max-connections (with 8,
# a client's 8th connection is never served while the other 7 stay open)
SMALL_SLURMRESTD="-t 2 --max-connections 9"
# the harness finds the cluster of RINGRIFT_SLURM_RELEASE as the tests do (ringrift-slurm-test-support's LocalCluster)
export RINGRIFT_PROJECT_ROOT=$PWD

scripts/local-slurm.sh up
source scripts/lib/build.sh
quiet_build target/pressure-build.log -DskipTests package
jar=ringrift-slurm-bench/target/ringrift-slurm-bench.jar
rm -rf target/pressure
mkdir -p target/pressure

# slurmctld and slurmrestd with their usual settings, before the runs (an earlier run may have
# been stopped half way) and after them
restore() { scripts/local-slurm.sh restart slurmctld slurmrestd >/dev/null 2>&1 || echo "[pressure] could not restart slurmctld and slurmrestd with their usual settings; run: scripts/local-slurm.sh restart slurmctld slurmrestd" >&2; }
restore
trap restore EXIT

failed=0
pressure() { # scenario name options...
  local log="target/pressure/$2.log"
  if java -cp "$jar" ai.ringrift.slurm.bench.Pressure "$@" >"$log" 2>&1; then
    grep '^\[pressure\]' "$log" || true
  else
    tail -n 30 "$log"
    echo "[pressure] $2 FAILED (log: $log)"
    failed=$((failed + 1))
  fi
}
# several JVMs at once, each its own name; waits for all
pressure_jvms() { # count name options...
  local n=$1 name=$2 i pids=() rc; shift 2
  for ((i = 1; i <= n; i++)); do
    java -cp "$jar" ai.ringrift.slurm.bench.Pressure burst "$name-jvm$i" "$@" >"target/pressure/$name-jvm$i.log" 2>&1 &
    pids+=($!)
  done
  for ((i = 1; i <= n; i++)); do
    if wait "${pids[i - 1]}"; then rc=0; else rc=$?; fi
    if [ "$rc" -eq 0 ]; then
      grep '^\[pressure\]' "target/pressure/$name-jvm$i.log" || true
    else
      tail -n 30 "target/pressure/$name-jvm$i.log"
      echo "[pressure] $name-jvm$i FAILED (log: target/pressure/$name-jvm$i.log)"
      failed=$((failed + 1))
    fi
  done
}
ctld() { SLURMCTLD_PARAMETERS="$1" scripts/local-slurm.sh restart slurmctld >/dev/null; }
restd() { SLURMRESTD_OPTIONS="$1" scripts/local-slurm.sh restart slurmrestd >/dev/null; }

t0=$SECONDS
if $planted; then
  # each run must fail, with its message; a planted fault that passes fails this mode
  planted_run() { # name expected-line options...
    local name=$1 expect=$2 log="target/pressure/$1.log" rc=0; shift 2
    java -cp "$jar" ai.ringrift.slurm.bench.Pressure "$1" "$name" "${@:2}" >"$log" 2>&1 || rc=$?
    {
      echo "### $name"
      echo
      echo '```'
      echo "\$ java -cp $jar ai.ringrift.slurm.bench.Pressure $1 $name ${*:2}"
      grep '^\[pressure\]' "$log" || true
      echo "(exit $rc)"
      echo '```'
      echo
    } >>target/pressure-planted.md
    if [ "$rc" -ne 1 ] || ! grep -q "$expect" "$log"; then
      echo "[pressure] $name: the planted fault was NOT caught (exit $rc; log: $log)"
      failed=$((failed + 1))
    else
      echo "[pressure] $name: failed as it must: $(grep -m1 "$expect" "$log")"
    fi
  }
  { echo '# Pressure checks seen failing on planted faults'; echo; echo "<!-- written by scripts/pressure.sh --planted on $(date -u +%Y-%m-%d) -->"; echo; } >target/pressure-planted.md
  planted_run planted-late-duplicate 'FAILED: 0 lost, 1 duplicated' burst --submitters 16 --jobs 300 --submit-timeout 60s \
    --submit-settle 10s --plant-fault late-duplicate --plant-after 60s --all-answered
  planted_run planted-no-kill 'FAILED: slurmrestd was not killed' burst --submitters 16 --jobs 1000 --kill-slurmrestd-after-jobs 200 \
    --down-for 3s $TINY_WINDOW --plant-fault no-kill --all-answered
  restore
  planted_run planted-leave-running 'not in the final state they were driven to' track --jobs 100 --interval 1s --rounds 3 \
    --drain-timeout 30s --plant-fault leave-running
  cp target/pressure-planted.md docs/pressure-planted.md
  echo "[pressure] planted faults in $((SECONDS - t0)) s: $failed not caught (docs/pressure-planted.md)"
  [ "$failed" -eq 0 ]
  exit
fi
if $tiny; then
  ctld "$RATE_LIMIT"
  pressure burst rate-limited --submitters 16 --jobs 300 $TINY_WINDOW --all-answered
  ctld ""
  restd "$SMALL_SLURMRESTD"
  pressure_jvms 2 small-slurmrestd --submitters 8 --jobs 150 --max-in-flight 4 $TINY_WINDOW --all-answered
  restd ""
  pressure burst slurmrestd-killed --submitters 16 --jobs 1000 --kill-slurmrestd-after-jobs 200 --down-for 3s $TINY_WINDOW --all-answered
  pressure track tracking-tiny --jobs 200 --interval 1s --rounds 3 --drain-timeout 2m
else
  pressure burst no-rate-limit --submitters 16 --jobs 10000 --all-answered
  ctld "$RATE_LIMIT"
  pressure burst rate-limited --submitters 16 --jobs 10000 --all-answered
  pressure burst rate-limited-1s-timeout --submitters 16 --jobs 300 --read-timeout 1s --submit-timeout 1s --demonstration
  pressure burst rate-limited-1s-timeout-blind --submitters 16 --jobs 300 --read-timeout 1s --submit-timeout 1s \
    --submit-settle 0s --demonstration
  ctld ""
  restd "$SMALL_SLURMRESTD"
  pressure burst small-slurmrestd-no-client-limit --submitters 64 --jobs 300 --max-in-flight 1000 --submit-timeout 60s --demonstration
  restd "$SMALL_SLURMRESTD" # the demonstration's abandoned requests must not hold the next run up
  pressure burst small-slurmrestd-client-limit --submitters 64 --jobs 300 --max-in-flight 8 --submit-timeout 60s --all-answered
  pressure_jvms 4 small-slurmrestd --submitters 16 --jobs 2500 --max-in-flight 2 --all-answered
  pressure_jvms 2 small-slurmrestd-oversubscribed --submitters 8 --jobs 150 --max-in-flight 16
  restd ""
  pressure burst slurmrestd-killed --submitters 16 --jobs 3000 --kill-slurmrestd-after-jobs 500 --down-for 5s --all-answered
  pressure track tracking-10000 --jobs 10000 --interval 2s --rounds 10
fi
java -cp "$jar" ai.ringrift.slurm.bench.Pressure report >/dev/null
cat target/pressure.md
# the published page: written from this run's results only (its figures are checked against the
# results file it names by ai.ringrift.slurm.bench.DocFigures, in CI)
mode=$($tiny && echo tiny || echo full)
results=docs/results/pressure-$mode.json
mkdir -p docs/results
{
  echo '['
  sep=''
  for f in $(ls -tr target/pressure/*.json); do printf '%s' "$sep"; cat "$f"; sep=','; done
  echo ']'
} >"$results"
{
  echo '# Pressure runs'
  echo
  echo "<!-- written by scripts/pressure.sh$($tiny && echo ' --tiny') on $(date -u +%Y-%m-%d) from its results; do not edit by hand -->"
  echo "<!-- results: $results -->"
  echo
  echo "Written by \`scripts/pressure.sh$($tiny && echo ' --tiny')\` from \`$results\` (every figure below is a value there)."
  echo 'Every burst searches for copies among every job id from a probe job submitted before it to a'
  echo 'closing probe submitted once the submit timeout plus the settle time passed since its last'
  echo 'submit, in slurmdbd (once it holds the closing probe'"'"'s record) and in slurmctld; a job there whose'
  echo 'name cannot be read fails it. The kill scenario fails unless slurmrestd'"'"'s pid was gone and a new'
  echo 'slurmrestd answered. Tracking fails on any job not in the final state it was driven to. How each'
  echo 'check was seen failing on a planted fault: `docs/pressure-planted.md`.'
  echo
  cat target/pressure.md
} >docs/pressure.md
echo "[pressure] written to docs/pressure.md (results: $results)"
echo "[pressure] $( $tiny && echo tiny || echo full ) run in $((SECONDS - t0)) s: $failed scenario(s) failed"
[ "$failed" -eq 0 ]
