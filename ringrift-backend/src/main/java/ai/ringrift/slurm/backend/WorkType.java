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

    /** The script the wrapper runs, relative to the repo root. */
    public String canonicalScript() {
        return canonicalScript;
    }
}
