package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.rest.internal.FinalRecords;
import ai.ringrift.slurm.rest.internal.RoundPlan;
import ai.ringrift.slurm.rest.internal.WatchedJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
 * again with growing pauses. Thread-safe. Its rounds run on a scheduler of its own (one daemon
 * thread) or one it is given, timed by a clock it is given: a test runs them on virtual time.
 * {@link JobWaiter} waits on top of it. What a round's rows mean is {@code RoundPlan}'s; how the
 * final records are read, {@code FinalRecords}'.
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
    public static final int FALLBACK_READS_PER_ROUND = FinalRecords.FALLBACK_READS_PER_ROUND;
    /** Up to this many ids are named in the state request; above it, asking for all jobs is cheaper. */
    private static final int MAX_IDS_IN_QUERY = 100;

    private final SlurmClient client;
    private final Duration minInterval;
    private final Duration maxInterval;
    private final Clock clock;
    private final Map<Long, WatchedJob> live = new ConcurrentHashMap<>();
    /** Where rounds are scheduled; shut down on close only when this watcher made it. */
    private final ScheduledExecutorService poller;
    private final boolean ownPoller;
    private final boolean polling;
    private volatile boolean closed;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rounds = new AtomicLong();
    private final FinalRecords finals;
    private volatile Duration interval;
    private String lastSignature = "";
    /** Odd ids already logged: each is logged once, not every round. */
    private final Set<String> oddIds = ConcurrentHashMap.newKeySet();
    private String lastFailure;
    private String lastFailureKind = "";
    private int authFailures;

    private JobWatcher(Builder b) {
        this.client = b.client;
        this.minInterval = b.minInterval;
        this.maxInterval = b.maxInterval;
        this.interval = minInterval;
        this.clock = b.clock;
        this.finals = new FinalRecords(client, requests);
        this.ownPoller = b.scheduler == null;
        this.poller = ownPoller ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slurm-job-watcher");
            t.setDaemon(true);
            return t;
        }) : b.scheduler;
        this.polling = b.poll;
        if (polling) {
            schedule(minInterval);
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
        WatchedJob t = new WatchedJob(jobId, arrayTasks, listener);
        WatchedJob before = live.putIfAbsent(jobId, t);
        if (before != null) {
            throw new SlurmUsageException("job " + jobId + " is watched already");
        }
        interval = minInterval; // something new: look again soon
        return t.done();
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
        if (closed) {
            return;
        }
        try {
            pollOnce();
        } finally {
            schedule(interval);
        }
    }

    private void schedule(Duration after) {
        if (closed) {
            return;
        }
        try {
            poller.schedule(this::round, after.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shutDown) {
            log.debug("job watching stopped: its scheduler was shut down");
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
            if (closed) {
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
            List<WatchedJob> stopped = new ArrayList<>(live.values());
            live.clear();
            log.error("job watching stopped for {} job(s) {}: {}", stopped.size(),
                    stopped.stream().map(WatchedJob::jobId).toList(), e.getMessage());
            for (WatchedJob t : stopped) {
                t.done().completeExceptionally(e);
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
        Instant started = clock.instant();
        List<Long> ids = liveJobIds();
        rounds.incrementAndGet();
        requests.incrementAndGet();
        List<JobStateEntry> states = ids.size() <= MAX_IDS_IN_QUERY ? client.jobStates(ids) : client.jobStates();
        RoundPlan plan = RoundPlan.of(ids, live, states, lastSignature, odd -> {
            if (oddIds.size() < 10_000 && oddIds.add(odd.id())) {
                log.warn("slurmrestd sent job id '{}' ({}) in /jobs/state/, a shape this watcher does not know; job {} "
                        + "is resolved from its job info instead (logged once)", odd.id(), odd.stateNames(), odd.jobId());
            }
        });
        lastSignature = plan.signature();
        Map<WatchedJob, List<FinalRecords.Found>> found = finals.read(plan.toResolve(), plan.leftController());
        // no longer live BEFORE its waiters wake: a caller that closes the backend right after
        // await() must not find a finished job among the live ones (and cancel it)
        for (WatchedJob t : plan.toResolve()) {
            if (t.allFinal()) {
                live.remove(t.jobId());
            }
        }
        found.forEach((t, records) -> {
            for (FinalRecords.Found f : records) {
                try {
                    t.listener().taskFinished(f.task(), f.info(), f.neverRan());
                } catch (RuntimeException e) {
                    log.error("the listener of job {} failed on task {}", t.jobId(), f.task(), e);
                }
            }
            if (t.allFinal()) {
                t.done().complete(null);
            }
        });
        Duration next = plan.changed() ? minInterval : interval.multipliedBy(3).dividedBy(2);
        interval = next.compareTo(maxInterval) > 0 ? maxInterval : next;
        client.metrics().trackingRound(Duration.between(started, clock.instant()), plan.byState());
    }

    /**
     * Stops polling; a scheduler of its own is stopped, and a round in progress is waited for briefly
     * so it does not outlive the client.
     */
    @Override
    public void close() {
        closed = true;
        if (!ownPoller) {
            return;
        }
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
        private ScheduledExecutorService scheduler;
        private Clock clock = Clock.systemUTC();

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

        /**
         * Where rounds are scheduled (default: a daemon thread of the watcher's own, stopped on close).
         * One given is not shut down by the watcher: a test gives virtual time's.
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler == null");
            return this;
        }

        /** What rounds are timed by (default the system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
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
