package ai.ringrift.slurm.testing;

import ai.ringrift.slurm.recordings.Recordings;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.rest.RetryPolicy;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.TokenSources;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A stand-in slurmrestd for a service's own tests: WireMock serving answers recorded from the real
 * slurmrestd in one API version, with a {@link SlurmClient} pinned to that version pointed at it.
 * {@link #recorded()} serves v0.0.40 as Slurm 24.11 answered; {@link #recorded(String)} any version
 * of {@link Recordings#VERSIONS}, as the newest local release that serves it answered
 * (scripts/record-answers.sh records them all again).
 *
 * <pre>{@code
 * @RegisterExtension
 * static SlurmRestStubs slurm = SlurmRestStubs.recorded();
 *
 * @Test void submits() {
 *     SubmittedJob job = slurm.client().submit(...);           // the recorded "job-submit" answer
 *     slurm.use("error-submit-unknown-partition");            // the next submits are refused as the real server does
 *     slurm.wireMock().verify(...);                            // and anything WireMock can do
 * }
 * }</pre>
 *
 * <p>Before each test the default answers are in place: ping, partitions, nodes, TRES,
 * associations, a job submission, a completed job (slurmctld and slurmdbd), job states and a
 * cancel. {@link #recordings(String)} lists every recording of a version that {@link #use} accepts
 * (the answers of a stopped slurmctld or slurmdbd are recorded for v0.0.40 only).
 */
public final class SlurmRestStubs implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AutoCloseable {


    private static final List<String> DEFAULTS = List.of("ping", "partitions", "nodes", "slurmdb-tres",
            "slurmdb-associations", "job-submit", "job-get-completed", "slurmdb-job-completed", "jobs-state-held", "job-cancel");

    private static final List<String> RECORDINGS = List.of("ping", "ping-controller-down", "partitions", "nodes",
            "slurmdb-tres", "slurmdb-associations", "job-submit", "job-submit-held", "job-submit-array-held",
            "job-get-running", "job-get-completed", "job-get-held", "job-get-cancelled", "job-get-array-held",
            "jobs-state-held", "jobs-state-array-held", "job-cancel", "job-cancel-array", "slurmdb-job-completed",
            "error-submit-unknown-partition", "error-submit-invalid-account", "error-submit-invalid-qos",
            "error-submit-controller-down", "error-get-unknown-job", "error-get-job-controller-down",
            "error-jobs-state-controller-down", "error-slurmdb-job-slurmdbd-down", "error-auth-bad-token-jobs",
            "error-auth-expired-token-jobs", "error-auth-expired-token-slurmdb", "job-requeue", "error-requeue-pending",
            "jobs-state-array-tasks", "jobs-state-het-and-cancelled-array", "job-get-array-cancelled-rest",
            "slurmdb-job-array-cancelled-rest", "error-version-not-served");

    private final String version;
    private final List<String> available;
    private WireMockServer server;
    private SlurmClient client;

    private SlurmRestStubs(String version) {
        if (!Recordings.VERSIONS.contains(version)) {
            throw new IllegalArgumentException("no recordings for API version '" + version + "'; there are " + Recordings.VERSIONS);
        }
        this.version = version;
        this.available = recordings(version);
    }

    /** Stubs built from the v0.0.40 answers of the real slurmrestd 24.11. */
    public static SlurmRestStubs recorded() {
        return new SlurmRestStubs("v0.0.40");
    }

    /** Stubs built from the answers of the real slurmrestd in {@code version} (one of {@link Recordings#VERSIONS}). */
    public static SlurmRestStubs recorded(String version) {
        return new SlurmRestStubs(version);
    }

    /** The names {@link #use} accepts with v0.0.40. */
    public static List<String> recordings() {
        return recordings("v0.0.40");
    }

    /** The names {@link #use} accepts with {@code version}. */
    public static List<String> recordings(String version) {
        return RECORDINGS.stream().filter(name -> SlurmRestStubs.class.getClassLoader()
                .getResource(prefix(version) + name + ".json") != null).toList();
    }

    private static String prefix(String version) {
        return "slurmrestd/" + version + "/mappings/";
    }

    /** The API version of the answers served (and that the client is pinned to). */
    public String version() {
        return version;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    /**
     * Starts the server and the client, with the default answers in place; what the JUnit 5
     * extension does before all tests, for other test frameworks and plain code.
     */
    public SlurmRestStubs start() {
        if (server != null) {
            throw new IllegalStateException("these stubs are already started");
        }
        server = new WireMockServer(wireMockConfig().dynamicPort());
        server.start();
        client = SlurmClient.builder()
                .baseUrl(server.baseUrl())
                .tokenSource(TokenSources.fixed("stub-token"))
                .apiVersion(ApiVersion.of(version)) // the recordings it serves
                .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(10)).build())
                .build();
        reset();
        return this;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        reset();
    }

    /** Back to the default answers only (what happens before each test). */
    public SlurmRestStubs reset() {
        server.resetAll();
        DEFAULTS.forEach(name -> load(name, 10));
        return this;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Stops the client and the server. */
    @Override
    public void close() {
        if (client != null) {
            client.close();
            client = null;
        }
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /** Serves this recording ahead of the defaults for the request it answers (e.g. "error-submit-invalid-qos"). */
    public SlurmRestStubs use(String recording) {
        if (!available.contains(recording)) {
            throw new IllegalArgumentException("no recording '" + recording + "' for " + version + "; there are " + available);
        }
        load(recording, 1);
        return this;
    }

    /** A client for the stubs; shared by the tests of the class. */
    public SlurmClient client() {
        return client;
    }

    /** The WireMock server, for stubs and verifications of your own. */
    public WireMockServer wireMock() {
        return server;
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    private void load(String name, int priority) {
        try (InputStream in = SlurmRestStubs.class.getClassLoader().getResourceAsStream(prefix(version) + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("recording " + name + " is missing from the classpath (" + prefix(version) + ")");
            }
            StubMapping mapping = StubMapping.buildFrom(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            mapping.setPriority(priority);
            server.addStubMapping(mapping);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
