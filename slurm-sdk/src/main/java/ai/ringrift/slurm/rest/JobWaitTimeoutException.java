package ai.ringrift.slurm.rest;

import java.time.Duration;
import java.util.List;

/**
 * Waiting for jobs passed its deadline. Whether the jobs were cancelled is the caller's choice and
 * is recorded here ({@link #cancelled()}); by default they go on running.
 */
public final class JobWaitTimeoutException extends SlurmException {

    private final List<Long> jobIds;
    private final Duration deadline;
    private final boolean cancelled;

    public JobWaitTimeoutException(String what, Duration deadline, List<Long> jobIds, boolean cancelled) {
        this(what + " did not finish within " + deadline + (cancelled ? "; cancelled Slurm job(s) " + jobIds
                : "; stopped waiting, Slurm job(s) " + jobIds + " go on (nothing was cancelled)"), jobIds, deadline,
                cancelled, 1);
    }

    private JobWaitTimeoutException(String message, List<Long> jobIds, Duration deadline, boolean cancelled, int attempts) {
        super(message, false, attempts, null);
        this.jobIds = List.copyOf(jobIds);
        this.deadline = deadline;
        this.cancelled = cancelled;
    }

    /** The Slurm jobs that were waited for. */
    public List<Long> jobIds() {
        return jobIds;
    }

    /** How long the wait was allowed to take. */
    public Duration deadline() {
        return deadline;
    }

    /** True when the jobs were cancelled at the deadline; false when they were left running. */
    public boolean cancelled() {
        return cancelled;
    }

    @Override
    public JobWaitTimeoutException withAttempts(int attempts) {
        return sameTrace(new JobWaitTimeoutException(baseMessage(), jobIds, deadline, cancelled, attempts));
    }
}
