package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.rest.internal.Retrier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for jobs to reach a final state, with a deadline: one state request per round for all of
 * them, and their final records read together (see {@link JobWatcher}). Replaces hand-written poll
 * loops:
 *
 * <pre>{@code
 * JobInfo done = client.waiter().await(job.jobId(), Duration.ofMinutes(30));
 * List<JobInfo> tasks = client.waiter().await(List.of(JobWaiter.Target.array(id, 10)), Duration.ofHours(1));
 * }</pre>
 *
 * At the deadline the jobs go on running ({@link JobWaitTimeoutException#cancelled()} is false);
 * cancel them with the client if that is what you want.
 */
public final class JobWaiter {

    /** A job to wait for: a plain job ({@code arrayTasks} 0) or an array of tasks 0 to {@code arrayTasks - 1}. */
    public record Target(long jobId, int arrayTasks) {
        public Target {
            if (jobId <= 0) {
                throw new SlurmUsageException("a job id is a positive number, not " + jobId);
            }
            if (arrayTasks < 0) {
                throw new SlurmUsageException("arrayTasks must be 0 (a plain job) or the array's task count, not " + arrayTasks);
            }
        }

        public static Target job(long jobId) {
            return new Target(jobId, 0);
        }

        public static Target array(long arrayJobId, int tasks) {
            return new Target(arrayJobId, tasks);
        }
    }

    private final SlurmClient client;
    private final Duration minInterval;
    private final Duration maxInterval;

    private JobWaiter(Builder b) {
        this.client = b.client;
        this.minInterval = b.minInterval;
        this.maxInterval = b.maxInterval;
    }

    public static Builder builder(SlurmClient client) {
        return new Builder(client);
    }

    /** Waits for one plain job; returns its final record. */
    public JobInfo await(long jobId, Duration deadline) throws InterruptedException {
        return await(List.of(Target.job(jobId)), deadline).get(0);
    }

    /**
     * Waits for every target to be final; returns the final record of every job and array task,
     * ordered by job id and task. Fails with {@link JobWaitTimeoutException} at the deadline, and with
     * the {@link SlurmException} that ended the watching when it cannot go on (a refused token, ...).
     * The one rule of every wait in the SDK and the backend: an interrupt ends it with
     * {@link InterruptedException} (the jobs go on in Slurm); only the deadline is a timeout.
     */
    public List<JobInfo> await(Collection<Target> targets, Duration deadline) throws InterruptedException {
        Objects.requireNonNull(targets, "targets == null");
        if (deadline == null || deadline.isNegative() || deadline.isZero()) {
            throw new SlurmUsageException("the deadline must be a positive duration, not " + deadline);
        }
        if (targets.isEmpty()) {
            return List.of();
        }
        List<JobInfo> finals = new CopyOnWriteArrayList<>();
        List<Long> ids = targets.stream().map(Target::jobId).toList();
        try (JobWatcher watcher = JobWatcher.builder(client).minInterval(minInterval).maxInterval(maxInterval).build()) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (Target t : targets) {
                all.add(watcher.watch(t.jobId(), t.arrayTasks(), (task, info, neverRan) -> finals.add(info)));
            }
            watcher.pollOnce(); // the first round at once: jobs that have ended already return without a pause
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new JobWaitTimeoutException(ids.size() == 1 ? "job " + ids.get(0) : ids.size() + " jobs", deadline, ids, false);
        } catch (ExecutionException e) {
            Throwable cause = Retrier.unwrap(e);
            throw cause instanceof RuntimeException re ? re : new SlurmUnreachableException(String.valueOf(cause), true, cause);
        }
        List<JobInfo> sorted = new ArrayList<>(finals);
        sorted.sort(Comparator.comparingLong((JobInfo j) -> j.arrayJobId() > 0 ? j.arrayJobId() : j.jobId())
                .thenComparingInt(JobInfo::arrayTaskId));
        return sorted;
    }

    /** Builds a {@link JobWaiter}. */
    public static final class Builder {
        private final SlurmClient client;
        private Duration minInterval = Duration.ofSeconds(2);
        private Duration maxInterval = Duration.ofSeconds(30);

        private Builder(SlurmClient client) {
            this.client = Objects.requireNonNull(client, "client == null");
        }

        /** The pause after a round in which something changed (default 2 s). */
        public Builder minInterval(Duration d) {
            this.minInterval = Objects.requireNonNull(d, "minInterval == null");
            return this;
        }

        /** The longest pause, reached while nothing changes (default 30 s). */
        public Builder maxInterval(Duration d) {
            this.maxInterval = Objects.requireNonNull(d, "maxInterval == null");
            return this;
        }

        public JobWaiter build() {
            return new JobWaiter(this);
        }
    }
}
