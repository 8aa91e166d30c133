#!/usr/bin/env bash
# The main job, end to end: brings up the local real Slurm 24.11 (scripts/local-slurm.sh up; with
# RINGRIFT_SLURM_RELEASE=26.05 the Slurm 26.05 cluster; the SDK speaks the newest version both serve),
# builds the SDK, and runs one turn of the RingRift loop through the backend with
# config/unified_loop.yaml: preflight, a training job, a self-play array and a tournament; then it
# prints the outcomes and where the logs are. With RINGRIFT_CONTAINER_RUNTIME=apptainer every job
# runs inside the local cluster's own SIF image (container_runtime: apptainer).
#
# On the local cluster there is no RingRift checkout, so demo stand-ins for the canonical scripts
# are installed in slurm.repo_dir (never over real ones). Against a real cluster, set
# RINGRIFT_CONFIG to your unified_loop.yaml; extra arguments go to `ringrift-slurm loop`.
#
# RINGRIFT_AUTH=oidc: the least-privilege way instead (scripts/oidc-cluster.sh): a cluster instance of
# its own whose slurmctld and slurmdbd verify RS256 tokens from the local OIDC provider by its JWKS
# and load no HS256 key, and the loop with slurm.rest.oidc (client credentials) and no key.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

config=${RINGRIFT_CONFIG:-config/unified_loop.yaml}
extra=()
if [ -z "${RINGRIFT_CONFIG:-}" ] && [ "${RINGRIFT_AUTH:-}" = oidc ]; then
  scripts/oidc-cluster.sh --release "${RINGRIFT_SLURM_RELEASE:-24.11}" up
  extra+=(--demo-scripts)
  mkdir -p target
  config=target/unified_loop-oidc-${RINGRIFT_SLURM_RELEASE:-24.11}.yaml
  scripts/oidc-cluster.sh --release "${RINGRIFT_SLURM_RELEASE:-24.11}" yaml > "$config"
  echo "[main] Slurm ${RINGRIFT_SLURM_RELEASE:-24.11} verifying OIDC tokens by JWKS, no HS256 key given to the service: $config" >&2
elif [ -z "${RINGRIFT_CONFIG:-}" ]; then
  scripts/local-slurm.sh up   # RINGRIFT_SLURM_RELEASE=26.05: the Slurm 26.05 cluster instead of 24.11
  extra+=(--demo-scripts)
  # config/unified_loop.yaml is written for the default 24.11 cluster: another release, home or port
  # gets its URL, key and shared tree (cluster.env); RINGRIFT_CONTAINER_RUNTIME=apptainer runs every
  # job in the cluster's own image (the SIF local-slurm.sh built, SLURM_CONTAINER_IMAGE)
  eval "$(scripts/local-slurm.sh env | grep -E '^(SLURM_REST_URL|SLURM_CLUSTER_HOME|SLURM_CONTAINER_IMAGE)=')"
  home=$SLURM_CLUSTER_HOME
  runtime=${RINGRIFT_CONTAINER_RUNTIME:-none}
  case $runtime in
    none | apptainer) ;;
    *) echo "ERROR: RINGRIFT_CONTAINER_RUNTIME=$runtime: the local cluster runs none or apptainer" >&2; exit 2 ;;
  esac
  if [ "$home" != /var/lib/ringrift-slurm ] || [ "$SLURM_REST_URL" != http://127.0.0.1:6820 ] || [ "$runtime" != none ]; then
    mkdir -p target
    config=target/unified_loop-${RINGRIFT_SLURM_RELEASE:-24.11}-$runtime.yaml
    sed -e "s|/var/lib/ringrift-slurm/|$home/|g" -e "s|http://127.0.0.1:6820|$SLURM_REST_URL|" config/unified_loop.yaml > "$config"
    if [ "$runtime" = apptainer ]; then
      sed -i -e "s|^  container_runtime: none |  container_runtime: apptainer |" \
        -e "s|^  container_image_x86_64:\$|  container_image_x86_64: $SLURM_CONTAINER_IMAGE|" "$config"
      grep -q "^  container_image_x86_64: $SLURM_CONTAINER_IMAGE\$" "$config" ||
        { echo "ERROR: could not set container_image_x86_64 in $config" >&2; exit 1; }
    fi
    echo "[main] Slurm ${RINGRIFT_SLURM_RELEASE:-24.11}: $config (slurmrestd $SLURM_REST_URL, shared tree under $home, container runtime $runtime)" >&2
  fi
fi
echo "[main] building the SDK and the ringrift-slurm command line" >&2
source scripts/lib/build.sh
quiet_build target/main-build.log -DskipTests -Dmaven.source.skip -Dmaven.javadoc.skip package -pl ringrift-slurm-cli -am
exec java -jar ringrift-slurm-cli/target/ringrift-slurm.jar loop --config "$config" "${extra[@]}" "$@"
