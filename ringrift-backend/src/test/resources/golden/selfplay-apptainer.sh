#!/bin/bash
# RingRift selfplay job 'rr-selfplay-gen7', written by the ringrift-slurm backend.
set -eo pipefail
arch="$(uname -m)"
if [ "$arch" = aarch64 ]; then
  venv_activate='/shared/venv-arm64/bin/activate'
  image='/shared/images/ringrift-arm64.sif'
else
  venv_activate='/shared/venv/bin/activate'
  image='/shared/images/ringrift-x86_64.sif'
fi
# array tasks: the global task index, when the work was split over several arrays
if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
  export RINGRIFT_TASK_INDEX=$(( ${RINGRIFT_TASK_OFFSET:-0} + SLURM_ARRAY_TASK_ID ))
fi
cd '/shared/ringrift'
echo "ringrift: selfplay job ${SLURM_JOB_ID:-?}${SLURM_ARRAY_TASK_ID:+ task $SLURM_ARRAY_TASK_ID} on $(hostname) ($arch)"
if [ -z "$image" ]; then
  echo "ringrift: no container image is configured for $arch" >&2
  exit 2
fi
exec apptainer exec --bind '/shared' --pwd '/shared/ringrift' "$image" /bin/sh -c 'echo "ringrift: in container ${APPTAINER_CONTAINER:-$SINGULARITY_CONTAINER}"; exec "$@"' ringrift python3 'scripts/run_self_play_soak.py' '--games' '100'
