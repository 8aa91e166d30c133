package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobState;
import ai.ringrift.slurm.rest.JobStateEntry;

/** How a job or array task ended. */
public enum OutcomeKind {
    SUCCESS, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, BOOT_FAIL, DEADLINE, PREEMPTED,
    /**
     * The job ran but its container (apptainer or singularity) never started, so the program did not
     * run: a missing or unreadable image, no apptainer on the node, no user namespaces there. Running
     * it again will not help; {@link TaskOutcome#logProblem()} holds the runtime's own message.
     */
    CONTAINER_FAILED;

    /** The one rule: COMPLETED with exit code 0 is success; COMPLETED with another exit code is a failure. */
    public static OutcomeKind of(JobState state, int exitCode) {
        return switch (state) {
            case COMPLETED -> exitCode == 0 ? SUCCESS : FAILED;
            case CANCELLED -> CANCELLED;
            case TIMEOUT -> TIMEOUT;
            case OUT_OF_MEMORY -> OUT_OF_MEMORY;
            case NODE_FAIL -> NODE_FAIL;
            case BOOT_FAIL -> BOOT_FAIL;
            case DEADLINE -> DEADLINE;
            case PREEMPTED -> PREEMPTED;
            default -> FAILED;
        };
    }

    /** How a job whose final record this is ended. */
    public static OutcomeKind of(JobInfo job) {
        return of(job.state(), job.exitCode());
    }

    /**
     * How a job whose final state row this is ended, as far as a row tells: it has no exit code, but
     * Slurm writes COMPLETED only for exit code 0 (FAILED otherwise).
     */
    public static OutcomeKind of(JobStateEntry row) {
        return of(row.state(), 0);
    }
}
