#!/bin/bash
# RingRift tournament job 'rr-tournament-gen7', written by the ringrift-slurm backend.
set -eo pipefail
arch="$(uname -m)"
if [ "$arch" = aarch64 ]; then
  venv_activate='/shared/venv-arm64/bin/activate'
  image=''
else
  venv_activate='/shared/venv/bin/activate'
  image='nvcr.io#nvidia/pytorch:24.05-py3'
fi
# array tasks: the global task index, when the work was split over several arrays
if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
  export RINGRIFT_TASK_INDEX=$(( ${RINGRIFT_TASK_OFFSET:-0} + SLURM_ARRAY_TASK_ID ))
fi
cd '/shared/ringrift'
echo "ringrift: tournament job ${SLURM_JOB_ID:-?}${SLURM_ARRAY_TASK_ID:+ task $SLURM_ARRAY_TASK_ID} on $(hostname) ($arch)"
if [ -z "$image" ]; then
  echo "ringrift: no container image is configured for $arch" >&2
  exit 2
fi
exec srun --ntasks=1 --container-image="$image" --container-mounts='/shared:/shared' --container-workdir='/shared/ringrift' python3 'scripts/run_unified_tournament.py' '--games' '50'
