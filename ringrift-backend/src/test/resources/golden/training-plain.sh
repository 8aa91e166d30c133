#!/bin/bash
# RingRift training job 'rr-training-gen7', written by the ringrift-slurm backend.
set -eo pipefail
arch="$(uname -m)"
if [ "$arch" = aarch64 ]; then
  venv_activate='/shared/venv-arm64/bin/activate'
  image=''
else
  venv_activate='/shared/venv/bin/activate'
  image=''
fi
# array tasks: the global task index, when the work was split over several arrays
if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
  export RINGRIFT_TASK_INDEX=$(( ${RINGRIFT_TASK_OFFSET:-0} + SLURM_ARRAY_TASK_ID ))
fi
cd '/shared/ringrift'
echo "ringrift: training job ${SLURM_JOB_ID:-?}${SLURM_ARRAY_TASK_ID:+ task $SLURM_ARRAY_TASK_ID} on $(hostname) ($arch)"
if [ -n "$venv_activate" ]; then
  # shellcheck disable=SC1090
  source "$venv_activate"
fi
exec python3 'scripts/run_nn_training_baseline.py' '--board' 'square8' '--name' 'it'\''s gen 7'
