package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.JobWatcher;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** One Slurm job a {@link JobWatcher} follows: a plain job or one array, and what is known of its tasks. */
public final class WatchedJob {

    final long jobId;
    final boolean array;
    final int taskCount;
    final JobWatcher.TaskListener listener;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    /** The tasks whose final record went to the listener (-1 for a plain job). */
    final Set<Integer> finished = ConcurrentHashMap.newKeySet();
    /** Rounds in a row in which neither slurmctld nor slurmdbd had the job. */
    int roundsMissing;
    /** The state rows last acted on, so that a final row that stays is not read again each round. */
    String resolvedRows = "";

    public WatchedJob(long jobId, int arrayTasks, JobWatcher.TaskListener listener) {
        this.jobId = jobId;
        this.array = arrayTasks > 0;
        this.taskCount = Math.max(1, arrayTasks);
        this.listener = listener;
    }

    public long jobId() {
        return jobId;
    }

    /** Completes when every task is final, or fails with what ended the watching. */
    public CompletableFuture<Void> done() {
        return done;
    }

    public JobWatcher.TaskListener listener() {
        return listener;
    }

    /** Whether every task's final record was found. */
    public boolean allFinal() {
        return finished.size() >= taskCount;
    }
}
