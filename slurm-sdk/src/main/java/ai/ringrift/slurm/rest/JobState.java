package ai.ringrift.slurm.rest;

import java.util.Collection;

/** A Slurm job's base state, independent of the REST API version that reported it. */
public enum JobState {
    PENDING(false),
    RUNNING(false),
    SUSPENDED(false),
    COMPLETED(true),
    CANCELLED(true),
    FAILED(true),
    TIMEOUT(true),
    NODE_FAIL(true),
    PREEMPTED(true),
    BOOT_FAIL(true),
    DEADLINE(true),
    OUT_OF_MEMORY(true),
    /** A state this SDK does not know; the raw names are kept on the job. */
    UNKNOWN(false);

    private final boolean terminal;

    JobState(boolean terminal) {
        this.terminal = terminal;
    }

    /**
     * Whether the job has ended as far as this state says. A PREEMPTED or NODE_FAIL job that Slurm
     * requeues shows the REQUEUED flag and comes back as PENDING: see {@link JobInfo#isFinal()}.
     */
    public boolean isTerminal() {
        return terminal;
    }

    /**
     * The one rule for "this job has ended and Slurm will not run it again": a terminal base state
     * without the REQUEUED or REQUEUE_HOLD flag (a requeued job comes back as PENDING). Used for job
     * records ({@link JobInfo#isFinal()}) and state rows ({@link JobStateEntry#isFinal()}) alike.
     */
    public static boolean isFinal(JobState state, Collection<String> names) {
        return state.isTerminal() && names.stream().noneMatch(n -> n.equalsIgnoreCase("REQUEUED")
                || n.equalsIgnoreCase("REQUEUE_HOLD"));
    }

    /** The base state among Slurm's state names (base state plus flags such as COMPLETING or REQUEUED). */
    public static JobState fromNames(Collection<String> names) {
        for (String name : names) {
            for (JobState state : values()) {
                if (state != UNKNOWN && state.name().equalsIgnoreCase(name)) {
                    return state;
                }
            }
        }
        return UNKNOWN;
    }
}
