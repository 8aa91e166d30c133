package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.rest.SlurmException;
import java.time.Duration;
import java.util.List;

/**
 * Waiting for a job passed its deadline. Whether the job was cancelled is the caller's choice
 * ({@link JobHandle#await} leaves it running, {@link JobHandle#awaitOrCancel} cancels it) and is
 * recorded here.
 */
public class DeadlineExceededException extends SlurmException {

    private final List<Long> jobIds;
    private final boolean cancelled;

    public DeadlineExceededException(String name, Duration deadline, List<Long> jobIds, boolean cancelled) {
        super(name + " did not finish within " + deadline + (cancelled ? "; cancelled Slurm job(s) " + jobIds
                : "; stopped waiting, Slurm job(s) " + jobIds + " go on (nothing was cancelled)"), -1, List.of(), List.of(),
                false, null);
        this.jobIds = List.copyOf(jobIds);
        this.cancelled = cancelled;
    }

    /** The Slurm jobs that were waited for. */
    public List<Long> jobIds() {
        return jobIds;
    }

    /** True when the jobs were cancelled at the deadline; false when they were left running. */
    public boolean cancelled() {
        return cancelled;
    }
}
