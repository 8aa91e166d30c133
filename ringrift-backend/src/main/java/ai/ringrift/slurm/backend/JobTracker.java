package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobStateEntry;
import ai.ringrift.slurm.rest.SlurmException;
import ai.ringrift.slurm.rest.SlurmRestClient;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every live job to its final state with ONE request per polling round, whatever their
 * number (slurmrestd's light {@code /jobs/state/}), at an interval that grows while nothing changes.
 * A job that reaches a final state is read once in full ({@code /job/{id}}, one request for a whole
 * array) for its exit code; a job that has left slurmctld is read from slurmdbd. A job found in
 * neither is never taken for finished: it stays tracked.
 */
final class JobTracker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobTracker.class);
    private static final int LOG_TAIL_LINES = 20;
    /** Up to this many ids are named in the state request; above it, asking for all jobs is cheaper. */
    private static final int MAX_IDS_IN_QUERY = 100;

    /** One Slurm job to follow: a plain job, or one array (possibly a chunk of a larger piece of work). */
    static final class Tracked {
        final long jobId;
        final boolean array;
        final int taskCount;
        final int indexOffset;
        final String logPattern;
        final Aggregate aggregate;
        final Set<Integer> done = ConcurrentHashMap.newKeySet();
        int roundsMissing;

        Tracked(long jobId, boolean array, int taskCount, int indexOffset, String logPattern, Aggregate aggregate) {
            this.jobId = jobId;
            this.array = array;
            this.taskCount = taskCount;
            this.indexOffset = indexOffset;
            this.logPattern = logPattern;
            this.aggregate = aggregate;
        }

        boolean finished() {
            return done.size() >= taskCount;
        }
    }

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

    private final SlurmRestClient client;
    private final Duration minInterval;
    private final Duration maxInterval;
    private final Map<Long, Tracked> live = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rounds = new AtomicLong();
    private volatile Duration interval;
    private String lastSignature = "";

    JobTracker(SlurmRestClient client, Duration minInterval, Duration maxInterval) {
        this.client = client;
        this.minInterval = minInterval;
        this.maxInterval = maxInterval;
        this.interval = minInterval;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slurm-job-tracker");
            t.setDaemon(true);
            return t;
        });
        poller.schedule(this::round, minInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void track(Tracked tracked) {
        live.put(tracked.jobId, tracked);
        interval = minInterval; // something new: look again soon
    }

    List<Long> liveJobIds() {
        return new ArrayList<>(live.keySet());
    }

    /** Requests sent to slurmrestd by the tracker so far (state rounds and final reads). */
    long requests() {
        return requests.get();
    }

    long rounds() {
        return rounds.get();
    }

    private void round() {
        try {
            if (!live.isEmpty()) {
                pollOnce();
            }
        } catch (SlurmException e) {
            log.warn("job tracking round failed, trying again in {}: {}", interval, e.getMessage());
        } catch (RuntimeException e) {
            if (poller.isShutdown()) {
                log.debug("job tracking round ended by close: {}", e.toString());
            } else {
                log.error("job tracking round failed unexpectedly; trying again in {}", interval, e);
            }
        } finally {
            if (!poller.isShutdown()) {
                poller.schedule(this::round, interval.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    void pollOnce() {
        List<Long> ids = liveJobIds();
        rounds.incrementAndGet();
        requests.incrementAndGet();
        List<JobStateEntry> states = ids.size() <= MAX_IDS_IN_QUERY ? client.jobStates(ids) : client.jobStates();
        Map<Long, List<JobStateEntry>> byJob = new HashMap<>();
        StringBuilder signature = new StringBuilder();
        for (JobStateEntry e : states) {
            if (live.containsKey(e.jobId())) {
                byJob.computeIfAbsent(e.jobId(), k -> new ArrayList<>()).add(e);
                signature.append(e.id()).append('=').append(e.stateNames()).append(';');
            }
        }
        boolean changed = !signature.toString().equals(lastSignature);
        lastSignature = signature.toString();

        for (long id : ids) {
            Tracked t = live.get(id);
            List<JobStateEntry> rows = byJob.getOrDefault(id, List.of());
            boolean resolve;
            if (rows.isEmpty()) {
                resolve = true; // left slurmctld (or not visible yet): read it in full
                changed = true;
            } else if (!t.array) {
                resolve = rows.stream().anyMatch(JobTracker::isFinal);
            } else {
                resolve = rows.stream().anyMatch(r -> r.isArrayTask() && isFinal(r)
                        && !t.done.contains(r.arrayTaskId() + t.indexOffset));
            }
            if (resolve) {
                resolve(t, rows.isEmpty());
            }
            if (t.finished()) {
                live.remove(id);
            }
        }
        Duration next = changed ? minInterval : interval.multipliedBy(3).dividedBy(2);
        interval = next.compareTo(maxInterval) > 0 ? maxInterval : next;
    }

    private static boolean isFinal(JobStateEntry e) {
        return e.state().isTerminal() && e.stateNames().stream().noneMatch(n -> n.equals("REQUEUED") || n.equals("REQUEUE_HOLD"));
    }

    private void resolve(Tracked t, boolean missingFromStates) {
        requests.incrementAndGet();
        List<JobInfo> infos = client.jobs(t.jobId);
        if (infos.isEmpty()) {
            requests.incrementAndGet();
            infos = client.accountingJobs(t.jobId);
        }
        if (infos.isEmpty()) {
            t.roundsMissing++;
            if (t.roundsMissing % 10 == 1) {
                log.warn("job {} is in neither slurmctld nor slurmdbd yet; still tracking it (not taking it for finished)", t.jobId);
            }
            return;
        }
        t.roundsMissing = 0;
        for (JobInfo info : infos) {
            if (!info.isFinal()) {
                continue;
            }
            int index;
            if (t.array) {
                if (info.arrayJobId() != t.jobId || info.arrayTaskId() < 0) {
                    continue;
                }
                index = info.arrayTaskId() + t.indexOffset;
            } else {
                if (info.jobId() != t.jobId) {
                    continue;
                }
                index = t.indexOffset;
            }
            if (t.done.add(index)) {
                t.aggregate.put(outcome(t, info, index));
            }
        }
        if (missingFromStates && !t.finished()) {
            log.debug("job {}: {} of {} tasks final after reading it in full", t.jobId, t.done.size(), t.taskCount);
        }
    }

    private TaskOutcome outcome(Tracked t, JobInfo info, int index) {
        String slurmId = t.array ? t.jobId + "_" + info.arrayTaskId() : String.valueOf(t.jobId);
        String path = t.logPattern.replace("%A", String.valueOf(t.jobId))
                .replace("%a", String.valueOf(Math.max(info.arrayTaskId(), 0)))
                .replace("%j", String.valueOf(info.jobId()));
        Path logFile = Path.of(path);
        List<String> tail = List.of();
        String problem = "";
        try {
            tail = tail(logFile, LOG_TAIL_LINES);
        } catch (IOException e) {
            problem = "log " + logFile + " could not be read: " + e.getMessage();
        }
        OutcomeKind kind = OutcomeKind.of(info.state(), info.exitCode());
        TaskOutcome outcome = new TaskOutcome(index, slurmId, kind, info.state(), info.exitCode(), info.signal(),
                info.stateReason(), logFile, tail, problem, info.source() == JobInfo.Source.ACCOUNTING);
        if (kind == OutcomeKind.SUCCESS) {
            log.debug("{}", outcome.summary());
        } else {
            log.info("{}", outcome.summary());
        }
        return outcome;
    }

    static List<String> tail(Path file, int lines) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            int window = (int) Math.min(length, 64 * 1024);
            byte[] bytes = new byte[window];
            in.seek(length - window);
            in.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
            int end = all.length > 0 && all[all.length - 1].isEmpty() ? all.length - 1 : all.length;
            int start = Math.max(0, end - lines);
            return List.of(Arrays.copyOfRange(all, start, end));
        }
    }

    /** Stops polling, and waits briefly for a round in progress so it does not outlive the client. */
    @Override
    public void close() {
        poller.shutdownNow();
        try {
            poller.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
