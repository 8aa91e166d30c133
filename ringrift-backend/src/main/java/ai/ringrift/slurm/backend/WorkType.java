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

    /** The script the wrapper runs, relative to the repo root. */
    public String canonicalScript() {
        return canonicalScript;
    }
}
