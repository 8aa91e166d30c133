package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.rest.internal.ApiAdapter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * Follows every watched job to its final state with ONE state request per polling round, whatever
 * their number (slurmrestd's light {@code /jobs/state/}), at an interval that grows while nothing
 * changes. The jobs that reached a final state in a round are read in full, for their exit codes,
 * in a bounded number of requests: one job from slurmctld ({@code /job/{id}}, one request for a
 * whole array), several together from slurmdbd in one request. A job found in neither is never
 * taken for finished: it stays watched. Each task's final record goes to the watch's listener once.
 *
 * <p>Failures that cannot heal (a refused token that cannot be renewed, an API version the server
 * does not serve, a refusal) end every watch at once with their exception; the others are tried
 * again with growing pauses. Thread-safe; one polling thread per watcher. {@link JobWaiter} waits on
 * top of it.
 */
public final class JobWatcher implements AutoCloseable {

    /** Gets the final record of each task of a watched job, once, on the watcher's thread. */
    @FunctionalInterface
    public interface TaskListener {
        /**
         * @param task the array task id, or -1 for a plain job
         * @param info the task's final record (for a task that never ran: its array's own record)
         * @param neverRan true when the task is known only from its array's own record: it never started
         */
        void taskFinished(int task, JobInfo info, boolean neverRan);
    }

    private static final Logger log = LoggerFactory.getLogger(JobWatcher.class);
    /** Jobs read one by one from slurmctld in a round, when slurmdbd has no final record for them (yet). */
    public static final int FALLBACK_READS_PER_ROUND = 2;
    /** Up to this many ids are named in the state request; above it, asking for all jobs is cheaper. */
    private static final int MAX_IDS_IN_QUERY = 100;

    /** One Slurm job to follow: a plain job or one array. */
    private static final class Tracked {
        final long jobId;
        final boolean array;
        final int taskCount;
        final TaskListener listener;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final Set<Integer> finished = ConcurrentHashMap.newKeySet();
        int roundsMissing;
        /** The state rows last acted on, so that a final row that stays is not read again each round. */
        String resolvedRows = "";

        Tracked(long jobId, boolean array, int taskCount, TaskListener listener) {
            this.jobId = jobId;
            this.array = array;
            this.taskCount = taskCount;
            this.listener = listener;
        }

        boolean allFinal() {
            return finished.size() >= taskCount;
        }
    }

    /** A final record found in a round, handed to its listener once the job is no longer live. */
    private record Found(int task, JobInfo info, boolean neverRan) {}

    private final SlurmClient client;
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

    private JobWatcher(Builder b) {
        this.client = b.client;
        this.minInterval = b.minInterval;
        this.maxInterval = b.maxInterval;
        this.interval = minInterval;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slurm-job-watcher");
            t.setDaemon(true);
            return t;
        });
        if (b.poll) {
            poller.schedule(this::round, minInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** A watcher over {@code client}; polls every 2 s at first, up to every 30 s while nothing changes. */
    public static Builder builder(SlurmClient client) {
        return new Builder(client);
    }

    /**
     * Watches a plain job ({@code arrayTasks} 0) or an array of {@code arrayTasks} tasks (ids 0 to
     * {@code arrayTasks - 1}). The future completes when every task is final, or fails with the
     * {@link SlurmException} that ended the watching.
     */
    public CompletableFuture<Void> watch(long jobId, int arrayTasks, TaskListener listener) {
        if (jobId <= 0) {
            throw new SlurmUsageException("a job id is a positive number, not " + jobId);
        }
        if (arrayTasks < 0) {
            throw new SlurmUsageException("arrayTasks must be 0 (a plain job) or the array's task count, not " + arrayTasks);
        }
        Objects.requireNonNull(listener, "listener == null");
        Tracked t = new Tracked(jobId, arrayTasks > 0, Math.max(1, arrayTasks), listener);
        Tracked before = live.putIfAbsent(jobId, t);
        if (before != null) {
            throw new SlurmUsageException("job " + jobId + " is watched already");
        }
        interval = minInterval; // something new: look again soon
        return t.done;
    }

    /** Stops watching a job; its future is left as it is. */
    public void unwatch(long jobId) {
        live.remove(jobId);
    }

    /** The jobs watched and not yet final. */
    public List<Long> liveJobIds() {
        return new ArrayList<>(live.keySet());
    }

    /** Requests sent to slurmrestd by the watcher so far (state rounds and final reads). */
    public long requests() {
        return requests.get();
    }

    /** Polling rounds so far. */
    public long rounds() {
        return rounds.get();
    }

    private void round() {
        try {
            pollOnce();
        } finally {
            if (!poller.isShutdown()) {
                poller.schedule(this::round, interval.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * One round, now, on the caller's thread (a polling watcher's own rounds go on). A failure is
     * handled as in any round: one that cannot heal ends every watch with it; others are retried
     * in later rounds.
     */
    public synchronized void pollOnce() {
        try {
            if (!live.isEmpty()) {
                pollRound();
            }
            if (lastFailure != null) {
                log.info("job watching works again (after: {})", lastFailure);
                lastFailure = null;
                authFailures = 0;
            }
        } catch (SlurmException e) {
            failedRound(e);
        } catch (RuntimeException e) {
            if (poller.isShutdown()) {
                log.debug("job watching round ended by close: {}", e.toString());
            } else {
                log.error("job watching round failed unexpectedly; trying again in {}", interval, e);
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
            log.error("job watching stopped for {} job(s) {}: {}", stopped.size(),
                    stopped.stream().map(t -> t.jobId).toList(), e.getMessage());
            for (Tracked t : stopped) {
                t.done.completeExceptionally(e);
            }
            return;
        }
        Duration next = interval.multipliedBy(2);
        interval = next.compareTo(maxInterval) > 0 ? maxInterval : next;
        String kind = e.getClass().getSimpleName() + (e instanceof SlurmServiceException service ? " "
                + service.httpStatus() + " " + service.errors().stream().map(x -> String.valueOf(x.errorNumber())).toList() : "");
        if (!kind.equals(lastFailureKind)) {
            log.warn("job watching round failed; trying again with growing pauses (next in {}); logged again only if "
                    + "the failure changes: {}", interval, e.getMessage());
            lastFailureKind = kind;
        } else {
            log.debug("job watching round failed again (next in {}): {}", interval, e.getMessage());
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

    private void pollRound() {
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
                        && !t.finished.contains(r.arrayTaskId()));
                boolean otherNews = rows.stream().anyMatch(r -> r.isFinal() && (!t.array || !r.isArrayTask() || !r.understood()));
                resolve = taskNews || (otherNews && (!t.array || !mine.equals(t.resolvedRows)));
                if (resolve) {
                    t.resolvedRows = mine;
                }
            }
            if (resolve && toResolve.size() == ApiAdapter.MAX_IDS_PER_REQUEST) {
                // more jobs ended than one slurmdbd request can name: the rest are read next round
                t.resolvedRows = "";
                changed = true;
            } else if (resolve) {
                toResolve.add(t);
                if (rows.isEmpty()) {
                    leftController.add(t);
                }
            }
        }
        Map<Tracked, List<Found>> found = resolveAll(toResolve, leftController);
        // no longer live BEFORE its waiters wake: a caller that closes the backend right after
        // await() must not find a finished job among the live ones (and cancel it)
        for (Tracked t : toResolve) {
            if (t.allFinal()) {
                live.remove(t.jobId);
            }
        }
        found.forEach((t, records) -> {
            for (Found f : records) {
                try {
                    t.listener.taskFinished(f.task(), f.info(), f.neverRan());
                } catch (RuntimeException e) {
                    log.error("the listener of job {} failed on task {}", t.jobId, f.task(), e);
                }
            }
            if (t.allFinal()) {
                t.done.complete(null);
            }
        });
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
    private Map<Tracked, List<Found>> resolveAll(List<Tracked> toResolve, Set<Tracked> leftController) {
        Map<Tracked, List<Found>> found = new java.util.LinkedHashMap<>();
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
            List<Found> out = found.computeIfAbsent(t, k -> new ArrayList<>());
            int before = t.finished.size();
            if (recorded != null) {
                List<JobInfo> infos = recorded.getOrDefault(t.jobId, List.of());
                if (!infos.isEmpty()) {
                    t.roundsMissing = 0;
                }
                collect(t, infos, out);
            }
            boolean progress = t.finished.size() > before;
            if (progress || t.allFinal()) {
                continue;
            }
            if (leftController.contains(t) && recorded != null) {
                // gone from slurmctld, and slurmdbd has no final record yet: keep watching, never guess
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
    private void resolveGuarded(Tracked t, boolean missingFromStates, List<Found> out) {
        try {
            resolve(t, missingFromStates, out);
        } catch (SlurmResponseException unreadable) {
            if (oddIds.size() < 10_000 && oddIds.add("info:" + t.jobId)) {
                log.warn("job {}: its job info could not be read ({}); still watching it (logged once)", t.jobId,
                        unreadable.getMessage());
            }
        }
    }

    private void noteMissing(Tracked t) {
        t.roundsMissing++;
        if (t.roundsMissing % 10 == 1) {
            log.warn("job {} is in neither slurmctld nor slurmdbd yet; still watching it (not taking it for finished)", t.jobId);
        }
    }

    /** Failures no other read in this round can get around: the round fails and failedRound() judges them. */
    private static boolean cannotHealNow(SlurmException e) {
        return e instanceof SlurmAuthenticationException || e instanceof SlurmVersionException || e instanceof SlurmUsageException;
    }

    private void resolve(Tracked t, boolean missingFromStates, List<Found> found) {
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
        if (restUnnamed && !t.allFinal() && infos.get(0).source() == JobInfo.Source.CONTROLLER) {
            // slurmctld's record of the array is final but names none of its remaining tasks (Slurm
            // lists such a rest as "N_*"); slurmdbd keeps them as a bitmap: read it there
            requests.incrementAndGet();
            collect(t, client.accountingJobs(t.jobId), found);
        }
        if (missingFromStates && !t.allFinal()) {
            log.debug("job {}: {} of {} tasks final after reading it in full", t.jobId, t.finished.size(), t.taskCount);
        }
    }

    /**
     * Turns the final records among {@code infos} into outcomes of {@code t}'s tasks not done yet.
     * Returns true when the array's own record is final but names no tasks.
     */
    private boolean collect(Tracked t, List<JobInfo> infos, List<Found> found) {
        boolean restUnnamed = false;
        for (JobInfo info : infos) {
            if (!info.isFinal()) {
                continue;
            }
            if (!t.array) {
                if (info.jobId() == t.jobId && t.finished.add(-1)) {
                    found.add(new Found(-1, info, false));
                }
                continue;
            }
            if (info.arrayJobId() != t.jobId) {
                continue;
            }
            if (info.arrayTaskId() >= 0) {
                if (t.finished.add(info.arrayTaskId())) {
                    found.add(new Found(info.arrayTaskId(), info, false));
                }
                continue;
            }
            // the array's own record, final: it stands for the tasks that never ran on their own
            // (the pending rest of a cancelled array), written as "1-5%2" or, by slurmdbd, "0x3E"
            BitSet rest = info.arrayTasksOfRecord();
            restUnnamed |= rest.isEmpty();
            for (int task = rest.nextSetBit(0); task >= 0 && task < t.taskCount; task = rest.nextSetBit(task + 1)) {
                if (t.finished.add(task)) {
                    found.add(new Found(task, info, true));
                }
            }
        }
        return restUnnamed;
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

    /** Builds a {@link JobWatcher}. */
    public static final class Builder {
        private final SlurmClient client;
        private Duration minInterval = Duration.ofSeconds(2);
        private Duration maxInterval = Duration.ofSeconds(30);
        private boolean poll = true;

        private Builder(SlurmClient client) {
            this.client = Objects.requireNonNull(client, "client == null");
        }

        /** The pause after a round in which something changed (default 2 s). */
        public Builder minInterval(Duration d) {
            this.minInterval = positive(d, "minInterval");
            return this;
        }

        /** The longest pause, reached while nothing changes (default 30 s). */
        public Builder maxInterval(Duration d) {
            this.maxInterval = positive(d, "maxInterval");
            return this;
        }

        /** False: no rounds of its own; the caller runs them with {@link JobWatcher#pollOnce()} (default true). */
        public Builder polling(boolean poll) {
            this.poll = poll;
            return this;
        }

        public JobWatcher build() {
            if (maxInterval.compareTo(minInterval) < 0) {
                throw new SlurmUsageException("maxInterval " + maxInterval + " is shorter than minInterval " + minInterval);
            }
            return new JobWatcher(this);
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new SlurmUsageException(name + " must be a positive duration, not " + d);
            }
            return d;
        }
    }
}
