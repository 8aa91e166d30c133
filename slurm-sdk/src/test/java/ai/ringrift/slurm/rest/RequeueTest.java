package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.recordings.Recordings;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * slurmctld's requeue through REST, which data parser v0.0.45 added: the SDK sends it where the
 * version table says it is served, with Slurm 26.05's recorded answers, and says what would serve
 * it everywhere else without sending anything.
 */
class RequeueTest {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(WireMockConfiguration.wireMockConfig().dynamicPort()).build();

    private static SlurmClient client(String version) {
        for (String name : List.of("ping", "slurmdb-tres")) {
            wm.addStubMapping(Recorded.stub(version, name, 10));
        }
        return SlurmClient.builder().baseUrl(wm.baseUrl()).tokenSource(TokenSources.fixed("t0k3n"))
                .apiVersion(ApiVersion.of(version)).build();
    }

    @Test
    void onV0045ARunningJobIsRequeuedWithOneRequest_andAPendingOneIsLeftAsItIs() {
        try (SlurmClient client = client("v0.0.45")) {
            long job = Recordings.jobId("v0.0.45", "job-get-running");
            wm.addStubMapping(Recorded.stub("v0.0.45", "job-requeue", 1));
            client.requeue(job);
            wm.verify(1, getRequestedFor(urlPathMatching("/slurm/v0.0.45/job/" + job + "/requeue")));
            // the answer 26.05 gives to a requeue of a job already pending (422, error 2024): nothing to do
            wm.resetMappings();
            wm.addStubMapping(Recorded.stub("v0.0.45", "error-requeue-pending", 1));
            client.requeue(job);
            wm.verify(2, getRequestedFor(urlPathMatching("/slurm/v0.0.45/job/" + job + "/requeue")));
        }
    }

    @Test
    void anOlderVersionSaysWhichVersionAndReleaseServeIt_andSendsNothing() {
        try (SlurmClient client = client("v0.0.44")) {
            client.ping();
            int before = wm.getAllServeEvents().size();
            assertThatThrownBy(() -> client.requeue(42)).isInstanceOf(SlurmUsageException.class)
                    .hasMessageContaining("from API version v0.0.45 on (Slurm 26.05 to 26.11)")
                    .hasMessageContaining("scontrol requeue 42");
            assertThat(wm.getAllServeEvents()).hasSize(before);
        }
    }
}
