package ai.ringrift.slurm.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.recordings.Recordings;
import ai.ringrift.slurm.testsupport.VirtualTime;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The watcher on virtual time: its rounds happen exactly when the clock says, so the pauses are
 * asserted to the millisecond, and the requests counted where they arrive, without waiting.
 */
class JobWatcherTest {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(WireMockConfiguration.wireMockConfig().dynamicPort()).build();

    private static final String STATE = "/slurm/" + Recorded.VERSION + "/jobs/state/";
    private static final long DONE = Recordings.jobId(Recorded.VERSION, "job-get-completed");
    private VirtualTime time;
    private SlurmClient client;
    private JobWatcher watcher;

    @BeforeEach
    void start() {
        time = VirtualTime.stepped(Instant.parse("2026-12-02T12:00:00Z"));
        client = SlurmClient.builder().baseUrl(wm.baseUrl()).tokenSource(TokenSources.fixed("t0k3n"))
                .apiVersion(ApiVersion.of(Recorded.VERSION)).checkVersion(false).build();
        watcher = JobWatcher.builder(client).minInterval(Duration.ofSeconds(2)).maxInterval(Duration.ofSeconds(30))
                .scheduler(time.scheduler()).clock(time).build();
    }

    @AfterEach
    void stop() {
        watcher.close();
        client.close();
        time.shutdown();
    }

    private static int stateRequests() {
        return wm.findAll(getRequestedFor(urlPathEqualTo(STATE))).size();
    }

    private static void rows(String json) {
        wm.stubFor(get(urlPathEqualTo(STATE)).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"jobs\":" + json + ",\"errors\":[],\"warnings\":[]}")));
    }

    @Test
    void whileNothingChangesThePauseGrowsHalfAgainToItsLongest_oneRequestARound() {
        rows("[{\"job_id\":\"77\",\"state\":[\"RUNNING\"]}]");
        watcher.watch(77, 0, (task, info, neverRan) -> { });
        // rounds at 2 s, then 2 s (the first rows are news), 3, 4.5, 6.75, 10.125 ... up to 30 s
        time.advance(Duration.ofSeconds(2));
        assertThat(stateRequests()).isEqualTo(1);
        time.advance(Duration.ofSeconds(2));
        assertThat(stateRequests()).isEqualTo(2);
        time.advance(Duration.ofMillis(2_999));
        assertThat(stateRequests()).isEqualTo(2);
        time.advance(Duration.ofMillis(1));
        assertThat(stateRequests()).isEqualTo(3);
        time.advance(Duration.ofMinutes(10));
        List<Duration> pauses = time.waits();
        assertThat(pauses.subList(0, 5)).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(3),
                Duration.ofMillis(4_500), Duration.ofMillis(6_750));
        assertThat(pauses.get(pauses.size() - 1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(wm.getAllServeEvents()).hasSize(stateRequests()); // nothing but the state rows was asked
        assertThat(watcher.requests()).isEqualTo(stateRequests());
    }

    @Test
    void aJobThatLeftSlurmctldIsReadOnce_andItsListenerGetsItsFinalRecord() {
        rows("[]");
        wm.addStubMapping(Recorded.stub(Recorded.VERSION, "job-get-completed", 1));
        List<JobInfo> finals = new ArrayList<>();
        CompletableFuture<Void> done = watcher.watch(DONE, 0, (task, info, neverRan) -> finals.add(info));
        time.advance(Duration.ofSeconds(2));
        assertThat(done).isCompleted();
        assertThat(finals).singleElement().satisfies(j -> assertThat(j.state()).isEqualTo(JobState.COMPLETED));
        assertThat(watcher.liveJobIds()).isEmpty();
        wm.verify(1, getRequestedFor(urlPathEqualTo(STATE)));
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/" + Recorded.VERSION + "/job/" + DONE)));
        time.advance(Duration.ofMinutes(1));
        assertThat(stateRequests()).as("no job left: no request").isEqualTo(1);
    }

    @Test
    void closedItSchedulesNothingMore() {
        rows("[{\"job_id\":\"77\",\"state\":[\"RUNNING\"]}]");
        watcher.watch(77, 0, (task, info, neverRan) -> { });
        time.advance(Duration.ofSeconds(2));
        watcher.close();
        time.advance(Duration.ofMinutes(5));
        assertThat(stateRequests()).isEqualTo(1);
        assertThat(time.pending()).isZero();
    }
}
