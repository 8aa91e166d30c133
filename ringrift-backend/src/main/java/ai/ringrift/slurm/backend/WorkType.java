package ai.ringrift.slurm.backend;

/** The three kinds of work in the RingRift loop. */
public enum WorkType {
    TRAINING("training", "scripts/run_nn_training_baseline.py"),
    SELFPLAY("selfplay", "scripts/run_self_play_soak.py"),
    TOURNAMENT("tournament", "scripts/run_unified_tournament.py");

    private final String key;
    private final String canonicalScript;

    WorkType(String key, String canonicalScript) {
        this.key = key;
        this.canonicalScript = canonicalScript;
    }

    /** The word used in config keys (partition_training, gpus_selfplay, ...). */
    public String key() {
        return key;
    }

    /** The work type whose {@link #key()} this is. */
    public static WorkType fromKey(String key) {
        for (WorkType t : values()) {
            if (t.key.equals(key)) {
                return t;
            }
        }
        throw new ai.ringrift.slurm.rest.SlurmUsageException("'" + key + "' is not training, selfplay or tournament");
    }

    /**
     * {@code nodes} if a job of this work type may run on that many nodes: at least 1, and more only
     * for training. Self-play and tournaments fan out as array tasks, each on one node. The one place
     * of that rule: the backend checks it before anything is written, the wrapper script before it renders.
     */
    public int checkedNodes(int nodes) {
        if (nodes < 1) {
            throw new ai.ringrift.slurm.rest.SlurmUsageException(key + " needs at least 1 node, not " + nodes
                    + " (slurm.nodes_training or TaskSpec.nodes)");
        }
        if (nodes > 1 && this != TRAINING) {
            throw new ai.ringrift.slurm.rest.SlurmUsageException(key + " runs on one node, but its task asks for " + nodes
                    + " nodes: only training runs on several nodes (slurm.nodes_training or TaskSpec.nodes); spread "
                    + key + " with array tasks instead (TaskSpec.tasks, --set tasks=N) and leave nodes at 1");
        }
        return nodes;
    }

    /** The script the wrapper runs, relative to the repo root. */
    public String canonicalScript() {
        return canonicalScript;
    }
}
