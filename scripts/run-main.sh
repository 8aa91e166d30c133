#!/usr/bin/env bash
# The main job, end to end: brings up the local real Slurm 24.11 (scripts/local-slurm.sh up),
# builds the SDK, and runs the example program against it: a GPU job submitted over REST, awaited,
# and its outcome and log printed. Set SLURM_REST_URL and friends (see README) to use another cluster.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ -z "${SLURM_REST_URL:-}" ]; then
  scripts/local-slurm.sh up
fi
command -v mvn >/dev/null 2>&1 || { echo "ERROR: Maven (mvn) is not installed; install it (Debian: apt-get install maven)" >&2; exit 1; }
echo "[main] building the SDK and examples" >&2
mvn -B -q -ntp -DskipTests package
exec java -jar examples/target/ringrift-slurm.jar "$@"
