package ai.ringrift.slurm.testing;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

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
 * slurmrestd 24.11 (v0.0.40), with a {@link SlurmClient} pointed at it.
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
 * cancel. {@link #recordings()} lists every recording that {@link #use} accepts.
 */
public final class SlurmRestStubs implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    static final String PREFIX = "slurmrestd/v0.0.40/mappings/";

    private static final List<String> DEFAULTS = List.of("ping", "partitions", "nodes", "slurmdb-tres",
            "slurmdb-associations", "job-submit", "job-get-completed", "slurmdb-job-completed", "jobs-state-held", "job-cancel");

    private static final List<String> RECORDINGS = List.of("ping", "ping-controller-down", "partitions", "nodes",
            "slurmdb-tres", "slurmdb-associations", "job-submit", "job-submit-held", "job-submit-array-held",
            "job-get-running", "job-get-completed", "job-get-held", "job-get-cancelled", "job-get-array-held",
            "jobs-state-held", "jobs-state-array-held", "job-cancel", "job-cancel-array", "slurmdb-job-completed",
            "error-submit-unknown-partition", "error-submit-invalid-account", "error-submit-invalid-qos",
            "error-submit-controller-down", "error-get-unknown-job", "error-get-job-controller-down",
            "error-jobs-state-controller-down", "error-slurmdb-job-slurmdbd-down", "error-auth-bad-token-jobs",
            "error-auth-expired-token-jobs", "error-auth-expired-token-slurmdb");

    private WireMockServer server;
    private SlurmClient client;

    private SlurmRestStubs() {}

    /** Stubs built from the recorded answers of the real slurmrestd. */
    public static SlurmRestStubs recorded() {
        return new SlurmRestStubs();
    }

    /** The names {@link #use} accepts. */
    public static List<String> recordings() {
        return RECORDINGS;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = new WireMockServer(wireMockConfig().dynamicPort());
        server.start();
        client = SlurmClient.builder()
                .baseUrl(server.baseUrl())
                .tokenSource(TokenSources.fixed("stub-token"))
                .apiVersion("v0.0.40") // the recordings it serves
                .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(10)).build())
                .build();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        server.resetAll();
        DEFAULTS.forEach(name -> load(name, 10));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    /** Serves this recording ahead of the defaults for the request it answers (e.g. "error-submit-invalid-qos"). */
    public SlurmRestStubs use(String recording) {
        if (!RECORDINGS.contains(recording)) {
            throw new IllegalArgumentException("no recording '" + recording + "'; there are " + RECORDINGS);
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
        try (InputStream in = SlurmRestStubs.class.getClassLoader().getResourceAsStream(PREFIX + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("recording " + name + " is missing from the classpath (" + PREFIX + ")");
            }
            StubMapping mapping = StubMapping.buildFrom(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            mapping.setPriority(priority);
            server.addStubMapping(mapping);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
