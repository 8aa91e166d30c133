package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.recordings.Recordings;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobState;
import ai.ringrift.slurm.rest.JobWaitTimeoutException;
import ai.ringrift.slurm.rest.JobWaiter;
import ai.ringrift.slurm.rest.SlurmAuthenticationException;
import java.time.Duration;
import java.util.List;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SDK's waiter against answers recorded on the real slurmrestd 24.11, counting the requests
 * WireMock received: a completed job (slurmctld no longer lists it in /jobs/state/) and a held one.
 */
class JobWaiterTest {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(WireMockConfiguration.wireMockConfig().dynamicPort()).build();

    private static final long DONE = Recordings.jobId("v0.0.40", "job-get-completed");
    private static final long HELD = Recordings.jobId("v0.0.40", "jobs-state-held");

    private SlurmClient client;

    @BeforeEach
    void recordedAnswers() {
        for (String name : List.of("ping", "slurmdb-tres", "job-get-completed", "slurmdb-job-completed", "jobs-state-held")) {
            wm.addStubMapping(Recorded.stub(Recorded.VERSION, name, 10));
        }
        client = SlurmClient.builder().baseUrl(wm.baseUrl()).tokenSource(TokenSources.fixed("t0k3n"))
                .apiVersion(ApiVersion.of(Recorded.VERSION)).build();
    }

    @AfterEach
    void close() {
        client.close();
    }

    private JobWaiter waiter() {
        return JobWaiter.builder(client).minInterval(Duration.ofMillis(50)).maxInterval(Duration.ofMillis(200)).build();
    }

    @Test
    void aJobThatEndedIsReturnedAfterOneStateRequestAndOneRead() throws Exception {
        JobInfo done = waiter().await(DONE, Duration.ofSeconds(10));
        assertThat(done.jobId()).isEqualTo(DONE);
        assertThat(done.state()).isEqualTo(JobState.COMPLETED);
        assertThat(done.isFinal()).isTrue();
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/jobs/state/")));
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/job/" + DONE)));
    }

    @Test
    void aHeldJobPassesTheDeadlineAndIsLeftRunning() throws Exception {
        assertThatThrownBy(() -> waiter().await(List.of(JobWaiter.Target.job(HELD), JobWaiter.Target.job(DONE)),
                Duration.ofMillis(800)))
                .isInstanceOf(JobWaitTimeoutException.class)
                .satisfies(e -> {
                    JobWaitTimeoutException t = (JobWaitTimeoutException) e;
                    assertThat(t.cancelled()).isFalse();
                    assertThat(t.jobIds()).containsExactly(HELD, DONE);
                })
                .hasMessageContaining("nothing was cancelled");
        wm.verify(0, deleteRequestedFor(urlPathMatching("/slurm/v0.0.40/job.*")));
        // one state request a round for both jobs; the ended one was read once, when it was first missing
        int rounds = wm.findAll(getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/jobs/state/"))).size();
        assertThat(rounds).isGreaterThan(1);
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/job/" + DONE)));
    }

    @Test
    void aRefusedTokenEndsTheWaitWithItsOwnError() throws Exception {
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                urlPathEqualTo("/slurm/v0.0.40/jobs/state/")).atPriority(1).willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(511)
                        .withHeader("Content-Type", "application/json")
                        .withBody(Recordings.body("v0.0.40", "error-auth-bad-token-jobs").toString())));
        assertThatThrownBy(() -> waiter().await(HELD, Duration.ofSeconds(30)))
                .isInstanceOf(SlurmAuthenticationException.class);
    }
}
