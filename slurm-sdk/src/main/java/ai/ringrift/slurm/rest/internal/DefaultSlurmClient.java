package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.rest.Association;
import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobStateEntry;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.NodeInfo;
import ai.ringrift.slurm.rest.PartitionInfo;
import ai.ringrift.slurm.rest.ServerInfo;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.SlurmException;
import ai.ringrift.slurm.rest.SlurmMetrics;
import ai.ringrift.slurm.rest.SlurmRejectedException;
import ai.ringrift.slurm.rest.SlurmResponseException;
import ai.ringrift.slurm.rest.SlurmUnreachableException;
import ai.ringrift.slurm.rest.SubmittedJob;
import ai.ringrift.slurm.rest.TokenSource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import retrofit2.Retrofit;
import retrofit2.converter.jackson.JacksonConverterFactory;

/**
 * The {@link SlurmClient}: HTTP, authentication, the one retry of the client, the version check and
 * the submit state machine, all version-neutral; what a call sends and how its answer is read is
 * the {@link ApiAdapter}'s.
 */
public final class DefaultSlurmClient implements SlurmClient {

    private static final Logger log = LoggerFactory.getLogger(DefaultSlurmClient.class);
    /** How far back slurmdbd is searched for a submit key, before the submission began. */
    private static final Duration LOOKUP_SLACK = Duration.ofMinutes(5);
    /** How often an uncertain submission is looked for while it settles. */
    private static final Duration SETTLE_POLL = Duration.ofSeconds(3);

    /** The largest job id a submit of this client was answered with (0: none yet). */
    private final AtomicLong newestSubmitted = new AtomicLong();
    /** Ids of the latest jobs whose submit answer this client got: a lookup for a lost answer skips them. */
    private final RecentIds answered = new RecentIds(4096);

    private final HttpUrl baseUrl;
    private final OkHttpClient http;
    private final ObjectMapper json;
    private final VersionNegotiation versions;
    private final Retrier retrier;
    private final Clock clock;
    private final ScheduledExecutorService ownScheduler;
    private final ExecutorService workers;
    /** Where waits are timed (the retry scheduler: a test's virtual time moves instead of waiting). */
    private final ScheduledExecutorService scheduler;
    private final TokenSource tokens;
    private final SlurmMetrics metrics;
    /** /jobs/state/ ids already warned about: each odd row is logged once, not every round. */
    private final Set<String> oddRows = ConcurrentHashMap.newKeySet();
    private final boolean checkVersion;
    private final Duration submitSettle;
    private final Duration submitTimeout;
    private final SubmitPatience patience;

    public DefaultSlurmClient(ClientSettings b) {
        HttpUrl baseUrl = b.baseUrl();
        this.baseUrl = baseUrl;
        this.submitSettle = b.submitSettle();
        this.submitTimeout = b.submitTimeout();
        this.patience = new SubmitPatience(b.submitTimeout());
        this.clock = b.clock();
        this.checkVersion = b.checkVersion();
        this.tokens = b.tokens();
        this.metrics = b.metrics();
        this.json = objectMapper();
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .connectTimeout(b.connectTimeout())
                .readTimeout(b.readTimeout())
                .writeTimeout(b.readTimeout())
                .callTimeout(b.callTimeout())
                .connectionPool(new ConnectionPool(b.maxIdleConnections(), b.keepAlive().toMillis(), TimeUnit.MILLISECONDS))
                // OkHttp would otherwise resend a POST on a broken pooled connection by itself, and a
                // job could be submitted twice; every retry goes through Retrier and the submit-key check.
                .retryOnConnectionFailure(false)
                // a request given up on is discarded at slurmrestd if it has not read it yet
                .socketFactory(new AbortiveCloseSockets())
                .addInterceptor(new InFlightLimit(b.maxInFlight(), b.callTimeout()))
                .addInterceptor(new AuthInterceptor(b.tokens(), b.userName(), b.clock()))
                .addInterceptor(patience)
                // the network interceptor sees each request that goes on the wire, retries included
                .addNetworkInterceptor(new MetricsInterceptor(b.metrics()));
        if (b.caFile() != null) {
            if (baseUrl.isHttps()) {
                TlsTrust.trustOnly(http, b.caFile());
            } else {
                log.warn("a CA file is set but the URL {} is not https; the CA file is not used", baseUrl);
            }
        }
        this.http = http.build();
        RestCalls calls = new Retrofit.Builder()
                .baseUrl(baseUrl)
                .client(this.http)
                .addConverterFactory(JacksonConverterFactory.create(json))
                .build()
                .create(RestCalls.class);
        ScheduledExecutorService scheduler = b.retryScheduler();
        if (scheduler == null) {
            scheduler = Executors.newScheduledThreadPool(1, daemon("slurm-rest-retry"));
            this.ownScheduler = scheduler;
        } else {
            this.ownScheduler = null;
        }
        this.scheduler = scheduler;
        this.workers = Executors.newCachedThreadPool(daemon("slurm-rest-attempt"));
        this.retrier = new Retrier(b.retryPolicy(), b.clock(), scheduler, workers, b.metrics());
        VersionTable table = VersionTable.get();
        this.versions = new VersionNegotiation(baseUrl, b.apiVersion(), v -> new RestApi(table.entry(v), calls,
                new Exchanges(json, tokens, clock, v.text(), patience)), retrier, this.http, json);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** The JSON mapper of every version: lenient on fields a newer server adds, no empty lists when writing. */
    static ObjectMapper objectMapper() {
        return new ObjectMapper()
                .findAndRegisterModules()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .setSerializationInclusion(JsonInclude.Include.NON_EMPTY);
    }

    @Override
    public URI baseUrl() {
        return baseUrl.uri();
    }

    @Override
    public ApiVersion apiVersion() {
        ensureVersion();
        return api().version();
    }

    @Override
    public Optional<Instant> tokenExpiry() {
        return tokens.current().expiresAt();
    }

    @Override
    public boolean tokensRenewable() {
        return tokens.renewable();
    }

    @Override
    public SlurmMetrics metrics() {
        return metrics;
    }

    @Override
    public String tokenSourceDescription() {
        return tokens.describe();
    }

    // ------------------------------------------------------------------ version

    private ApiAdapter api() {
        return versions.api();
    }

    @Override
    public ServerInfo checkVersion() {
        return versions.check();
    }

    private void ensureVersion() {
        if (checkVersion && !versions.isChecked()) {
            synchronized (versions) {
                if (!versions.isChecked()) {
                    versions.check();
                }
            }
        }
    }

    // ------------------------------------------------------------------ reads

    @Override
    public ServerInfo ping() {
        ensureVersion();
        return retrier.call("ping", api()::ping);
    }

    @Override
    public List<JobInfo> jobs(long jobId) {
        ensureVersion();
        return retrier.call("get job " + jobId, () -> api().jobs(jobId));
    }

    @Override
    public List<JobInfo> accountingJobs(Collection<Long> jobIds) {
        if (jobIds.isEmpty()) {
            return List.of();
        }
        ensureVersion();
        List<Long> ids = List.copyOf(jobIds);
        if (ids.size() <= ApiAdapter.MAX_IDS_PER_REQUEST) {
            return retrier.call(ids.size() == 1 ? "get accounting job " + ids.get(0) : "get accounting jobs",
                    () -> api().accountingJobs(ids));
        }
        List<JobInfo> all = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += ApiAdapter.MAX_IDS_PER_REQUEST) {
            List<Long> part = ids.subList(i, Math.min(ids.size(), i + ApiAdapter.MAX_IDS_PER_REQUEST));
            all.addAll(retrier.call("get accounting jobs", () -> api().accountingJobs(part)));
        }
        return all;
    }

    @Override
    public List<JobInfo> accountingJobsNamed(String name, Instant since) {
        Objects.requireNonNull(name, "name == null");
        ensureVersion();
        return retrier.call("find accounting jobs named " + name, () -> api().accountingJobsNamed(name, ago(since)));
    }

    @Override
    public List<JobStateEntry> jobStates(Collection<Long> jobIds) {
        ensureVersion();
        List<Long> ids = List.copyOf(jobIds);
        return retrier.call("get job states", () -> api().jobStates(ids, odd -> {
            if (oddRows.size() < 10_000 && oddRows.add(odd)) {
                log.warn("slurmrestd sent a /jobs/state/ row whose job_id '{}' names no job; left out (logged once)", odd);
            }
        }));
    }

    @Override
    public List<Association> associations(String user) {
        Objects.requireNonNull(user, "user == null");
        ensureVersion();
        return retrier.call("list associations of " + user, () -> api().associations(user));
    }

    @Override
    public List<PartitionInfo> partitions() {
        ensureVersion();
        return retrier.call("list partitions", () -> api().partitions());
    }

    @Override
    public List<NodeInfo> nodes() {
        ensureVersion();
        return retrier.call("list nodes", () -> api().nodes());
    }

    // ------------------------------------------------------------------ submit

    @Override
    public CompletableFuture<SubmittedJob> submitAsync(JobSubmission submission) {
        Objects.requireNonNull(submission, "submission == null");
        ensureVersion();
        String key = submission.submitKey().orElseGet(() -> UUID.randomUUID().toString());
        String marker = SUBMIT_KEY_PREFIX + key;
        Instant started = clock.instant();
        long newestBefore = newestSubmitted.get(); // a job this attempt creates gets a larger id
        AtomicBoolean uncertain = new AtomicBoolean();
        // when the last uncertain attempt ended: no POST again before it has settled
        AtomicReference<Instant> uncertainEnded = new AtomicReference<>(started);
        AtomicInteger posts = new AtomicInteger();
        Set<Long> notIt = ConcurrentHashMap.newKeySet(); // jobs a lookup read: another submission's
        AtomicReference<Instant> settledAt = new AtomicReference<>(started); // no POST again before this
        AtomicReference<Instant> unanswered = new AtomicReference<>(); // since when lookups went unanswered
        String operation = "submit job '" + submission.name() + "'";

        CompletableFuture<SubmittedJob> attempts = retrier.run(operation, () -> {
            if (uncertain.get()) {
                Optional<Long> found = lookUpUntilSettled(marker, submission.name(), newestBefore, started, uncertainEnded.get(), notIt, settledAt, unanswered);
                if (found.isPresent()) {
                    log.warn("{}: the answer to an earlier attempt was lost, but slurmctld has job {} with its submit key {}; "
                            + "adopting it instead of submitting again", operation, found.get(), key);
                    metrics.submission("adopted");
                    return new SubmittedJob(found.get(), key, true, posts.get(), List.of());
                }
            }
            posts.incrementAndGet();
            try {
                ApiAdapter.Submitted answer = api().submit(submission, marker);
                newestSubmitted.accumulateAndGet(answer.jobId(), Math::max);
                answered.add(answer.jobId());
                log.debug("{}: job {} (submit key {})", operation, answer.jobId(), key);
                metrics.submission("created");
                return new SubmittedJob(answer.jobId(), key, false, posts.get(), answer.warnings());
            } catch (SlurmUnreachableException e) {
                if (e.mayHaveReachedServer()) {
                    uncertain.set(true);
                    uncertainEnded.set(clock.instant());
                }
                throw e;
            } catch (SlurmResponseException e) {
                uncertain.set(true);
                uncertainEnded.set(clock.instant());
                throw e;
            } catch (SlurmRejectedException e) {
                if (e.errors().isEmpty() && e.httpStatus().orElse(0) >= 502) {
                    uncertain.set(true); // a proxy's 502/504: slurmrestd may have acted
                    uncertainEnded.set(clock.instant());
                } else if (e.isRetryable() && !e.hasErrorNumber(1800)) {
                    // the connection to slurmctld broke mid-RPC (reset, receive error, timeout): the job
                    // may exist. Only a failure to connect at all (1800) is known to have created nothing.
                    uncertain.set(true);
                    uncertainEnded.set(clock.instant());
                }
                throw e;
            }
        });

        // a failure is handled on a worker thread (it may wait while the submission settles); an
        // answer is passed on where it arrived (a hop to another thread cost 30-40 us a submit)
        return attempts.exceptionallyComposeAsync(failure -> {
            Throwable cause = Retrier.unwrap(failure);
            if (!uncertain.get()) {
                metrics.submission("failed");
                return CompletableFuture.<SubmittedJob>failedFuture(cause);
            }
            // the last attempt may have created the job, or may still create it inside slurmrestd:
            // look until it has settled before giving up (on a worker thread: this may wait)
            return retrier.run("find job by submit key",
                            () -> lookUpUntilSettled(marker, submission.name(), newestBefore, started, uncertainEnded.get(), notIt, settledAt, unanswered))
                    .handle((found, lookupFailure) -> {
                        if (lookupFailure == null && found.isPresent()) {
                            log.warn("{}: adopting job {} found by submit key {} after the last attempt failed ({})",
                                    operation, found.get(), key, cause.getMessage());
                            metrics.submission("adopted");
                            return new SubmittedJob(found.get(), key, true, posts.get(), List.of());
                        }
                        metrics.submission("failed");
                        if (lookupFailure == null && cause instanceof SlurmUnreachableException) {
                            // settled: every lookup answered, none found it, so the job was never created
                            throw new CompletionException(new SlurmUnreachableException(cause.getMessage()
                                    + ". No job was created: its submit key was looked for until the submission had settled "
                                    + "(" + (submitSettle.toMillis() % 1000 == 0 ? submitSettle.toSeconds() + " s" : submitSettle.toMillis() + " ms")
                                    + " of answered lookups), so submitting it again is safe", false, cause)
                                    .withAttempts(posts.get()));
                        }
                        if (lookupFailure == null) {
                            throw new CompletionException(cause);
                        }
                        SlurmException unknown = new SlurmUnreachableException(operation + " may or may "
                                + "not have created a job: the submission failed (" + cause.getMessage() + ") and looking "
                                + "for its submit key failed too (" + Retrier.unwrap(lookupFailure).getMessage()
                                + "). Before submitting again, look for a job whose comment is '" + marker + "'", true, cause)
                                .withAttempts(posts.get());
                        throw new CompletionException(unknown);
                    });
        }, workers);
    }

    /**
     * {@link #lookUp}, again every {@link #SETTLE_POLL} while it finds nothing, until {@code
     * submitSettle} has passed since the uncertain attempt ended with every lookup answered. A
     * request whose answer the client gave up on may still be inside slurmrestd: under slurmctld's
     * rate limit the Slurm library there sleeps and retries, so the job can appear many seconds
     * later. A lookup that gets no answer in time shows that slurmrestd is that slow right now, so
     * the settle time starts again from it. Only a job that has not appeared through a whole settle
     * time of answered lookups may be submitted again. Once the time has passed, a failed lookup is
     * the answer (a retry of the call looks again). Lookups that go unanswered for {@code
     * submitTimeout} in a row (slurmrestd down, or too slow to answer any) end the wait with their
     * error: the job's fate is then unknown, and the caller is told the submit key to look for.
     * Waits are timed on the retry scheduler.
     */
    private Optional<Long> lookUpUntilSettled(String marker, String name, long newerThan, Instant since, Instant uncertainEnded,
            Set<Long> notIt, AtomicReference<Instant> settledAt, AtomicReference<Instant> unanswered) {
        settledAt.accumulateAndGet(uncertainEnded.plus(submitSettle), (a, b) -> a.isAfter(b) ? a : b);
        while (true) {
            try {
                Optional<Long> found = lookUp(marker, name, newerThan, since, notIt);
                unanswered.set(null);
                if (found.isPresent() || !clock.instant().isBefore(settledAt.get())) {
                    return found;
                }
            } catch (SlurmException e) {
                Instant now = clock.instant();
                boolean settled = !now.isBefore(settledAt.get());
                settledAt.set(now.plus(submitSettle));
                unanswered.compareAndSet(null, now);
                boolean outOfPatience = !now.isBefore(unanswered.get().plus(submitTimeout));
                if (!e.isRetryable() || settled || outOfPatience) {
                    throw e;
                }
            }
            Duration wait = Duration.between(clock.instant(), settledAt.get());
            wait = wait.compareTo(SETTLE_POLL) > 0 ? SETTLE_POLL : wait;
            if (!wait.isNegative() && !wait.isZero()) {
                try {
                    scheduler.schedule(() -> { }, wait.toMillis(), TimeUnit.MILLISECONDS).get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SlurmUnreachableException("interrupted while waiting for an uncertain submission of '" + name
                            + "' to settle; before submitting again, look for a job whose comment is '" + marker + "'", true, e);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.RejectedExecutionException e) {
                    throw new SlurmUnreachableException("the client was closed while an uncertain submission of '" + name
                            + "' settled; before submitting again, look for a job whose comment is '" + marker + "'", true, e);
                }
            }
        }
    }

    @Override
    public Optional<Long> findBySubmitKey(String submitKey, Instant since) {
        Objects.requireNonNull(submitKey, "submitKey == null");
        Objects.requireNonNull(since, "since == null");
        ensureVersion();
        String marker = submitKey.startsWith(SUBMIT_KEY_PREFIX) ? submitKey : SUBMIT_KEY_PREFIX + submitKey;
        return retrier.call("find job by submit key", () -> lookUp(marker, null, 0, since, null));
    }

    /**
     * The id of the job carrying this submit-key comment, from slurmctld, else from slurmdbd; the
     * job's name and the newest job id this client had been answered before, when known, narrow
     * the search (see {@link VersionAdapter#liveJobWithComment}). For a submission of this client
     * ({@code notIt} not null), jobs whose answer this client got and jobs an earlier lookup read
     * (kept in {@code notIt}) are another submission's and are not read again.
     */
    private Optional<Long> lookUp(String marker, String name, long newerThan, Instant since, Set<Long> notIt) {
        Instant from = since.minus(LOOKUP_SLACK);
        SlurmException liveFailure = null;
        try {
            Optional<Long> live = notIt == null
                    ? api().liveJobWithComment(marker, newerThan, from, id -> false, id -> { })
                    : api().liveJobWithComment(marker, newerThan, from, id -> answered.contains(id) || notIt.contains(id), notIt::add);
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
        List<Long> recorded = api().accountingJobsWithComment(marker, name, ago(from));
        if (!recorded.isEmpty()) {
            return Optional.of(recorded.get(0));
        }
        if (liveFailure != null) {
            throw liveFailure; // slurmdbd may lag behind slurmctld: not finding it there proves nothing
        }
        return Optional.empty();
    }

    private Duration ago(Instant past) {
        Duration d = Duration.between(past, clock.instant());
        return d.isNegative() ? Duration.ofSeconds(1) : d;
    }

    // ------------------------------------------------------------------ cancel

    @Override
    public void cancel(long jobId) {
        ensureVersion();
        retrier.call("cancel job " + jobId, () -> {
            api().cancel(jobId);
            return null;
        });
    }

    @Override
    public void cancel(Collection<Long> jobIds) {
        if (jobIds.isEmpty()) {
            return;
        }
        ensureVersion();
        List<Long> ids = List.copyOf(jobIds);
        retrier.call("cancel " + ids.size() + " jobs", () -> {
            api().cancel(ids);
            return null;
        });
    }

    @Override
    public void requeue(long jobId) {
        ensureVersion();
        ApiAdapter a = api();
        retrier.call("requeue job " + jobId, () -> {
            a.requeue(jobId);
            return null;
        });
    }

    @Override
    public void close() {
        if (ownScheduler != null) {
            ownScheduler.shutdownNow();
        }
        workers.shutdown();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Override
    public String toString() {
        ApiAdapter a = versions.chosen();
        return "SlurmClient[" + baseUrl + ", " + (a == null ? "API version not chosen yet" : a.version()) + "]";
    }
}
