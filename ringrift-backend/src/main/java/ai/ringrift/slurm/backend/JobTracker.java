package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobStateEntry;
import ai.ringrift.slurm.rest.SlurmAuthenticationException;
import ai.ringrift.slurm.rest.SlurmException;
import ai.ringrift.slurm.rest.SlurmRejectedException;
import ai.ringrift.slurm.rest.SlurmResponseException;
import ai.ringrift.slurm.rest.SlurmUsageException;
import ai.ringrift.slurm.rest.SlurmVersionException;
import ai.ringrift.slurm.rest.SlurmRestClient;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
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
 * Follows every live job to its final state with ONE state request per polling round, whatever
 * their number (slurmrestd's light {@code /jobs/state/}), at an interval that grows while nothing
 * changes. The jobs that reached a final state in a round are read in full for their exit codes in
 * a bounded number of requests: one job from slurmctld ({@code /job/{id}}, one request for a whole
 * array), several together from slurmdbd in one request (see {@code resolveAll}). A job found in
 * neither is never taken for finished: it stays tracked.
 */
final class JobTracker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobTracker.class);
    private static final int LOG_TAIL_LINES = 20;
    /** Jobs read one by one from slurmctld in a round, when slurmdbd has no final record for them (yet). */
    static final int FALLBACK_READS_PER_ROUND = 2;
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
        /** The state rows last acted on, so that a final row that stays is not read again each round. */
        String resolvedRows = "";

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
    /** Odd ids and unreadable answers already logged: each is logged once, not every round. */
    private final Set<String> oddIds = ConcurrentHashMap.newKeySet();
    private String lastFailure;
    private String lastFailureKind = "";
    private int authFailures;

    private final JobUserAccess access;

    JobTracker(SlurmRestClient client, Duration minInterval, Duration maxInterval) {
        this(client, minInterval, maxInterval, JobUserAccess.forUser(null));
    }

    JobTracker(SlurmRestClient client, Duration minInterval, Duration maxInterval, JobUserAccess access) {
        this.client = client;
        this.access = access;
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

    void round() {
        try {
            if (!live.isEmpty()) {
                pollOnce();
            }
            if (lastFailure != null) {
                log.info("job tracking works again (after: {})", lastFailure);
                lastFailure = null;
                authFailures = 0;
            }
        } catch (SlurmException e) {
            failedRound(e);
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

    /**
     * A round that failed. What cannot heal (a refused token that cannot be renewed, an API version
     * the server does not serve, a refusal) ends the wait of every tracked job at once with its
     * message; what can heal is tried again with growing pauses, logged once per kind of failure.
     */
    private void failedRound(SlurmException e) {
        if (cannotHeal(e)) {
            List<Tracked> stopped = new ArrayList<>(live.values());
            live.clear();
            log.error("job tracking stopped for {} job(s) {}: {}", stopped.size(),
                    stopped.stream().map(t -> t.jobId).toList(), e.getMessage());
            for (Tracked t : stopped) {
                t.aggregate.future.completeExceptionally(e);
            }
            return;
        }
        Duration next = interval.multipliedBy(2);
        interval = next.compareTo(maxInterval) > 0 ? maxInterval : next;
        String kind = e.getClass().getSimpleName() + " " + e.httpStatus() + " " + e.errors().stream()
                .map(x -> String.valueOf(x.errorNumber())).toList();
        if (!kind.equals(lastFailureKind)) {
            log.warn("job tracking round failed; trying again with growing pauses (next in {}); logged again only if "
                    + "the failure changes: {}", interval, e.getMessage());
            lastFailureKind = kind;
        } else {
            log.debug("job tracking round failed again (next in {}): {}", interval, e.getMessage());
        }
        lastFailure = e.getMessage();
    }

    private boolean cannotHeal(SlurmException e) {
        if (e instanceof SlurmVersionException || e instanceof SlurmUsageException) {
            return true;
        }
        if (e instanceof SlurmAuthenticationException) {
            // a key or a rotated file may still yield a good token; give those a few rounds
            return !client.tokensRenewable() || ++authFailures >= 3;
        }
        return e instanceof SlurmRejectedException && !e.isRetryable();
    }

    void pollOnce() {
        long started = System.nanoTime();
        Map<String, Integer> byState = new java.util.TreeMap<>();
        List<Long> ids = liveJobIds();
        rounds.incrementAndGet();
        requests.incrementAndGet();
        List<JobStateEntry> states = ids.size() <= MAX_IDS_IN_QUERY ? client.jobStates(ids) : client.jobStates();
        Map<Long, List<JobStateEntry>> byJob = new HashMap<>();
        StringBuilder signature = new StringBuilder();
        for (JobStateEntry e : states) {
            if (live.containsKey(e.jobId())) {
                byJob.computeIfAbsent(e.jobId(), k -> new ArrayList<>()).add(e);
                byState.merge(e.state().name(), 1, Integer::sum);
                signature.append(e.id()).append('=').append(e.stateNames()).append(';');
                if (!e.understood() && oddIds.size() < 10_000 && oddIds.add(e.id())) {
                    log.warn("slurmrestd sent job id '{}' ({}) in /jobs/state/, a shape this tracker does not know; job {} "
                            + "is resolved from its job info instead (logged once)", e.id(), e.stateNames(), e.jobId());
                }
            }
        }
        boolean changed = !signature.toString().equals(lastSignature);
        lastSignature = signature.toString();

        List<Tracked> toResolve = new ArrayList<>();
        Set<Tracked> leftController = new java.util.HashSet<>();
        for (long id : ids) {
            Tracked t = live.get(id);
            if (t == null) {
                continue;
            }
            List<JobStateEntry> rows = byJob.getOrDefault(id, List.of());
            boolean resolve;
            if (rows.isEmpty()) {
                resolve = true; // left slurmctld (or not visible yet): read it in full
                changed = true;
            } else {
                // a final row the tracker has not acted on: one task, the rest of an array ("N_*",
                // "N_[..]"), or a row of a shape it does not know; read only when the rows changed
                String mine = rows.toString();
                boolean taskNews = t.array && rows.stream().anyMatch(r -> r.isFinal() && r.isArrayTask() && r.understood()
                        && !t.done.contains(r.arrayTaskId() + t.indexOffset));
                boolean otherNews = rows.stream().anyMatch(r -> r.isFinal() && (!t.array || !r.isArrayTask() || !r.understood()));
                resolve = taskNews || (otherNews && (!t.array || !mine.equals(t.resolvedRows)));
                if (resolve) {
                    t.resolvedRows = mine;
                }
            }
            if (resolve) {
                toResolve.add(t);
                if (rows.isEmpty()) {
                    leftController.add(t);
                }
            }
        }
        Map<Tracked, List<TaskOutcome>> found = resolveAll(toResolve, leftController);
        // no longer live BEFORE its waiters wake: a caller that closes the backend right after
        // await() must not find a finished job among the live ones (and cancel it)
        for (Tracked t : toResolve) {
            if (t.finished()) {
                live.remove(t.jobId);
            }
        }
        found.forEach((t, outcomes) -> outcomes.forEach(t.aggregate::put));
        Duration next = changed ? minInterval : interval.multipliedBy(3).dividedBy(2);
        interval = next.compareTo(maxInterval) > 0 ? maxInterval : next;
        client.metrics().trackingRound(Duration.ofNanos(System.nanoTime() - started), byState);
    }

    /**
     * Reads the final states of the jobs this round found ended, in a bounded number of requests:
     * one job is read from slurmctld ({@code /job/{id}}: the richest record); several are read
     * together from slurmdbd in ONE request, and only those it has no final record for yet (or all,
     * when slurmdbd cannot be read) are read from slurmctld, at most {@value #FALLBACK_READS_PER_ROUND}
     * a round; the others wait for the next round. So a round costs at most 2 + that many requests,
     * however many jobs are tracked or end at once.
     */
    private Map<Tracked, List<TaskOutcome>> resolveAll(List<Tracked> toResolve, Set<Tracked> leftController) {
        Map<Tracked, List<TaskOutcome>> found = new java.util.LinkedHashMap<>();
        if (toResolve.isEmpty()) {
            return found;
        }
        if (toResolve.size() == 1) {
            Tracked t = toResolve.get(0);
            resolveGuarded(t, leftController.contains(t), found.computeIfAbsent(t, k -> new ArrayList<>()));
            return found;
        }
        Map<Long, List<JobInfo>> recorded = null;
        try {
            requests.incrementAndGet();
            recorded = new HashMap<>();
            for (JobInfo info : client.accountingJobs(toResolve.stream().map(t -> t.jobId).toList())) {
                recorded.computeIfAbsent(info.arrayJobId() > 0 ? info.arrayJobId() : info.jobId(), k -> new ArrayList<>()).add(info);
            }
        } catch (SlurmException e) {
            if (cannotHealNow(e)) {
                throw e;
            }
            recorded = null;
            if (oddIds.size() < 10_000 && oddIds.add("slurmdbd:" + e.getClass().getSimpleName())) {
                log.warn("slurmdbd could not be read for the final states of {} jobs ({}); reading slurmctld instead, "
                        + "{} jobs a round (logged once)", toResolve.size(), e.getMessage(), FALLBACK_READS_PER_ROUND);
            }
        }
        int fallbacks = 0;
        for (Tracked t : toResolve) {
            List<TaskOutcome> out = found.computeIfAbsent(t, k -> new ArrayList<>());
            int before = t.done.size();
            if (recorded != null) {
                List<JobInfo> infos = recorded.getOrDefault(t.jobId, List.of());
                if (!infos.isEmpty()) {
                    t.roundsMissing = 0;
                }
                collect(t, infos, out);
            }
            boolean progress = t.done.size() > before;
            if (progress || t.finished()) {
                continue;
            }
            if (leftController.contains(t) && recorded != null) {
                // gone from slurmctld, and slurmdbd has no final record yet: keep tracking, never guess
                noteMissing(t);
            } else if (fallbacks < FALLBACK_READS_PER_ROUND) {
                fallbacks++;
                resolveGuarded(t, leftController.contains(t), out);
            } else {
                t.resolvedRows = ""; // not read this round: read it again in the next
            }
        }
        return found;
    }

    /** Reads one job (slurmctld, then slurmdbd); an answer that cannot be read does not stop the others. */
    private void resolveGuarded(Tracked t, boolean missingFromStates, List<TaskOutcome> out) {
        try {
            resolve(t, missingFromStates, out);
        } catch (SlurmResponseException unreadable) {
            if (oddIds.size() < 10_000 && oddIds.add("info:" + t.jobId)) {
                log.warn("job {}: its job info could not be read ({}); still tracking it (logged once)", t.jobId,
                        unreadable.getMessage());
            }
        }
    }

    private void noteMissing(Tracked t) {
        t.roundsMissing++;
        if (t.roundsMissing % 10 == 1) {
            log.warn("job {} is in neither slurmctld nor slurmdbd yet; still tracking it (not taking it for finished)", t.jobId);
        }
    }

    /** Failures no other read in this round can get around: the round fails and failedRound() judges them. */
    private static boolean cannotHealNow(SlurmException e) {
        return e instanceof SlurmAuthenticationException || e instanceof SlurmVersionException || e instanceof SlurmUsageException;
    }

    private void resolve(Tracked t, boolean missingFromStates, List<TaskOutcome> found) {
        requests.incrementAndGet();
        List<JobInfo> infos = client.jobs(t.jobId);
        if (infos.isEmpty()) {
            requests.incrementAndGet();
            infos = client.accountingJobs(t.jobId);
        }
        if (infos.isEmpty()) {
            noteMissing(t);
            return;
        }
        t.roundsMissing = 0;
        boolean restUnnamed = collect(t, infos, found);
        if (restUnnamed && !t.finished() && infos.get(0).source() == JobInfo.Source.CONTROLLER) {
            // slurmctld's record of the array is final but names none of its remaining tasks (Slurm
            // lists such a rest as "N_*"); slurmdbd keeps them as a bitmap: read it there
            requests.incrementAndGet();
            collect(t, client.accountingJobs(t.jobId), found);
        }
        if (missingFromStates && !t.finished()) {
            log.debug("job {}: {} of {} tasks final after reading it in full", t.jobId, t.done.size(), t.taskCount);
        }
    }

    /**
     * Turns the final records among {@code infos} into outcomes of {@code t}'s tasks not done yet.
     * Returns true when the array's own record is final but names no tasks.
     */
    private boolean collect(Tracked t, List<JobInfo> infos, List<TaskOutcome> found) {
        boolean restUnnamed = false;
        for (JobInfo info : infos) {
            if (!info.isFinal()) {
                continue;
            }
            if (!t.array) {
                if (info.jobId() == t.jobId && t.done.add(t.indexOffset)) {
                    found.add(outcome(t, info, t.indexOffset, -1, false));
                }
                continue;
            }
            if (info.arrayJobId() != t.jobId) {
                continue;
            }
            if (info.arrayTaskId() >= 0) {
                int index = info.arrayTaskId() + t.indexOffset;
                if (t.done.add(index)) {
                    found.add(outcome(t, info, index, info.arrayTaskId(), false));
                }
                continue;
            }
            // the array's own record, final: it stands for the tasks that never ran on their own
            // (the pending rest of a cancelled array), written as "1-5%2" or, by slurmdbd, "0x3E"
            BitSet rest = info.arrayTasksOfRecord();
            restUnnamed |= rest.isEmpty();
            for (int task = rest.nextSetBit(0); task >= 0 && task < t.taskCount; task = rest.nextSetBit(task + 1)) {
                int index = task + t.indexOffset;
                if (t.done.add(index)) {
                    found.add(outcome(t, info, index, task, true));
                }
            }
        }
        return restUnnamed;
    }

    /** @param neverRan true for a task known only from its array's own record: it never started */
    private TaskOutcome outcome(Tracked t, JobInfo info, int index, int task, boolean neverRan) {
        String slurmId = t.array ? t.jobId + "_" + task : String.valueOf(t.jobId);
        String path = t.logPattern.replace("%A", String.valueOf(t.jobId))
                .replace("%a", String.valueOf(Math.max(task, 0)))
                .replace("%j", String.valueOf(info.jobId()));
        Path logFile = Path.of(path);
        List<String> tail = List.of();
        String problem = "";
        OutcomeKind kind = OutcomeKind.of(info.state(), info.exitCode());
        if (neverRan) {
            problem = "it never started (ended " + info.state() + " while pending), so it has no log";
        } else {
            try {
                tail = tail(logFile, LOG_TAIL_LINES);
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
