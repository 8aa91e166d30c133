package ai.ringrift.slurm.backend.config;

/**
 * How the wrapper starts the training script ({@code slurm.training_launcher}).
 *
 * <ul>
 *   <li>{@link #PYTHON3}: {@code python3 SCRIPT ARGS} once per node (the default; on one node exactly
 *       what the wrapper always ran). On several nodes the script gets the rendezvous in the
 *       environment (RINGRIFT_NNODES, RINGRIFT_NODE_RANK, ...) and starts its own processes.</li>
 *   <li>{@link #TORCHRUN}: {@code torchrun} once per node with the rendezvous as its arguments, which
 *       starts one worker per GPU: {@code --standalone --nnodes=1} on one node, else {@code --nnodes=N
 *       --nproc-per-node=G --rdzv-backend=c10d --rdzv-endpoint=HEAD:PORT --rdzv-id=ringrift-JOBID
 *       --node-rank=NODE}.</li>
 * </ul>
 */
public enum TrainingLauncher {
    PYTHON3, TORCHRUN;

    /** The word in unified_loop.yaml. */
    public String key() {
        return name().toLowerCase();
    }
}
