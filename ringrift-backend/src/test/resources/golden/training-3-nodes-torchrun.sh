#!/bin/bash
# RingRift training job 'rr-training-gen7', written by the ringrift-slurm backend.
# On 3 nodes: srun starts one launcher per node (ringrift_node below); they meet at the job's first node.
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
# the rendezvous, found here at run time: the job's first node and the port every node connects to
nodes=3
if [ "${SLURM_JOB_NUM_NODES:-}" != "$nodes" ]; then
  echo "ringrift: this job needs $nodes nodes but has ${SLURM_JOB_NUM_NODES:-no Slurm allocation}" >&2
  exit 2
fi
if ! hosts="$(scontrol show hostnames "$SLURM_JOB_NODELIST")" || [ -z "$hosts" ]; then
  echo "ringrift: scontrol show hostnames gave no nodes for '${SLURM_JOB_NODELIST:-}'" >&2
  exit 2
fi
head_node="${hosts%%$'\n'*}"
export RINGRIFT_NNODES="$nodes" RINGRIFT_NPROC_PER_NODE=4
export RINGRIFT_RDZV_ENDPOINT="$head_node:29500" RINGRIFT_RDZV_ID="ringrift-${SLURM_JOB_ID:?}"
export MASTER_ADDR="$head_node" MASTER_PORT=29500 WORLD_SIZE=$(( nodes * RINGRIFT_NPROC_PER_NODE ))
echo "ringrift: $nodes nodes (${hosts//$'\n'/,}), $RINGRIFT_NPROC_PER_NODE process(es) each, rendezvous $RINGRIFT_RDZV_ENDPOINT id $RINGRIFT_RDZV_ID"
# one task per node, run there by srun: the venv or image of the node's own architecture, its rank, the launcher
ringrift_node() {
  set -eo pipefail
  local arch venv_activate image
  arch="$(uname -m)"
  if [ "$arch" = aarch64 ]; then
    venv_activate='/shared/venv-arm64/bin/activate'
    image=''
  else
    venv_activate='/shared/venv/bin/activate'
    image=''
  fi
  cd '/shared/ringrift'
  export RINGRIFT_NODE_RANK="${SLURM_NODEID:?srun gave this task no SLURM_NODEID}" NODE_RANK="$SLURM_NODEID"
  echo "ringrift: training job ${SLURM_JOB_ID:-?}${SLURM_ARRAY_TASK_ID:+ task $SLURM_ARRAY_TASK_ID} node $RINGRIFT_NODE_RANK of $RINGRIFT_NNODES on $(hostname) ($arch)"
  if [ -n "$venv_activate" ]; then
    # shellcheck disable=SC1090
    source "$venv_activate"
  fi
  exec torchrun --nnodes="$RINGRIFT_NNODES" --nproc_per_node="$RINGRIFT_NPROC_PER_NODE" --rdzv_backend=c10d --rdzv_endpoint="$RINGRIFT_RDZV_ENDPOINT" --rdzv_id="$RINGRIFT_RDZV_ID" --node_rank="$RINGRIFT_NODE_RANK" "$@"
}
exec srun --nodes="$nodes" --ntasks="$nodes" --ntasks-per-node=1 --kill-on-bad-exit=1 ${SLURM_CPUS_PER_TASK:+--cpus-per-task="$SLURM_CPUS_PER_TASK"} /bin/bash -c "$(declare -f ringrift_node); ringrift_node \"\$@\"" ringrift-node 'scripts/run_nn_training_baseline.py' '--board' 'square8' '--name' 'it'\''s gen 7'
