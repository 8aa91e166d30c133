package ai.ringrift.slurm.backend;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.rest.RetryPolicy;
import ai.ringrift.slurm.rest.SlurmRestClient;
import ai.ringrift.slurm.rest.TokenSources;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The tracker's rules on recorded answers: one request per round, and a missing job is never finished. */
class JobTrackerStubTest {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private SlurmRestClient client;
    private JobTracker tracker;

    @BeforeEach
    void setUp() {
        client = SlurmRestClient.builder().baseUrl(wm.baseUrl()).tokenSource(TokenSources.fixed("t"))
                .retryPolicy(RetryPolicy.none()).checkVersion(false).build();
        tracker = new JobTracker(client, Duration.ofHours(1), Duration.ofHours(1)); // rounds run by hand
    }

    @AfterEach
    void tearDown() {
        tracker.close();
        client.close();
    }

    private static JsonNode recorded(String name) throws Exception {
        try (InputStream in = JobTrackerStubTest.class.getResourceAsStream("/slurmrestd/v0.0.40/mappings/" + name + ".json")) {
            return JSON.readTree(in).path("response");
        }
    }

    private void stub(String path, int status, String body) {
        wm.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static String states(String rows) throws Exception {
        ObjectNode body = (ObjectNode) recorded("jobs-state-held").path("jsonBody").deepCopy();
        body.set("jobs", JSON.readTree(rows));
        return body.toString();
    }

    @Test
    void aRunningJobCostsOneRequestPerRound() throws Exception {
        stub("/slurm/v0.0.40/jobs/state/", 200, states("[{\"job_id\":\"77\",\"state\":[\"RUNNING\"]}]"));
        JobTracker.Aggregate aggregate = new JobTracker.Aggregate(WorkType.TRAINING, "t", 1);
        tracker.track(new JobTracker.Tracked(77, false, 1, 0, "/nonexistent/%j.out", aggregate));
        for (int i = 0; i < 5; i++) {
            tracker.pollOnce();
        }
        assertThat(tracker.requests()).isEqualTo(5);
        assertThat(aggregate.future).isNotDone();
    }

    @Test
    void aJobInNeitherDaemonStaysTrackedUntilSlurmdbdHasIt() throws Exception {
        stub("/slurm/v0.0.40/jobs/state/", 200, states("[]"));
        JsonNode unknown = recorded("error-get-unknown-job");
        stub("/slurm/v0.0.40/job/77", unknown.path("status").asInt(), unknown.path("jsonBody").toString());
        ObjectNode emptyDb = (ObjectNode) recorded("slurmdb-job-completed").path("jsonBody").deepCopy();
        emptyDb.putArray("jobs");
        stub("/slurmdb/v0.0.40/job/77", 200, emptyDb.toString());

        JobTracker.Aggregate aggregate = new JobTracker.Aggregate(WorkType.TOURNAMENT, "t", 1);
        tracker.track(new JobTracker.Tracked(77, false, 1, 0, "/nonexistent/%j.out", aggregate));
        for (int i = 0; i < 3; i++) {
            tracker.pollOnce();
        }
        assertThat(aggregate.future).as("a job missing everywhere is not finished").isNotDone();
        assertThat(tracker.liveJobIds()).containsExactly(77L);

        ObjectNode db = (ObjectNode) recorded("slurmdb-job-completed").path("jsonBody").deepCopy();
        ((ObjectNode) db.path("jobs").get(0)).put("job_id", 77);
        stub("/slurmdb/v0.0.40/job/77", 200, db.toString());
        tracker.pollOnce();
        TaskOutcome outcome = aggregate.future.getNow(null).tasks().get(0);
        assertThat(outcome.fromAccounting()).isTrue();
        assertThat(outcome.kind()).isEqualTo(OutcomeKind.SUCCESS);
        assertThat(outcome.logProblem()).contains("/nonexistent/77.out");
        assertThat(tracker.liveJobIds()).isEmpty();
    }
}
