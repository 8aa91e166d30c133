package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.backend.config.ContainerRuntime;
import ai.ringrift.slurm.rest.JobFiles;
import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobWatcher;
import ai.ringrift.slurm.rest.SlurmClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows RingRift's jobs to their outcomes on the SDK's {@link JobWatcher} (one state request per
 * round for all of them): each final task becomes a {@link TaskOutcome} with its log file and the
 * tail of it, and a piece of work completes when all its tasks have one.
 */
final class JobTracker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobTracker.class);
    private static final int LOG_TAIL_LINES = 20;

    /**
     * One Slurm job to follow: a plain job, or one array (possibly a chunk of a larger piece of
     * work, whose tasks are {@code indexOffset} on in it).
     */
    record Tracked(long jobId, boolean array, int taskCount, int indexOffset, String logPattern, Aggregate aggregate) {}

    /** Collects the task outcomes of one piece of work and completes its future when all are in. */
    static final class Aggregate {
        final WorkType type;
        final String name;
        final TaskOutcome[] slots;
        final CompletableFuture<JobOutcome> future = new CompletableFuture<>();
        private int filled;

        Aggregate(WorkType type, String name, int tasks) {
            this.type = type;
            this.name = name;
            this.slots = new TaskOutcome[tasks];
        }

        synchronized void put(TaskOutcome outcome) {
            if (slots[outcome.taskIndex()] == null) {
                slots[outcome.taskIndex()] = outcome;
                filled++;
            }
            if (filled == slots.length && !future.isDone()) {
                future.complete(new JobOutcome(type, name, Arrays.asList(slots)));
            }
        }
    }

    private final JobWatcher watcher;
    private final JobUserAccess access;
    private final boolean inContainer;

    JobTracker(SlurmClient client, Duration minInterval, Duration maxInterval) {
        this(client, minInterval, maxInterval, JobUserAccess.forUser(null));
    }

    JobTracker(SlurmClient client, Duration minInterval, Duration maxInterval, JobUserAccess access) {
        this(client, minInterval, maxInterval, access, ContainerRuntime.NONE);
    }

    /** @param runtime the wrapper's container runtime: with apptainer or singularity, a container that did not start is told apart */
    JobTracker(SlurmClient client, Duration minInterval, Duration maxInterval, JobUserAccess access, ContainerRuntime runtime) {
        this(JobWatcher.builder(client).minInterval(minInterval).maxInterval(maxInterval).build(), access, runtime);
    }

    /**
     * On a watcher built elsewhere (a test's, on virtual time).
     *
     * @param runtime the wrapper's container runtime: with apptainer or singularity, a container that did not start is told apart
     */
    JobTracker(JobWatcher watcher, JobUserAccess access, ContainerRuntime runtime) {
        this.watcher = watcher;
        this.access = access;
        this.inContainer = runtime == ContainerRuntime.APPTAINER || runtime == ContainerRuntime.SINGULARITY;
    }

    void track(Tracked t) {
        watcher.watch(t.jobId(), t.array() ? t.taskCount() : 0,
                (task, info, neverRan) -> t.aggregate().put(outcome(t, info, task, neverRan)))
                .exceptionally(e -> {
                    t.aggregate().future.completeExceptionally(e instanceof java.util.concurrent.CompletionException
                            && e.getCause() != null ? e.getCause() : e);
                    return null;
                });
    }

    List<Long> liveJobIds() {
        return watcher.liveJobIds();
    }

    /** Requests sent to slurmrestd by the tracker so far (state rounds and final reads). */
    long requests() {
        return watcher.requests();
    }

    long rounds() {
        return watcher.rounds();
    }

    void pollOnce() {
        watcher.pollOnce();
    }

    /** @param neverRan true for a task known only from its array's own record: it never started */
    private TaskOutcome outcome(Tracked t, JobInfo info, int task, boolean neverRan) {
        int index = Math.max(task, 0) + t.indexOffset();
        String slurmId = t.array() ? t.jobId() + "_" + task : String.valueOf(t.jobId());
        Path logFile = Path.of(JobFiles.expand(t.logPattern(), info.jobId(), t.jobId(), task, info.name(), info.user()));
        List<String> tail = List.of();
        String problem = "";
        OutcomeKind kind = OutcomeKind.of(info.state(), info.exitCode());
        if (neverRan) {
            problem = "it never started (ended " + info.state() + " while pending), so it has no log";
        } else {
            try {
                tail = JobFiles.tail(logFile, LOG_TAIL_LINES);
                if (inContainer && kind == OutcomeKind.FAILED) {
                    Optional<String> failure = WrapperScript.containerFailure(tail);
                    if (failure.isPresent()) {
                        kind = OutcomeKind.CONTAINER_FAILED;
                        problem = failure.get();
                    }
                }
            } catch (IOException e) {
                // no output file at all: for a failed job, most often it died before its script ran
                // because the job user could not create the file; say so rather than "no such file"
                problem = kind == OutcomeKind.SUCCESS ? "" : access.explainMissingOutput(logFile).orElse("");
                if (problem.isEmpty()) {
                    problem = "log " + logFile + " could not be read: " + e.getMessage();
                }
            }
        }
        TaskOutcome outcome = new TaskOutcome(index, slurmId, kind, info.state(), info.exitCode(), info.signal(),
                info.stateReason(), logFile, tail, problem, info.source() == JobInfo.Source.ACCOUNTING);
        if (kind == OutcomeKind.SUCCESS) {
            log.debug("{}", outcome.summary());
        } else {
            log.info("{}", outcome.summary());
        }
        return outcome;
    }

    @Override
    public void close() {
        watcher.close();
    }
}
