package ai.ringrift.slurm.testing.fake;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.TokenSource;
import ai.ringrift.slurm.rest.TokenSources;
import ai.ringrift.slurm.recordings.Recordings;
import ai.ringrift.slurm.testing.VirtualTime;
import ai.ringrift.slurm.testing.fake.internal.Answers;
import ai.ringrift.slurm.testing.fake.internal.Faults;
import ai.ringrift.slurm.testing.fake.internal.Model;
import ai.ringrift.slurm.testing.fake.internal.Router;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fake slurmrestd with state, on WireMock, for a service's own tests: submissions create jobs
 * (ids growing, name, comment and submit key kept), refused as the real release refuses them
 * (unknown partition 2000, account 2045, qos 2066, resources no node has 2014, with that release's
 * HTTP status); jobs go PENDING, RUNNING and end COMPLETED, FAILED with their exit code, TIMEOUT
 * past their time limit, CANCELLED, NODE_FAIL or requeued, on a clock the test controls; arrays
 * run under their throttle with the id shapes of the version in {@code /jobs/state/}; a job that
 * ended is in slurmctld for MinJobAge, then only in slurmdbd. Every answer is built from the
 * answers recorded from the real slurmrestd of the version served ({@link Recordings}).
 *
 * <pre>{@code
 * @RegisterExtension static FakeSlurm slurm = FakeSlurm.builder().build();   // newest version, local cluster's shape
 *
 * @Test void retriesOnce() {
 *     slurm.onJobs(job -> job.name().equals("train"), JobRun.runs(Duration.ofMinutes(5)).exitCode(1));
 *     MyService service = new MyService(slurm.client());
 *     ...
 *     assertThat(slurm.jobs()).extracting(FakeJob::name).containsExactly("train", "train");
 * }
 * }</pre>
 *
 * <p>What a job does is read from its script ({@link JobRun#fromScript}: {@code sleep N},
 * {@code exit N}) unless {@link #onJobs} says otherwise. Time: the fake's clock ({@link #time()})
 * runs at {@link Builder#clockSpeed} times real time (1 by default; 0 stops it) and moves further
 * with {@link #advance}. {@link #client()} is pinned to the fake's version, mints tokens from the
 * fake's key on the fake's clock, and waits out its retries on that clock (no real waiting).
 *
 * <p>Used as a JUnit 5 extension on a static field it starts before all tests and is
 * {@link #reset()} before each (jobs, rules and faults gone; ids go on growing); on an instance
 * field it starts before each test and stops after it. Without JUnit: {@link #start()} and
 * {@link #close()}.
 */
public final class FakeSlurm implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
        AutoCloseable {

    private final String version;
    private final FakeCluster cluster;
    private final double clockSpeed;
    private final Instant startTime;
    private final String user;

    private VirtualTime time;
    private Thread ticker;
    private Model model;
    private Faults faults;
    private WireMockServer server;
    private Path keyFile;
    private SlurmClient client;
    private boolean startedForOneTest;

    private FakeSlurm(Builder b) {
        this.version = b.version;
        this.cluster = b.cluster;
        this.clockSpeed = b.clockSpeed;
        this.startTime = b.start;
        this.user = b.user != null ? b.user : b.cluster.associations().get(0).user();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The API versions a fake can serve: those the SDK speaks that have recordings in this kit
     * ({@link Recordings#VERSIONS}), oldest first. A version whose recordings are added later is
     * served without a change here.
     */
    public static List<String> versions() {
        return Recordings.VERSIONS.stream().filter(v -> ApiVersion.of(v).isSupported())
                .filter(v -> Recordings.exists(v, "ping") && Recordings.exists(v, "job-get-completed")).toList();
    }

    // ------------------------------------------------------------------ life

    /** Starts the server; what the extension does before all tests. */
    public synchronized FakeSlurm start() {
        if (server != null) {
            throw new IllegalStateException("this fake slurmrestd is already started");
        }
        time = new VirtualTime(startTime != null ? startTime : Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try {
            keyFile = Files.createTempFile("fake-slurm-jwt", ".key",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(keyFile, key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fake's jwt key", e);
        }
        Answers answers = new Answers(version, cluster);
        model = new Model(cluster, time, releaseAtLeast(answers.release(), 26, 5));
        faults = new Faults();
        Router router = new Router(model, answers, faults, key);
        server = new WireMockServer(wireMockConfig().dynamicPort().extensions(router).containerThreads(24));
        server.start();
        server.stubFor(any(anyUrl()).atPriority(100).willReturn(aResponse().withTransformers(Router.NAME)));
        if (clockSpeed > 0) {
            ticker = new Thread(this::tick, "fake-slurm-clock");
            ticker.setDaemon(true);
            ticker.start();
        }
        return this;
    }

    private static boolean releaseAtLeast(String release, int major, int minor) {
        String[] p = release.split("\\.");
        try {
            int ma = Integer.parseInt(p[0]);
            int mi = Integer.parseInt(p[1]);
            return ma > major || (ma == major && mi >= minor);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void tick() {
        long last = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            time.advance(Duration.ofNanos((long) ((now - last) * clockSpeed)));
            last = now;
        }
    }

    /** Forgets every job, rule and fault (job ids go on growing); what the extension does before each test. */
    public synchronized FakeSlurm reset() {
        requireStarted();
        model.reset();
        faults.clear();
        server.resetRequests();
        return this;
    }

    /** Stops the client, the clock and the server. */
    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
        if (ticker != null) {
            ticker.interrupt();
            ticker = null;
        }
        if (server != null) {
            server.stop();
            server = null;
        }
        if (time != null) {
            time.shutdown();
        }
        if (keyFile != null) {
            try {
                Files.deleteIfExists(keyFile);
            } catch (IOException ignored) {
                // a temporary file
            }
            keyFile = null;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        synchronized (this) {
            if (server == null) {
                start();
                startedForOneTest = true;
            } else if (!startedForOneTest) {
                reset();
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        synchronized (this) {
            if (startedForOneTest) {
                close();
                startedForOneTest = false;
            }
        }
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException("the fake slurmrestd is not started: register it with @RegisterExtension or call start()");
        }
    }

    // ------------------------------------------------------------------ clients

    /** slurmrestd's URL, such as {@code http://localhost:PORT}. */
    public String baseUrl() {
        requireStarted();
        return server.baseUrl();
    }

    /** The API version served, such as {@code v0.0.44}; every other version's paths answer 404 as slurmrestd does. */
    public String version() {
        return version;
    }

    /** The cluster this fake pretends to be. */
    public FakeCluster cluster() {
        return cluster;
    }

    /** A client of this fake, shared by the tests of the class (see the class comment). */
    public synchronized SlurmClient client() {
        requireStarted();
        if (client == null) {
            client = clientBuilder().build();
        }
        return client;
    }

    /**
     * A client builder set up for this fake (URL, version, tokens from its key as {@code user},
     * the fake's clock, retries waited on that clock): change what your service sets differently.
     */
    public SlurmClient.Builder clientBuilder() {
        requireStarted();
        return SlurmClient.builder().baseUrl(server.baseUrl()).apiVersion(ApiVersion.of(version)).tokenSource(tokenSource(user))
                .clock(time).retryScheduler(time.scheduler());
    }

    /** Tokens for {@code user} minted from the fake's key, renewed on the fake's clock. */
    public TokenSource tokenSource(String user) {
        requireStarted();
        return TokenSources.jwtKey(keyFile, user, Duration.ofDays(1), time);
    }

    /** The fake's HS256 key file, for {@code TokenSources.jwtKey} (or your service's own way of minting). */
    public Path jwtKeyFile() {
        requireStarted();
        return keyFile;
    }

    /** The WireMock server, to verify requests ({@code wireMock().getAllServeEvents()}) or add stubs of your own. */
    public WireMockServer wireMock() {
        requireStarted();
        return server;
    }

    // ------------------------------------------------------------------ time

    /** The fake's clock: jobs start, end and leave slurmctld on it. */
    public VirtualTime time() {
        requireStarted();
        return time;
    }

    public Instant now() {
        return time().instant();
    }

    /** Moves the fake's clock forward: what would have happened meanwhile has happened. */
    public FakeSlurm advance(Duration d) {
        requireStarted();
        time.advance(d);
        model.advance();
        return this;
    }

    // ------------------------------------------------------------------ jobs

    /** What {@code matching} jobs submitted from now on do (newest rule first; the script otherwise). */
    public FakeSlurm onJobs(Predicate<FakeJob> matching, JobRun run) {
        requireStarted();
        model.addRule(Objects.requireNonNull(matching, "matching == null"), Objects.requireNonNull(run, "run == null"));
        return this;
    }

    /**
     * What the next jobs submitted do, one run each in order (an array's tasks all do the run its
     * submission got), before any {@link #onJobs} rule: {@code onNextJobs(fails, succeeds)} for a
     * service that resubmits once.
     */
    public FakeSlurm onNextJobs(JobRun... runs) {
        requireStarted();
        model.addNext(List.of(runs));
        return this;
    }

    /** What jobs of this name submitted from now on do. */
    public FakeSlurm onJobsNamed(String name, JobRun run) {
        return onJobs(job -> job.name().equals(name), run);
    }

    /** Every job the fake holds, in slurmctld or only in slurmdbd, by id. */
    public List<FakeJob> jobs() {
        requireStarted();
        return model.snapshot();
    }

    public Optional<FakeJob> job(long jobId) {
        return jobs().stream().filter(j -> j.jobId() == jobId).findFirst();
    }

    /** What {@code scontrol requeue ID} does: the job goes back to PENDING, eligible 120 s later, and runs again. */
    public FakeSlurm requeue(long jobId) {
        requireStarted();
        model.requeue(jobId);
        return this;
    }

    /** The node goes DOWN: jobs running there are requeued (or end NODE_FAIL when submitted with requeue false). */
    public FakeSlurm failNode(String node) {
        requireStarted();
        model.failNode(node);
        return this;
    }

    public FakeSlurm resumeNode(String node) {
        requireStarted();
        model.resumeNode(node);
        return this;
    }

    /** slurmdbd learns that a job ended only this long after it did (0 by default). */
    public FakeSlurm accountingDelay(Duration delay) {
        requireStarted();
        model.accountingDelay(delay);
        return this;
    }

    // ------------------------------------------------------------------ faults

    /** The next submission creates its job, but its answer is lost (the connection is reset). */
    public FakeSlurm loseNextSubmitAnswer() {
        requireStarted();
        faults.loseSubmitAnswers(1);
        return this;
    }

    /** For this long on the fake's clock every connection is reset before an answer, and nothing requested is done. */
    public FakeSlurm unreachableFor(Duration d) {
        requireStarted();
        faults.unreachableUntil(now().plus(d));
        return this;
    }

    /** Every answer comes this much late in real time (the request is acted on at once). */
    public FakeSlurm slowAnswers(Duration by) {
        requireStarted();
        faults.slow(by, -1);
        return this;
    }

    /** The next {@code count} answers come this much late in real time. */
    public FakeSlurm slowAnswers(Duration by, int count) {
        requireStarted();
        faults.slow(by, count);
        return this;
    }

    /**
     * slurmctld's RPC rate limit as clients see it: never an error (slurmrestd's Slurm library
     * sleeps and tries again), answers of {@code /slurm/} requests late by {@code by}, the job of
     * a submission created before its answer comes.
     */
    public FakeSlurm rateLimited(Duration by) {
        requireStarted();
        faults.controllerLateBy(by);
        return this;
    }

    /** slurmdbd stopped: every {@code /slurmdb/} request is answered as by slurmrestd whose slurmdbd is down. */
    public FakeSlurm slurmdbdDown() {
        requireStarted();
        faults.slurmdbdDown(true);
        return this;
    }

    public FakeSlurm slurmdbdUp() {
        requireStarted();
        faults.slurmdbdDown(false);
        return this;
    }

    /**
     * The next {@code count} requests (every one when negative) are refused as with an expired
     * token. Tokens that really expired on the fake's clock are refused without asking.
     */
    public FakeSlurm refuseTokensAsExpired(int count) {
        requireStarted();
        faults.refuseTokens(Faults.TokenRefusal.EXPIRED, count);
        return this;
    }

    /**
     * The next {@code count} requests (every one when negative) are refused as with a token signed
     * by another key. Tokens that really are are refused without asking.
     */
    public FakeSlurm refuseTokensAsForeign(int count) {
        requireStarted();
        faults.refuseTokens(Faults.TokenRefusal.FOREIGN, count);
        return this;
    }

    /** No more faults (the jobs stay). */
    public FakeSlurm clearFaults() {
        requireStarted();
        faults.clear();
        return this;
    }

    @Override
    public String toString() {
        return "FakeSlurm[" + version + (server == null ? ", stopped" : " at " + server.baseUrl()) + ", " + cluster.name() + "]";
    }

    /** Builds a {@link FakeSlurm}. */
    public static final class Builder {
        private String version;
        private FakeCluster cluster = FakeCluster.localTestCluster();
        private double clockSpeed = 1.0;
        private Instant start;
        private String user;

        private Builder() {
            List<String> all = versions();
            this.version = all.isEmpty() ? null : all.get(all.size() - 1);
        }

        /** The API version to serve, one of {@link FakeSlurm#versions()} (default: the newest). */
        public Builder version(String version) {
            if (!versions().contains(version)) {
                throw new IllegalArgumentException("a fake slurmrestd serves one of " + versions() + ", not " + version);
            }
            this.version = version;
            return this;
        }

        /** The cluster to pretend to be (default {@link FakeCluster#localTestCluster()}). */
        public Builder cluster(FakeCluster cluster) {
            this.cluster = Objects.requireNonNull(cluster, "cluster == null");
            return this;
        }

        /** Virtual seconds per real second (default 1: as fast as a real cluster; 0: only {@link FakeSlurm#advance} moves it). */
        public Builder clockSpeed(double speed) {
            if (speed < 0 || Double.isNaN(speed)) {
                throw new IllegalArgumentException("clockSpeed must be 0 or more, not " + speed);
            }
            this.clockSpeed = speed;
            return this;
        }

        /** Where the fake's clock starts (default: now). */
        public Builder startTime(Instant start) {
            this.start = Objects.requireNonNull(start, "start == null");
            return this;
        }

        /** The user {@link FakeSlurm#client()} acts as (default: the cluster's first association's). */
        public Builder user(String user) {
            this.user = Objects.requireNonNull(user, "user == null");
            return this;
        }

        public FakeSlurm build() {
            if (version == null) {
                throw new IllegalStateException("no API version has recordings in this kit");
            }
            return new FakeSlurm(this);
        }

        /** Builds and starts it (outside JUnit). */
        public FakeSlurm start() {
            return build().start();
        }
    }
}
