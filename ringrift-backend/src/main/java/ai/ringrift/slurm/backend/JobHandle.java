package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.rest.JobWaitTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A submitted piece of work: its Slurm job ids (several when a large array was split), and its
 * outcome, to await with a deadline or observe asynchronously.
 */
public final class JobHandle {

    private final WorkType type;
    private final String name;
    private final List<Long> jobIds;
    private final int tasks;
    private final CompletableFuture<JobOutcome> outcome;
    private final Consumer<List<Long>> canceller;
    private final String submitKey;
    private final java.time.Instant submittedAt;

    JobHandle(WorkType type, String name, List<Long> jobIds, int tasks, CompletableFuture<JobOutcome> outcome,
            Consumer<List<Long>> canceller, String submitKey, java.time.Instant submittedAt) {
        this.submitKey = submitKey;
        this.submittedAt = submittedAt;
        this.type = type;
        this.name = name;
        this.jobIds = List.copyOf(jobIds);
        this.tasks = tasks;
        this.outcome = outcome;
        this.canceller = canceller;
    }

    public WorkType type() {
        return type;
    }

    public String name() {
        return name;
    }

    public List<Long> jobIds() {
        return jobIds;
    }

    public int tasks() {
        return tasks;
    }

    /** What to persist to {@link SlurmBackend#resume(SavedWork) resume} this work after a restart. */
    public SavedWork saved() {
        return new SavedWork(type, name, tasks, submitKey, submittedAt, jobIds);
    }

    /** Completes when every task has its final state; never completes on a guess. */
    public CompletableFuture<JobOutcome> outcome() {
        return outcome.copy();
    }

    /**
     * Waits up to {@code timeout} for the outcome. Past it, stops waiting and throws {@link
     * JobWaitTimeoutException}; the jobs are NOT cancelled (they go on in Slurm, and can be
     * resumed or watched later). To cancel at a deadline, use {@link #awaitOrCancel}.
     */
    public JobOutcome await(Duration timeout) throws InterruptedException {
        try {
            return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new JobWaitTimeoutException(type.key() + " '" + name + "'", timeout, jobIds, false);
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    /**
     * Waits up to {@code deadline} for the outcome; past it, cancels the jobs (one request) and throws
     * {@link JobWaitTimeoutException} with {@code cancelled() == true}.
     */
    public JobOutcome awaitOrCancel(Duration deadline) throws InterruptedException {
        try {
            return outcome.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            canceller.accept(jobIds);
            throw new JobWaitTimeoutException(type.key() + " '" + name + "'", deadline, jobIds, true);
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    private static RuntimeException unwrap(ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) {
            return re;
        }
        return new IllegalStateException(e.getCause());
    }

    /** Cancels the job (every array it was split into) in one request. */
    public void cancel() {
        canceller.accept(jobIds);
    }

    @Override
    public String toString() {
        return "JobHandle[" + type.key() + " '" + name + "' jobs " + jobIds + ", " + tasks + " task(s)]";
    }
}
