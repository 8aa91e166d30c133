package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.client.v0040.api.SlurmApi;
import ai.ringrift.slurm.client.v0040.api.SlurmdbApi;
import ai.ringrift.slurm.client.v0040.model.V0040Job;
import ai.ringrift.slurm.client.v0040.model.V0040JobInfo;
import ai.ringrift.slurm.client.v0040.model.V0040KillJobsMsg;
import ai.ringrift.slurm.client.v0040.model.V0040OpenapiJobSubmitResponse;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import retrofit2.Call;
import retrofit2.Retrofit;
import retrofit2.converter.jackson.JacksonConverterFactory;
import retrofit2.converter.scalars.ScalarsConverterFactory;

/**
 * A client for slurmrestd (data parser v0.0.40) that callers use without touching HTTP: JWT
 * authentication, retries that never submit a job twice, and errors that say what to fix.
 * Thread-safe; share one per service. Made with {@link #builder()}.
 */
public final class SlurmRestClient implements AutoCloseable {

    /** Prefix of the job comment that carries the submit key; a job found with it is adopted, not resubmitted. */
    public static final String SUBMIT_KEY_PREFIX = "ringrift-submit-key=";

    private static final Logger log = LoggerFactory.getLogger(SlurmRestClient.class);

    private final HttpUrl baseUrl;
    private final OkHttpClient http;
    private final SlurmApi slurm;
    private final SlurmdbApi slurmdb;
    private final V0040Fixes fixes;
    private final Exchanges exchanges;
    private final Retrier retrier;
    private final Clock clock;
    private final ScheduledExecutorService ownScheduler;
    private final TokenSource tokens;
    private final SlurmMetrics metrics;
    private final AtomicBoolean versionChecked = new AtomicBoolean();
    /** /jobs/state/ ids already warned about: each odd row is logged once, not every round. */
    private final java.util.Set<String> oddRows = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final boolean checkVersion;

    private SlurmRestClient(Builder b, HttpUrl baseUrl) {
        this.baseUrl = baseUrl;
        this.clock = b.clock;
        this.checkVersion = b.checkVersion;
        this.tokens = b.tokens;
        ObjectMapper json = objectMapper();
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .connectTimeout(b.connectTimeout)
                .readTimeout(b.readTimeout)
                .writeTimeout(b.readTimeout)
                .callTimeout(b.callTimeout)
                .connectionPool(new ConnectionPool(b.maxIdleConnections, b.keepAlive.toMillis(), TimeUnit.MILLISECONDS))
                // OkHttp would otherwise resend a POST on a broken pooled connection by itself, and a
                // job could be submitted twice; every retry goes through Retrier and the submit-key check.
                .retryOnConnectionFailure(false)
                .addInterceptor(new AuthInterceptor(b.tokens, b.userName))
                // the network interceptor sees each request that goes on the wire, retries included
                .addNetworkInterceptor(new MetricsInterceptor(b.metrics));
        if (b.caFile != null) {
            X509TrustManager trust = trustManager(b.caFile);
            http.sslSocketFactory(sslContext(trust).getSocketFactory(), trust);
        }
        this.http = http.build();
        Retrofit retrofit = new Retrofit.Builder()
                .baseUrl(baseUrl)
                .client(this.http)
                .addConverterFactory(ScalarsConverterFactory.create())
                .addConverterFactory(JacksonConverterFactory.create(json))
                .build();
        this.slurm = retrofit.create(SlurmApi.class);
        this.slurmdb = retrofit.create(SlurmdbApi.class);
        this.fixes = retrofit.create(V0040Fixes.class);
        this.exchanges = new Exchanges(json, b.tokens, b.clock);
        ScheduledExecutorService scheduler = b.retryScheduler;
        if (scheduler == null) {
            scheduler = Executors.newScheduledThreadPool(2, r -> {
                Thread t = new Thread(r, "slurm-rest-retry");
                t.setDaemon(true);
                return t;
            });
            this.ownScheduler = scheduler;
        } else {
            this.ownScheduler = null;
        }
        this.retrier = new Retrier(b.retryPolicy, b.clock, scheduler, b.metrics);
        this.metrics = b.metrics;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The JSON mapper for v0.0.40: lenient on fields a newer server adds, no empty lists when writing. */
    static ObjectMapper objectMapper() {
        return new ObjectMapper()
                .findAndRegisterModules()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .setSerializationInclusion(JsonInclude.Include.NON_EMPTY);
    }

    public URI baseUrl() {
        return baseUrl.uri();
    }

    /** When the token now in use expires, if that can be read from it. */
    public Optional<Instant> tokenExpiry() {
        return tokens.current().expiresAt();
    }

    /** Whether the token source can get a fresh token when one is refused (a key or a rotated file can; a fixed token cannot). */
    public boolean tokensRenewable() {
        return tokens.renewable();
    }

    /** Where this client reports what it does (the builder's {@code metrics}, {@link SlurmMetrics#NONE} by default). */
    public SlurmMetrics metrics() {
        return metrics;
    }

    /** Where the client's tokens come from (never the token itself). */
    public String tokenSourceDescription() {
        return tokens.describe();
    }

    // ------------------------------------------------------------------ version

    /**
     * Confirms that the server serves {@code /slurm/v0.0.40} and {@code /slurmdb/v0.0.40}. Runs once,
     * before the first call, unless the builder turned it off.
     */
    public ServerInfo checkVersion() {
        ServerInfo info;
        try {
            info = retrier.call("ping", () -> pingOnce());
        } catch (SlurmRejectedException e) {
            if (e.httpStatus().orElse(0) == 404) {
                throw new SlurmVersionException(missing("/slurm/v0.0.40", "slurmctld"));
            }
            throw e;
        }
        try {
            retrier.call("list TRES", () -> exchanges.execute(slurmdb.slurmdbV0040GetTres(), true));
        } catch (SlurmRejectedException e) {
            if (e.httpStatus().orElse(0) == 404) {
                throw new SlurmVersionException(missing("/slurmdb/v0.0.40", "slurmdbd"));
            }
            throw e;
        }
        versionChecked.set(true);
        log.info("slurmrestd at {} serves v0.0.40 (Slurm {}, cluster {})", baseUrl, info.slurmRelease(), info.cluster());
        return info;
    }

    private String missing(String prefix, String plugin) {
        return "slurmrestd at " + baseUrl + " does not serve " + prefix + ": this client speaks data parser v0.0.40, "
                + "which Slurm 23.11, 24.05 and 24.11 serve (Slurm 25.11 and later do not). Run slurmrestd of one of "
                + "those releases with -s openapi/slurmctld,openapi/slurmdbd (" + plugin + " answers " + prefix + ")";
    }

    private void ensureVersion() {
        if (checkVersion && !versionChecked.get()) {
            synchronized (versionChecked) {
                if (!versionChecked.get()) {
                    checkVersion();
                }
            }
        }
    }

    // ------------------------------------------------------------------ reads

    /** Pings slurmctld through slurmrestd. */
    public ServerInfo ping() {
        ensureVersion();
        return retrier.call("ping", this::pingOnce);
    }

    private ServerInfo pingOnce() {
        var answer = exchanges.execute(slurm.slurmV0040GetPing(), true);
        var meta = answer.getMeta();
        boolean up = answer.getPings() != null && answer.getPings().stream().anyMatch(p -> "UP".equals(p.getPinged()));
        String release = meta == null || meta.getSlurm() == null ? "" : meta.getSlurm().getRelease();
        String cluster = meta == null || meta.getSlurm() == null ? "" : meta.getSlurm().getCluster();
        String parser = meta == null || meta.getPlugin() == null ? "" : meta.getPlugin().getDataParser();
        return new ServerInfo(release, cluster, parser, up);
    }

    /**
     * Every record slurmctld has for {@code jobId}: one for a plain job, one per task for an array.
     * Empty when slurmctld no longer has the job (it may have finished and left: see {@link #accountingJobs}).
     */
    public List<JobInfo> jobs(long jobId) {
        ensureVersion();
        try {
            var answer = retrier.call("get job " + jobId,
                    () -> exchanges.execute(slurm.slurmV0040GetJob(String.valueOf(jobId), null, null), true));
            return answer.getJobs() == null ? List.of()
                    : answer.getJobs().stream().map(V0040Mapping::fromController).toList();
        } catch (SlurmRejectedException e) {
            if (e.hasErrorNumber(2017)) { // ESLURM_INVALID_JOB_ID: not (or no longer) in slurmctld
                return List.of();
            }
            throw e;
        }
    }

    /** The job as slurmctld has it, if it still does. */
    public Optional<JobInfo> job(long jobId) {
        return jobs(jobId).stream().filter(j -> j.jobId() == jobId).findFirst();
    }

    /** What slurmdbd recorded for {@code jobId} (for an array id: every task). Empty when it has nothing yet. */
    public List<JobInfo> accountingJobs(long jobId) {
        ensureVersion();
        var answer = retrier.call("get accounting job " + jobId,
                () -> exchanges.execute(slurmdb.slurmdbV0040GetJob(String.valueOf(jobId)), true));
        return answer.getJobs() == null ? List.of() : answer.getJobs().stream().map(V0040Mapping::fromAccounting).toList();
    }

    /**
     * What slurmdbd recorded for these jobs (for an array id: every task), in ONE request, whatever
     * their number. Jobs slurmdbd has nothing for yet are simply absent.
     */
    public List<JobInfo> accountingJobs(Collection<Long> jobIds) {
        if (jobIds.isEmpty()) {
            return List.of();
        }
        ensureVersion();
        List<String> ids = jobIds.stream().map(String::valueOf).toList();
        var answer = retrier.call("get accounting jobs", () -> exchanges.execute(fixes.accountingJobsById(ids, "true"), true));
        return answer.getJobs() == null ? List.of() : answer.getJobs().stream().map(V0040Mapping::fromAccounting).toList();
    }

    /**
     * What slurmdbd recorded for jobs with this name submitted since {@code since} (one record per job,
     * per array task). Handy to check that a piece of work ran exactly once.
     */
    public List<JobInfo> accountingJobsNamed(String name, Instant since) {
        ensureVersion();
        String from = relativeTime(since);
        var answer = retrier.call("find accounting jobs named " + name, () -> exchanges.execute(slurmdb.slurmdbV0040GetJobs(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, name, null, null, null, null, null, null, null, null, null, null, null, null,
                from, null, null, null, null), true));
        return answer.getJobs() == null ? List.of() : answer.getJobs().stream().map(V0040Mapping::fromAccounting)
                .filter(j -> j.name().equals(name)).toList();
    }

    /** The light state of every job slurmctld has: one request, ids and states only. */
    public List<JobStateEntry> jobStates() {
        return jobStates(List.of());
    }

    /**
     * The light state of these jobs (all of slurmctld's when empty): one request. Jobs that have left
     * slurmctld are simply absent. For many ids, asking for all jobs is cheaper than a long URL.
     */
    public List<JobStateEntry> jobStates(Collection<Long> jobIds) {
        ensureVersion();
        List<String> ids = jobIds.isEmpty() ? null : jobIds.stream().map(String::valueOf).toList();
        try {
            var answer = retrier.call("get job states", () -> exchanges.execute(fixes.jobsState(ids), true));
            if (answer.jobs() == null) {
                return List.of();
            }
            List<JobStateEntry> rows = new ArrayList<>(answer.jobs().size());
            for (var row : answer.jobs()) {
                JobStateEntry entry = V0040Mapping.stateEntry(row);
                if (entry == null) {
                    if (oddRows.add(String.valueOf(row.jobId()))) {
                        log.warn("slurmrestd sent a /jobs/state/ row whose job_id '{}' names no job; left out (logged once)",
                                row.jobId());
                    }
                } else {
                    rows.add(entry);
                }
            }
            return rows;
        } catch (SlurmRejectedException e) {
            if (e.hasErrorNumber(2017)) {
                return List.of();
            }
            throw e;
        }
    }

    /** The user's associations in slurmdbd: which accounts (and qos) the user may submit with. */
    public List<Association> associations(String user) {
        ensureVersion();
        var answer = retrier.call("list associations of " + user, () -> exchanges.execute(slurmdb.slurmdbV0040GetAssociations(
                null, null, null, null, null, null, null, null, null, null, null, user, null, null, null, null, null, null), true));
        return answer.getAssociations() == null ? List.of() : answer.getAssociations().stream()
                .map(a -> new Association(a.getUser(), a.getAccount(), a.getCluster(), a.getPartition(),
                        a.getQos() == null ? List.of() : a.getQos(), a.getDefault() == null ? null : a.getDefault().getQos()))
                .toList();
    }

    public List<PartitionInfo> partitions() {
        ensureVersion();
        var answer = retrier.call("list partitions", () -> exchanges.execute(slurm.slurmV0040GetPartitions(null, null), true));
        return answer.getPartitions() == null ? List.of() : answer.getPartitions().stream().map(V0040Mapping::partition).toList();
    }

    public List<NodeInfo> nodes() {
        ensureVersion();
        var answer = retrier.call("list nodes", () -> exchanges.execute(slurm.slurmV0040GetNodes(null, null), true));
        return answer.getNodes() == null ? List.of() : answer.getNodes().stream().map(V0040Mapping::node).toList();
    }

    // ------------------------------------------------------------------ submit

    /** Submits a batch job; blocks until slurmctld accepted it or the submission failed for good. */
    public SubmittedJob submit(JobSubmission submission) {
        return Retrier.join(submitAsync(submission));
    }

    /**
     * Submits a batch job. The job carries a unique submit key in its comment; when an attempt fails
     * after the request may have reached the server, the client looks for a job with that key before
     * it sends the request again, and adopts it if it exists. A job is never submitted twice.
     */
    public CompletableFuture<SubmittedJob> submitAsync(JobSubmission submission) {
        Objects.requireNonNull(submission, "submission == null");
        ensureVersion();
        String key = submission.submitKey().orElseGet(() -> UUID.randomUUID().toString());
        String marker = SUBMIT_KEY_PREFIX + key;
        var request = V0040Mapping.toRequest(submission, marker);
        Instant started = clock.instant();
        AtomicBoolean uncertain = new AtomicBoolean();
        AtomicInteger posts = new AtomicInteger();
        String operation = "submit job '" + submission.name() + "'";

        CompletableFuture<SubmittedJob> attempts = retrier.run(operation, () -> {
            if (uncertain.get()) {
                Optional<Long> found = findBySubmitKey(marker, started);
                if (found.isPresent()) {
                    log.warn("{}: the answer to an earlier attempt was lost, but slurmctld has job {} with its submit key {}; "
                            + "adopting it instead of submitting again", operation, found.get(), key);
                    metrics.submission("adopted");
                    return new SubmittedJob(found.get(), key, true, posts.get(), List.of());
                }
            }
            posts.incrementAndGet();
            try {
                V0040OpenapiJobSubmitResponse answer = exchanges.execute(slurm.slurmV0040PostJobSubmit(request), false);
                Integer jobId = answer.getJobId();
                if (jobId == null || jobId <= 0) {
                    throw new SlurmResponseException("slurmrestd accepted " + operation + " but sent no job id", 200, null);
                }
                List<String> warnings = answer.getWarnings() == null ? List.of()
                        : answer.getWarnings().stream().map(w -> String.valueOf(w.getDescription())).toList();
                log.debug("{}: job {} (submit key {})", operation, jobId, key);
                metrics.submission("created");
                return new SubmittedJob(jobId, key, false, posts.get(), warnings);
            } catch (SlurmUnreachableException e) {
                if (e.mayHaveReachedServer()) {
                    uncertain.set(true);
                }
                throw e;
            } catch (SlurmResponseException e) {
                uncertain.set(true);
                throw e;
            } catch (SlurmRejectedException e) {
                if (e.errors().isEmpty() && e.httpStatus().orElse(0) >= 502) {
                    uncertain.set(true); // a proxy's 502/504: slurmrestd may have acted
                } else if (e.isRetryable() && !e.hasErrorNumber(1800)) {
                    // the connection to slurmctld broke mid-RPC (reset, receive error, timeout): the job
                    // may exist. Only a failure to connect at all (1800) is known to have created nothing.
                    uncertain.set(true);
                }
                throw e;
            }
        });

        return attempts.handle((job, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(job);
            }
            Throwable cause = Retrier.unwrap(failure);
            if (!uncertain.get()) {
                metrics.submission("failed");
                return CompletableFuture.<SubmittedJob>failedFuture(cause);
            }
            // the last attempt may have created the job: look once more before giving up
            // (composed, never joined: this may run on a retry-scheduler thread)
            return retrier.run("find job by submit key", () -> findBySubmitKey(marker, started))
                    .handle((found, lookupFailure) -> {
                        if (lookupFailure == null && found.isPresent()) {
                            log.warn("{}: adopting job {} found by submit key {} after the last attempt failed ({})",
                                    operation, found.get(), key, cause.getMessage());
                            metrics.submission("adopted");
                            return new SubmittedJob(found.get(), key, true, posts.get(), List.of());
                        }
                        metrics.submission("failed");
                        if (lookupFailure == null) {
                            throw new java.util.concurrent.CompletionException(cause);
                        }
                        SlurmUnreachableException unknown = new SlurmUnreachableException(operation + " may or may "
                                + "not have created a job: the submission failed (" + cause.getMessage() + ") and looking "
                                + "for its submit key failed too (" + Retrier.unwrap(lookupFailure).getMessage()
                                + "). Before submitting again, look for a job whose comment is '" + marker + "'", true, cause);
                        unknown.recordAttempts(posts.get());
                        throw new java.util.concurrent.CompletionException(unknown);
                    });
        }).thenCompose(f -> f);
    }

    /** The id of the job carrying this submit-key comment, from slurmctld, else from slurmdbd. */
    Optional<Long> findBySubmitKey(String marker, Instant since) {
        var live = exchanges.execute(slurm.slurmV0040GetJobs(null, null), true);
        if (live.getJobs() != null) {
            Optional<Long> found = live.getJobs().stream()
                    .filter(j -> marker.equals(j.getComment()))
                    .map(V0040JobInfo::getJobId)
                    .filter(Objects::nonNull)
                    .map(Integer::longValue)
                    .min(Long::compare);
            if (found.isPresent()) {
                return found;
            }
        }
        // it may have run and left slurmctld already. slurmdbd's query takes relative times
        // ("now-600seconds"); it answers 422 to epoch seconds.
        String from = relativeTime(since.minus(Duration.ofMinutes(5)));
        var recorded = exchanges.execute(slurmdb.slurmdbV0040GetJobs(null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, from, null, null, null, null), true);
        if (recorded.getJobs() == null) {
            return Optional.empty();
        }
        return recorded.getJobs().stream()
                .filter(j -> j.getComment() != null && marker.equals(j.getComment().getJob()))
                .map(V0040Job::getJobId)
                .filter(Objects::nonNull)
                .map(Integer::longValue)
                .min(Long::compare);
    }

    /** Slurm's relative time for an instant in the past: "now-600seconds". */
    private String relativeTime(Instant past) {
        long seconds = Math.max(1, Duration.between(past, clock.instant()).getSeconds());
        return "now-" + seconds + "seconds";
    }

    // ------------------------------------------------------------------ cancel

    /** Cancels one job (for an array id: the whole array). A job that has already ended is left as it is. */
    public void cancel(long jobId) {
        ensureVersion();
        try {
            retrier.call("cancel job " + jobId,
                    () -> exchanges.execute(slurm.slurmV0040DeleteJob(String.valueOf(jobId), null, null), true));
        } catch (SlurmRejectedException e) {
            if (e.hasErrorNumber(2017) || e.hasErrorNumber(2021)) { // unknown, or already completed
                log.debug("cancel job {}: {}", jobId, e.getMessage());
                return;
            }
            throw e;
        }
    }

    /** Cancels these jobs in one request. */
    public void cancel(Collection<Long> jobIds) {
        if (jobIds.isEmpty()) {
            return;
        }
        ensureVersion();
        List<String> ids = new ArrayList<>();
        jobIds.forEach(id -> ids.add(String.valueOf(id)));
        V0040KillJobsMsg message = new V0040KillJobsMsg().jobs(ids);
        retrier.call("cancel " + ids.size() + " jobs", () -> exchanges.execute(fixes.deleteJobs(message), true));
    }

    @Override
    public void close() {
        if (ownScheduler != null) {
            ownScheduler.shutdownNow();
        }
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Override
    public String toString() {
        return "SlurmRestClient[" + baseUrl + "]";
    }

    // ------------------------------------------------------------------ TLS

    private static X509TrustManager trustManager(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new SlurmUsageException("the CA file " + caFile + " holds no certificate (PEM expected)");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate cert : certs) {
                store.setCertificateEntry("ca-" + i++, cert);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return (X509TrustManager) factory.getTrustManagers()[0];
        } catch (IOException e) {
            throw new SlurmUsageException("cannot read the CA file " + caFile + ": " + e, e);
        } catch (GeneralSecurityException e) {
            throw new SlurmUsageException("the CA file " + caFile + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    private static SSLContext sslContext(X509TrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new SlurmUsageException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ builder

    public static final class Builder {
        private String baseUrl;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);
        private Duration callTimeout = Duration.ofSeconds(90);
        private int maxIdleConnections = 8;
        private Duration keepAlive = Duration.ofMinutes(5);
        private Path caFile;
        private String userName;
        private TokenSource tokens;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private Clock clock = Clock.systemUTC();
        private ScheduledExecutorService retryScheduler;
        private boolean checkVersion = true;
        private SlurmMetrics metrics = SlurmMetrics.NONE;

        private Builder() {}

        /** slurmrestd's URL, e.g. {@code http://127.0.0.1:6820}. */
        public Builder baseUrl(String url) { this.baseUrl = url; return this; }
        public Builder connectTimeout(Duration d) { this.connectTimeout = positive(d, "connectTimeout"); return this; }
        /** How long to wait for an answer once the request is sent (default 60 s). */
        public Builder readTimeout(Duration d) { this.readTimeout = positive(d, "readTimeout"); return this; }
        /** The whole of one request, connecting and reading included (default 90 s). */
        public Builder callTimeout(Duration d) { this.callTimeout = positive(d, "callTimeout"); return this; }
        public Builder connectionPool(int maxIdleConnections, Duration keepAlive) {
            if (maxIdleConnections < 1) {
                throw new SlurmUsageException("the connection pool needs at least 1 idle connection, not " + maxIdleConnections);
            }
            this.maxIdleConnections = maxIdleConnections;
            this.keepAlive = positive(keepAlive, "keepAlive");
            return this;
        }
        /** A PEM file of CA certificates to trust for https URLs, instead of the JVM's. */
        public Builder trustedCaFile(Path caFile) { this.caFile = caFile; return this; }
        /** Sent as X-SLURM-USER-NAME, for a token whose user may act for others. */
        public Builder userName(String userName) { this.userName = userName == null || userName.isBlank() ? null : userName; return this; }
        public Builder tokenSource(TokenSource tokens) { this.tokens = tokens; return this; }
        public Builder retryPolicy(RetryPolicy policy) { this.retryPolicy = Objects.requireNonNull(policy, "retryPolicy == null"); return this; }
        public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock, "clock == null"); return this; }
        /** Where retry waits are scheduled (default: a small daemon pool the client owns). */
        public Builder retryScheduler(ScheduledExecutorService scheduler) { this.retryScheduler = scheduler; return this; }
        /** Whether the first call confirms that the server serves v0.0.40 (default true). */
        public Builder checkVersion(boolean check) { this.checkVersion = check; return this; }
        /** Where to report requests, retries and submissions (default {@link SlurmMetrics#NONE}). */
        public Builder metrics(SlurmMetrics metrics) { this.metrics = Objects.requireNonNull(metrics, "metrics == null"); return this; }

        public SlurmRestClient build() {
            if (baseUrl == null || baseUrl.isBlank()) {
                throw new SlurmUsageException("no slurmrestd URL given; set it like http://HOST:6820");
            }
            HttpUrl url = HttpUrl.parse(baseUrl.trim());
            if (url == null) {
                throw new SlurmUsageException("the slurmrestd URL '" + baseUrl + "' is not an http:// or https:// URL; "
                        + "write it like http://HOST:6820");
            }
            if (!url.encodedPath().endsWith("/")) {
                url = url.newBuilder().addPathSegment("").build();
            }
            if (tokens == null) {
                throw new SlurmUsageException("no token source given: use TokenSources.fixed, environment, file or jwtKey");
            }
            if (caFile != null && !Files.isReadable(caFile)) {
                throw new SlurmUsageException("the CA file " + caFile + " does not exist or cannot be read");
            }
            if (caFile != null && !url.isHttps()) {
                log.warn("a CA file is set but the URL {} is not https; the CA file is not used", url);
            }
            return new SlurmRestClient(this, url);
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new SlurmUsageException(name + " must be a positive duration, not " + d);
            }
            return d;
        }
    }
}
