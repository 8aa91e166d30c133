#!/usr/bin/env bash
# The main job, end to end: brings up the local real Slurm 24.11 (scripts/local-slurm.sh up),
# builds the SDK, and runs one turn of the RingRift loop through the backend with
# config/unified_loop.yaml: preflight, a training job, a self-play array and a tournament; then it
# prints the outcomes and where the logs are.
#
# On the local cluster there is no RingRift checkout, so demo stand-ins for the canonical scripts
# are installed in slurm.repo_dir (never over real ones). Against a real cluster, set
# RINGRIFT_CONFIG to your unified_loop.yaml; extra arguments go to `ringrift-slurm loop`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

config=${RINGRIFT_CONFIG:-config/unified_loop.yaml}
extra=()
if [ -z "${RINGRIFT_CONFIG:-}" ]; then
  scripts/local-slurm.sh up
  extra+=(--demo-scripts)
fi
command -v mvn >/dev/null 2>&1 || { echo "ERROR: Maven (mvn) is not installed; install it (Debian: apt-get install maven)" >&2; exit 1; }
echo "[main] building the SDK and the ringrift-slurm command line" >&2
mvn -B -q -ntp -DskipTests -Dmaven.source.skip -Dmaven.javadoc.skip package -pl ringrift-slurm-cli -am
exec java -jar ringrift-slurm-cli/target/ringrift-slurm.jar loop --config "$config" "${extra[@]}" "$@"
