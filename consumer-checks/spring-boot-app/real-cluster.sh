#!/usr/bin/env bash
# The packaged application (target/spring-boot-app.jar, built by `mvn verify` for one Boot version) started
# as a real process against the local real cluster, exercised over HTTP: submit a job, see it reported
# COMPLETED, /actuator/health slurm UP; slurmrestd stopped (scripts/local-slurm.sh stop slurmrestd): DOWN
# with the reason; slurmrestd started again: UP, the application not restarted; slurmdbd stopped: DOWN
# "slurmdbd down", started again: UP; /actuator/prometheus has
# the SDK's meters. Needs the cluster's facts in the environment (consumer-checks/run.sh exports
# `scripts/local-slurm.sh env`; RINGRIFT_SLURM_HOME and friends pick the instance).
#   consumer-checks/spring-boot-app/real-cluster.sh LABEL
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=$(cd "$here/../.." && pwd)
label=${1:-spring-boot}
say() { printf '[%s] %s\n' "$label" "$*"; }
fail() { say "FAILED: $*"; [ -f "$log" ] && { say "last lines of $log:"; tail -n 40 "$log"; }; exit 1; }
for key in SLURM_REST_URL SLURM_JWT_KEY_FILE SLURM_CLUSTER_USER; do
  [ -n "${!key:-}" ] || { echo "$key is not set: run this with the local cluster's facts in the environment" >&2; exit 2; }
done
jar=$here/target/spring-boot-app.jar
[ -f "$jar" ] || { echo "no $jar: run mvn verify in $here first" >&2; exit 2; }
log=$here/target/app-real-cluster.log
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
app=
stopped=false
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null && wait "$app" 2>/dev/null || true
  if $stopped; then "$project/scripts/local-slurm.sh" up >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

t0=$SECONDS
java -jar "$jar" --server.port="$port" --server.address=127.0.0.1 --slurm.rest.url="$SLURM_REST_URL" \
  --slurm.rest.jwt-key-file="$SLURM_JWT_KEY_FILE" --slurm.rest.user="$SLURM_CLUSTER_USER" >"$log" 2>&1 &
app=$!
health() { curl -s --max-time 10 "$base/actuator/health" || true; }
# the slurm component of a health answer as one line: STATUS reason=... (whatever order Boot writes the keys in)
slurm_of() {
  python3 -c 'import json,sys
try: c = json.loads(sys.stdin.read())["components"]["slurm"]
except Exception: print("NONE"); sys.exit()
print(c["status"], json.dumps(c.get("details", {}), sort_keys=True))'
}
for ((i = 0; i < 120; i++)); do
  case $(health | slurm_of) in UP*|DOWN*) break ;; esac
  kill -0 "$app" 2>/dev/null || fail "the application exited"
  sleep 1
done
case $(health | slurm_of) in UP*|DOWN*) ;; *) fail "no /actuator/health with slurm after 120 s" ;; esac
say "started in $((SECONDS - t0)) s on $base"

name="consumer-$label-$$"
answer=$(curl -s --max-time 120 -X POST "$base/jobs?name=$name")
id=$(sed -n 's/.*"jobId":\([0-9]*\).*/\1/p' <<<"$answer")
[ -n "$id" ] || fail "POST /jobs answered: $answer"
say "POST /jobs: $answer"
report=
for ((i = 0; i < 120; i++)); do
  report=$(curl -s --max-time 30 "$base/jobs/$id")
  case $report in *'"final":true'*) break ;; esac
  sleep 1
done
case $report in *'"state":"COMPLETED"'*'"exitCode":0'*) say "GET /jobs/$id: $report" ;; *) fail "GET /jobs/$id: $report" ;; esac

h=$(health | slurm_of)
case $h in UP*) say "health: slurm $h" ;; *) fail "health not UP: $h" ;; esac

# waits up to SECONDS for the slurm component to be STATUS (UP or DOWN); leaves the whole answer in
# raw and its slurm component in h
await_slurm() { # STATUS SECONDS
  for ((i = 0; i < $2; i++)); do
    raw=$(health)
    h=$(slurm_of <<<"$raw")
    case $h in "$1"*) return 0 ;; esac
    sleep 1
  done
}
# a daemon stopped under the running application: DOWN with REASON, then UP once it is started again
# (the application not restarted)
stop_and_start() { # DAEMON REASON
  stopped=true
  "$project/scripts/local-slurm.sh" stop "$1" >/dev/null 2>&1
  local t=$SECONDS
  await_slurm DOWN 30
  case $h in DOWN*"\"reason\": \"$2\""*) ;; *) fail "health with $1 stopped: $h" ;; esac
  case $raw in *'\tat '*|*'"trace"'*) fail "a stack trace in the health answer: $raw" ;; esac
  say "$1 stopped: health after $((SECONDS - t)) s: slurm $h"
  "$project/scripts/local-slurm.sh" up >/dev/null 2>&1
  stopped=false
  t=$SECONDS
  await_slurm UP 60
  case $h in UP*) ;; *) fail "health after $1 came back: $h" ;; esac
  kill -0 "$app" 2>/dev/null || fail "the application is not the one that started"
  say "$1 started again: health UP after $((SECONDS - t)) s, same process (pid $app)"
}
stop_and_start slurmrestd "slurmrestd unreachable"
# slurmctld still answers its ping with slurmdbd stopped: only the check's slurmdbd read can tell
stop_and_start slurmdbd "slurmdbd down"

scrape=$(curl -s --max-time 10 "$base/actuator/prometheus")
for meter in slurm_requests_seconds_count slurm_submissions_total slurm_token_expiry; do
  grep -q "^$meter" <<<"$scrape" || fail "/actuator/prometheus has no $meter"
done
say "/actuator/prometheus: $(grep -c '^slurm_' <<<"$scrape") slurm_ series, e.g. $(grep -m1 '^slurm_submissions_total' <<<"$scrape")"
curl -s --max-time 10 "$base/actuator/metrics/slurm.requests" | grep -q '"name":"slurm.requests"' || fail "/actuator/metrics/slurm.requests"
say "passed in $((SECONDS - t0)) s"
