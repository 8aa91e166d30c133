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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
    private final SubmitPatience patience;
    private final Submitter submitter;

    public DefaultSlurmClient(ClientSettings b) {
        HttpUrl baseUrl = b.baseUrl();
        this.baseUrl = baseUrl;
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
        this.submitter = new Submitter(versions::api, retrier, clock, scheduler, workers, metrics, b.submitSettle(), b.submitTimeout());
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
    public void pingAccounting() {
        ensureVersion();
        retrier.call("ping slurmdbd", () -> {
            api().pingDatabase();
            return null;
        });
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
        return retrier.call("find accounting jobs named " + name, () -> api().accountingJobsNamed(name, Durations.since(since, clock)));
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
        if (!checkVersion || versions.isChecked()) {
            return submitter.submit(submission);
        }
        // the first call of a client confirms the version: not on the caller's thread
        return CompletableFuture.runAsync(this::ensureVersion, workers).thenCompose(ok -> submitter.submit(submission));
    }

    @Override
    public Optional<Long> findBySubmitKey(String submitKey, Instant since) {
        Objects.requireNonNull(submitKey, "submitKey == null");
        Objects.requireNonNull(since, "since == null");
        ensureVersion();
        return submitter.find(SubmitKey.of(submitKey), since);
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
