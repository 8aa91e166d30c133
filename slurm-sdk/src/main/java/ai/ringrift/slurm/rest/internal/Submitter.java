package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.SlurmException;
import ai.ringrift.slurm.rest.SlurmMetrics;
import ai.ringrift.slurm.rest.SlurmRejectedException;
import ai.ringrift.slurm.rest.SlurmResponseException;
import ai.ringrift.slurm.rest.SlurmUnreachableException;
import ai.ringrift.slurm.rest.SubmittedJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits jobs so that none is ever submitted twice: each submission carries a unique key in its
 * job's comment ({@link SubmitKey}); after an attempt whose fate is uncertain (the answer lost, a
 * gateway's 502, a connection to slurmctld broken mid-RPC), the key is looked for until the
 * submission has settled ({@code settle} of answered lookups), and a job found with it is adopted;
 * only then is the request sent again. One submission's state lives in an {@link Attempts}.
 */
final class Submitter {

    private static final Logger log = LoggerFactory.getLogger(Submitter.class);
    /** How far back slurmdbd is searched for a submit key, before the submission began. */
    private static final Duration LOOKUP_SLACK = Duration.ofMinutes(5);
    /** How often an uncertain submission is looked for while it settles. */
    private static final Duration SETTLE_POLL = Duration.ofSeconds(3);

    private final Supplier<ApiAdapter> api;
    private final Retrier retrier;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Executor workers;
    private final SlurmMetrics metrics;
    private final Duration settle;
    private final Duration timeout;
    /** The largest job id a submit of this client was answered with (0: none yet). */
    private final AtomicLong newestSubmitted = new AtomicLong();
    /** Ids of the latest jobs whose submit answer this client got: a lookup for a lost answer skips them. */
    private final RecentIds answered = new RecentIds(4096);

    Submitter(Supplier<ApiAdapter> api, Retrier retrier, Clock clock, ScheduledExecutorService scheduler, Executor workers,
            SlurmMetrics metrics, Duration settle, Duration timeout) {
        this.api = api;
        this.retrier = retrier;
        this.clock = clock;
        this.scheduler = scheduler;
        this.workers = workers;
        this.metrics = metrics;
        this.settle = settle;
        this.timeout = timeout;
    }

    /** Submits {@code submission}: attempts, then (after an uncertain last one) a lookup until settled. */
    CompletableFuture<SubmittedJob> submit(JobSubmission submission) {
        return new Attempts(submission).run();
    }

    /** The job submitted with {@code key} since {@code since}, from slurmctld, else slurmdbd. */
    Optional<Long> find(SubmitKey key, Instant since) {
        return retrier.call("find job by submit key", () -> lookUp(key, null, 0, since, null));
    }

    /** One submission across its attempts: what is known of its fate so far. */
    private final class Attempts {
        private final JobSubmission submission;
        private final SubmitKey key;
        private final String operation;
        private final Instant started = clock.instant();
        /** A job this submission creates gets a larger id than any this client had been answered before. */
        private final long newestBefore = newestSubmitted.get();
        /** Jobs a lookup read and found to be another submission's. */
        private final Set<Long> notMine = ConcurrentHashMap.newKeySet();
        /** Whether an attempt may have created the job without the client knowing. */
        private volatile boolean uncertain;
        /** When the last uncertain attempt ended. */
        private volatile Instant uncertainSince = started;
        /** No request is sent again before this: the submission has settled. */
        private volatile Instant settledAt = started;
        /** Since when lookups have gone unanswered, or null. */
        private volatile Instant unansweredSince;
        private volatile int posts;

        Attempts(JobSubmission submission) {
            this.submission = submission;
            this.key = new SubmitKey(submission.submitKey().orElseGet(() -> UUID.randomUUID().toString()));
            this.operation = "submit job '" + submission.name() + "'";
        }

        CompletableFuture<SubmittedJob> run() {
            CompletableFuture<SubmittedJob> attempts = retrier.run(operation, this::attempt);
            // a failure is handled on a worker thread (it may wait while the submission settles); an
            // answer is passed on where it arrived (a hop to another thread cost 30-40 us a submit)
            return attempts.exceptionallyComposeAsync(this::afterLastAttempt, workers);
        }

        /** One attempt: after an uncertain one, the lookup first; then the request. */
        private SubmittedJob attempt() {
            if (uncertain) {
                Optional<Long> found = lookUpUntilSettled();
                if (found.isPresent()) {
                    log.warn("{}: the answer to an earlier attempt was lost, but slurmctld has job {} with its submit key {}; "
                            + "adopting it instead of submitting again", operation, found.get(), key.key());
                    return adopted(found.get());
                }
            }
            posts++;
            try {
                ApiAdapter.Submitted answer = api.get().submit(submission, key.comment());
                newestSubmitted.accumulateAndGet(answer.jobId(), Math::max);
                answered.add(answer.jobId());
                log.debug("{}: job {} (submit key {})", operation, answer.jobId(), key.key());
                metrics.submission("created");
                return new SubmittedJob(answer.jobId(), key.key(), false, posts, answer.warnings());
            } catch (SlurmUnreachableException e) {
                if (e.mayHaveReachedServer()) {
                    becameUncertain();
                }
                throw e;
            } catch (SlurmResponseException e) {
                becameUncertain();
                throw e;
            } catch (SlurmRejectedException e) {
                // a proxy's 502/504 (no Slurm errors): slurmrestd may have acted; the connection to
                // slurmctld broken mid-RPC (reset, receive error, timeout): the job may exist. Only a
                // failure to connect at all (1800) is known to have created nothing.
                if ((e.errors().isEmpty() && e.httpStatus().orElse(0) >= 502) || (e.isRetryable() && !e.hasErrorNumber(1800))) {
                    becameUncertain();
                }
                throw e;
            }
        }

        private void becameUncertain() {
            uncertain = true;
            uncertainSince = clock.instant();
        }

        private SubmittedJob adopted(long jobId) {
            metrics.submission("adopted");
            return new SubmittedJob(jobId, key.key(), true, posts, List.of());
        }

        /** After the attempts gave up: an uncertain submission is looked for until it settled. */
        private CompletableFuture<SubmittedJob> afterLastAttempt(Throwable failure) {
            Throwable cause = Retrier.unwrap(failure);
            if (!uncertain) {
                metrics.submission("failed");
                return CompletableFuture.failedFuture(cause);
            }
            // the last attempt may have created the job, or may still create it inside slurmrestd
            return retrier.run("find job by submit key", this::lookUpUntilSettled).handle((found, lookupFailure) -> {
                if (lookupFailure == null && found.isPresent()) {
                    log.warn("{}: adopting job {} found by submit key {} after the last attempt failed ({})",
                            operation, found.get(), key.key(), cause.getMessage());
                    return adopted(found.get());
                }
                metrics.submission("failed");
                if (lookupFailure == null && cause instanceof SlurmUnreachableException) {
                    // settled: every lookup answered, none found it, so the job was never created
                    throw new CompletionException(new SlurmUnreachableException(cause.getMessage()
                            + ". No job was created: its submit key was looked for until the submission had settled ("
                            + Durations.text(settle) + " of answered lookups), so submitting it again is safe", false, cause)
                            .withAttempts(posts));
                }
                if (lookupFailure == null) {
                    throw new CompletionException(cause);
                }
                throw new CompletionException(new SlurmUnreachableException(operation + " may or may not have created a job: "
                        + "the submission failed (" + cause.getMessage() + ") and looking for its submit key failed too ("
                        + Retrier.unwrap(lookupFailure).getMessage() + "). Before submitting again, look for a job whose "
                        + "comment is '" + key.comment() + "'", true, cause).withAttempts(posts));
            });
        }

        /**
         * {@link #lookUp}, again every {@link #SETTLE_POLL} while it finds nothing, until {@code settle}
         * has passed since the uncertain attempt ended with every lookup answered. A request whose answer
         * the client gave up on may still be inside slurmrestd: under slurmctld's rate limit the Slurm
         * library there sleeps and retries, so the job can appear many seconds later. A lookup that gets
         * no answer in time shows that slurmrestd is that slow right now, so the settle time starts again
         * from it. Only a job that has not appeared through a whole settle time of answered lookups may be
         * submitted again. Once the time has passed, a failed lookup is the answer (a retry of the call
         * looks again). Lookups that go unanswered for {@code timeout} in a row (slurmrestd down, or too
         * slow to answer any) end the wait with their error: the job's fate is then unknown, and the caller
         * is told the submit key to look for. Waits are timed on the retry scheduler.
         */
        private Optional<Long> lookUpUntilSettled() {
            Instant due = uncertainSince.plus(settle);
            if (due.isAfter(settledAt)) {
                settledAt = due;
            }
            while (true) {
                try {
                    Optional<Long> found = lookUp(key, submission.name(), newestBefore, started, notMine);
                    unansweredSince = null;
                    if (found.isPresent() || !clock.instant().isBefore(settledAt)) {
                        return found;
                    }
                } catch (SlurmException e) {
                    Instant now = clock.instant();
                    boolean settled = !now.isBefore(settledAt);
                    settledAt = now.plus(settle);
                    if (unansweredSince == null) {
                        unansweredSince = now;
                    }
                    boolean outOfPatience = !now.isBefore(unansweredSince.plus(timeout));
                    if (!e.isRetryable() || settled || outOfPatience) {
                        throw e;
                    }
                }
                pause();
            }
        }

        /** Waits until the next lookup, at most {@link #SETTLE_POLL}, on the retry scheduler. */
        private void pause() {
            Duration wait = Duration.between(clock.instant(), settledAt);
            wait = wait.compareTo(SETTLE_POLL) > 0 ? SETTLE_POLL : wait;
            if (wait.isNegative() || wait.isZero()) {
                return;
            }
            try {
                scheduler.schedule(() -> { }, wait.toMillis(), TimeUnit.MILLISECONDS).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SlurmUnreachableException("interrupted while waiting for an uncertain submission of '" + submission.name()
                        + "' to settle; before submitting again, look for a job whose comment is '" + key.comment() + "'", true, e);
            } catch (ExecutionException | RejectedExecutionException e) {
                throw new SlurmUnreachableException("the client was closed while an uncertain submission of '" + submission.name()
                        + "' settled; before submitting again, look for a job whose comment is '" + key.comment() + "'", true, e);
            }
        }
    }

    /**
     * The id of the job carrying {@code key}, from slurmctld, else from slurmdbd; the job's name and
     * the newest job id this client had been answered before, when known, narrow the search (see
     * {@link RestApi#liveJobWithKey}). For a submission of this client ({@code notMine} not null),
     * jobs whose answer this client got and jobs an earlier lookup read (kept in {@code notMine}) are
     * another submission's and are not read again.
     */
    private Optional<Long> lookUp(SubmitKey key, String name, long newerThan, Instant since, Set<Long> notMine) {
        Instant from = since.minus(LOOKUP_SLACK);
        SlurmException liveFailure = null;
        try {
            Optional<Long> live = notMine == null
                    ? api.get().liveJobWithKey(key, newerThan, from, id -> false, id -> { })
                    : api.get().liveJobWithKey(key, newerThan, from, id -> answered.contains(id) || notMine.contains(id), notMine::add);
            if (live.isPresent()) {
                newestSubmitted.accumulateAndGet(live.get(), Math::max);
                return live;
            }
        } catch (SlurmException e) {
            if (!e.isRetryable()) {
                throw e;
            }
            // slurmctld did not answer in time (under its rate limit every read waits its turn):
            // slurmdbd, which slurmctld's limit does not slow, may know the job already
            liveFailure = e;
        }
        // it may have run and left slurmctld already
        List<Long> recorded = api.get().accountingJobsWithKey(key, name, Durations.since(from, clock));
        if (!recorded.isEmpty()) {
            return Optional.of(recorded.get(0));
        }
        if (liveFailure != null) {
            throw liveFailure; // slurmdbd may lag behind slurmctld: not finding it there proves nothing
        }
        return Optional.empty();
    }
}
