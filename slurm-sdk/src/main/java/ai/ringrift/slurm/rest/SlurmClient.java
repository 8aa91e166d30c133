package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.rest.internal.ClientSettings;
import ai.ringrift.slurm.rest.internal.DefaultSlurmClient;
import ai.ringrift.slurm.rest.internal.Retrier;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import okhttp3.HttpUrl;

/**
 * A client for slurmrestd that callers use without touching HTTP: JWT authentication, retries that
 * never submit a job twice, and errors by category that say what to fix. It knows no API version
 * in its types: below it, one adapter per slurmrestd data parser version does the talking.
 * Thread-safe; share one per service. Made with {@link #builder()}; an interface, so a service's
 * own tests can fake it.
 */
public interface SlurmClient extends AutoCloseable {

    /** Prefix of the job comment that carries the submit key; a job found with it is adopted, not resubmitted. */
    String SUBMIT_KEY_PREFIX = "slurm-sdk-submit-key=";

    static Builder builder() {
        return new Builder();
    }

    /** slurmrestd's URL. */
    URI baseUrl();

    /**
     * The data parser version in use; confirms on first use that the server serves it (one ping
     * and one slurmdbd read, once per client).
     */
    ApiVersion apiVersion();

    /** When the token now in use expires, if that can be read from it. */
    Optional<Instant> tokenExpiry();

    /** Whether the token source can get a fresh token when one is refused (a key or a rotated file can; a fixed token cannot). */
    boolean tokensRenewable();

    /** Where the client's tokens come from (never the token itself). */
    String tokenSourceDescription();

    /** Where this client reports what it does. */
    SlurmMetrics metrics();

    /**
     * Confirms that the server serves the API version this client uses, with slurmctld and
     * slurmdbd. Runs once, before the first call, unless the builder turned it off.
     */
    ServerInfo checkVersion();

    /** Pings slurmctld through slurmrestd. */
    ServerInfo ping();

    /**
     * Reads slurmdbd through slurmrestd: its TRES list, one small request. slurmctld's
     * {@link #ping()} says nothing of slurmdbd, which every final record and every lookup of a lost
     * submission answer needs; a health check calls both.
     *
     * @throws SlurmServiceException when slurmrestd cannot reach slurmdbd
     */
    void pingAccounting();

    /**
     * Every record slurmctld has for {@code jobId}: one for a plain job, one per task for an array.
     * Empty when slurmctld no longer has the job (it may have finished and left: see {@link #accountingJobs}).
     */
    List<JobInfo> jobs(long jobId);

    /** The job as slurmctld has it, if it still does. */
    default Optional<JobInfo> job(long jobId) {
        return jobs(jobId).stream().filter(j -> j.jobId() == jobId).findFirst();
    }

    /** What slurmdbd recorded for {@code jobId} (for an array id: every task). Empty when it has nothing yet. */
    default List<JobInfo> accountingJobs(long jobId) {
        return accountingJobs(List.of(jobId));
    }

    /**
     * What slurmdbd recorded for these jobs (for an array id: every task), in one request for up
     * to 200 ids (more go in requests of 200 each: slurmrestd refuses a longer request line). Jobs
     * slurmdbd has nothing for yet are simply absent.
     */
    List<JobInfo> accountingJobs(Collection<Long> jobIds);

    /**
     * What slurmdbd recorded for jobs with this name submitted since {@code since} (one record per job,
     * per array task). Handy to check that a piece of work ran exactly once.
     */
    List<JobInfo> accountingJobsNamed(String name, Instant since);

    /** The light state of every job slurmctld has: one request, ids and states only. */
    default List<JobStateEntry> jobStates() {
        return jobStates(List.of());
    }

    /**
     * The light state of these jobs (all of slurmctld's when empty): one request. Jobs that have left
     * slurmctld are simply absent.
     */
    List<JobStateEntry> jobStates(Collection<Long> jobIds);

    /** The user's associations in slurmdbd: which accounts (and qos) the user may submit with. */
    List<Association> associations(String user);

    List<PartitionInfo> partitions();

    List<NodeInfo> nodes();

    /** Submits a batch job; blocks until slurmctld accepted it or the submission failed for good. */
    default SubmittedJob submit(JobSubmission submission) {
        return Retrier.join(submitAsync(submission));
    }

    /**
     * Submits a batch job. The job carries a unique submit key in its comment; when an attempt fails
     * after the request may have reached the server, the client looks for a job with that key before
     * it sends the request again, and adopts it if it exists. A job is never submitted twice.
     */
    CompletableFuture<SubmittedJob> submitAsync(JobSubmission submission);

    /**
     * The job submitted with this submit key since {@code since}, from slurmctld, else from slurmdbd:
     * how a restarted service finds a job whose id it did not get to persist.
     */
    Optional<Long> findBySubmitKey(String submitKey, Instant since);

    /** Cancels one job (for an array id: the whole array). A job that has already ended is left as it is. */
    void cancel(long jobId);

    /** Cancels these jobs in one request. */
    void cancel(Collection<Long> jobIds);

    /**
     * Asks slurmctld to requeue a job (for an array id: its tasks): it keeps its id and goes back to
     * PENDING, so a watcher of the id follows it on, where resubmitting would make a new job. Served
     * through REST from data parser v0.0.45 (Slurm 26.05); with an older version the call fails with
     * a {@link SlurmUsageException} that says which version and release serve it. A job that is
     * already pending is left as it is (Slurm's 2024, "Job is pending execution"), so a retry after a
     * lost answer is harmless; an unknown job is refused with 2017.
     */
    void requeue(long jobId);

    /** A waiter for jobs of this client to reach a final state: one request per round for all of them. */
    default JobWaiter waiter() {
        return JobWaiter.builder(this).build();
    }

    @Override
    void close();

    /** Builds a {@link SlurmClient}; every setting has a default but the URL and the token source. */
    final class Builder {
        private String baseUrl;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);
        private Duration callTimeout = Duration.ofSeconds(90);
        private int maxIdleConnections = 8;
        private Duration keepAlive = Duration.ofSeconds(30);
        private Path caFile;
        private String userName;
        private TokenSource tokens;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private Clock clock = Clock.systemUTC();
        private ScheduledExecutorService retryScheduler;
        private boolean checkVersion = true;
        private SlurmMetrics metrics = SlurmMetrics.NONE;
        private ApiVersion apiVersion;
        private int maxInFlight = 16;
        private Duration submitSettle = Duration.ofSeconds(30);
        private Duration submitTimeout = Duration.ofMinutes(5);

        Builder() {}

        /** slurmrestd's URL, e.g. {@code http://127.0.0.1:6820}. */
        public Builder baseUrl(String url) { this.baseUrl = url; return this; }
        public Builder connectTimeout(Duration d) { this.connectTimeout = positive(d, "connectTimeout"); return this; }
        /** How long to wait for an answer once the request is sent (default 60 s). */
        public Builder readTimeout(Duration d) { this.readTimeout = positive(d, "readTimeout"); return this; }
        /** The whole of one request, connecting and reading included (default 90 s). */
        public Builder callTimeout(Duration d) { this.callTimeout = positive(d, "callTimeout"); return this; }
        /**
         * At most this many requests of this client at slurmrestd at once (default 16); the others
         * wait, for at most the call timeout, before they are sent. slurmrestd serves few requests
         * at a time (its {@code -t} threads, {@code --max-connections}) and each costs slurmctld an
         * RPC: keep the sum over all clients of a cluster below what it is started with. slurmrestd
         * counts its listening socket among {@code --max-connections}: N serves N - 1 client
         * connections, and a connection beyond them is not read until another one closes.
         */
        public Builder maxInFlight(int max) {
            if (max < 1) {
                throw new SlurmUsageException("maxInFlight must be at least 1, not " + max);
            }
            this.maxInFlight = max;
            return this;
        }
        /**
         * How long the answer to a submit is waited for (default 5 min; other requests wait the read
         * timeout). Under slurmctld's RPC rate limit slurmrestd may answer a submit minutes late,
         * and a submit given up on may still create its job: waiting is what keeps it from being
         * looked for too early and sent again. A slurmrestd that dies closes the connection at once.
         */
        public Builder submitTimeout(Duration d) { this.submitTimeout = positive(d, "submitTimeout"); return this; }

        /**
         * After a submission whose answer never came (a timeout, a dropped connection, a gateway's
         * 502 or 504), how long its submit key is looked for before the job is submitted again
         * (default 30 s). slurmrestd may still be working on the request the client gave up on
         * (under slurmctld's rate limit the Slurm library there sleeps and retries), so the job can
         * appear after the client stopped waiting; submitting again sooner could create it twice.
         * A job found in that time is adopted. Zero submits again as soon as one lookup finds nothing.
         * Lookups that go unanswered for {@code submitTimeout} in a row (slurmrestd down) end the
         * wait: the call fails, naming the submit key to look for.
         */
        public Builder submitSettleTime(Duration d) {
            Objects.requireNonNull(d, "submitSettleTime == null");
            if (d.isNegative()) {
                throw new SlurmUsageException("submitSettleTime must not be negative, not " + d);
            }
            this.submitSettle = d;
            return this;
        }
        /**
         * Idle connections kept for reuse (default 8, closed after 30 s idle). slurmrestd keeps an
         * idle connection open for as long as the client does, and with {@code --max-connections}
         * each one holds a slot that another client then waits for: keep idle ones few and short.
         */
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
        /** Whether the first call confirms that the server serves the API version (default true). */
        public Builder checkVersion(boolean check) { this.checkVersion = check; return this; }
        /** Where to report requests, retries and submissions (default {@link SlurmMetrics#NONE}). */
        public Builder metrics(SlurmMetrics metrics) { this.metrics = Objects.requireNonNull(metrics, "metrics == null"); return this; }

        /**
         * The data parser version to speak: one of {@link ApiVersion#supported()} to pin it, or null
         * (the default) to negotiate: the newest this client speaks that the server serves, chosen
         * on first contact.
         */
        public Builder apiVersion(ApiVersion version) {
            if (version != null && !version.isSupported()) {
                throw new SlurmUsageException("API version '" + version + "' is not one this client speaks; leave it unset "
                        + "to negotiate, or pin one of " + ApiVersion.supported());
            }
            this.apiVersion = version;
            return this;
        }

        public SlurmClient build() {
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
            return new DefaultSlurmClient(new ClientSettings(url, connectTimeout, readTimeout, callTimeout, maxIdleConnections,
                    keepAlive, caFile, userName, tokens, retryPolicy, clock, retryScheduler, checkVersion, metrics, apiVersion,
                    maxInFlight, submitSettle, submitTimeout));
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new SlurmUsageException(name + " must be a positive duration, not " + d);
            }
            return d;
        }
    }
}
