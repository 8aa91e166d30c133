#!/usr/bin/env bash
# Pressure on the local real cluster, with nothing lost or duplicated: every job each run submits is
# checked in slurmdbd (each acknowledged submission there once under its id, no job created twice,
# none created for a submission reported as failed). Writes target/pressure/*.json and
# target/pressure.md. Leaves slurmctld and slurmrestd restarted with their usual settings.
#
#   scripts/pressure.sh          the full run (about 25 minutes on 2 cores):
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
#   scripts/pressure.sh --tiny   what CI runs (a few hundred jobs per scenario: rate limit, 2 JVMs
#                                against a small slurmrestd, slurmrestd killed mid-burst; ~4 minutes)
#
# RINGRIFT_SLURM_RELEASE=26.05 runs it on the Slurm 26.05 cluster.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tiny=false
case "${1:-}" in
  --tiny) tiny=true ;;
  "") ;;
  *) echo "usage: $0 [--tiny]" >&2; exit 2 ;;
esac

RATE_LIMIT=rl_enable,rl_bucket_size=30,rl_refill_rate=40,rl_refill_period=1
# 8 connections for clients: slurmrestd counts its listening socket among --max-connections (with 8,
# a client's 8th connection is never served while the other 7 stay open)
SMALL_SLURMRESTD="-t 2 --max-connections 9"
# the cluster local-slurm.sh starts below (RINGRIFT_SLURM_HOME picks another instance, as it does there)
home=/var/lib/ringrift-slurm
[ "${RINGRIFT_SLURM_RELEASE:-24.11}" = 24.11 ] || home=/var/lib/ringrift-slurm-${RINGRIFT_SLURM_RELEASE}
home=${RINGRIFT_SLURM_HOME:-$home}
export RINGRIFT_SLURM_ENV_FILE=${RINGRIFT_SLURM_ENV_FILE:-$home/cluster.env}

scripts/local-slurm.sh up
mvn -B -q -ntp -DskipTests package
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
if $tiny; then
  ctld "$RATE_LIMIT"
  pressure burst rate-limited --submitters 16 --jobs 300 --all-answered
  ctld ""
  restd "$SMALL_SLURMRESTD"
  pressure_jvms 2 small-slurmrestd --submitters 8 --jobs 150 --max-in-flight 4 --all-answered
  restd ""
  pressure burst slurmrestd-killed --submitters 16 --jobs 1000 --kill-slurmrestd-after-jobs 200 --down-for 3s --all-answered
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
echo "[pressure] $( $tiny && echo tiny || echo full ) run in $((SECONDS - t0)) s: $failed scenario(s) failed"
[ "$failed" -eq 0 ]
