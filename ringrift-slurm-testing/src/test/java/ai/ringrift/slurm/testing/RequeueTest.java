package ai.ringrift.slurm.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.rest.SlurmUsageException;
import org.junit.jupiter.api.Test;

/**
 * slurmctld's requeue through REST, which data parser v0.0.45 added: the SDK sends it where the
 * version table says it is served, with Slurm 26.05's recorded answers, and says what would serve
 * it everywhere else without sending anything.
 */
class RequeueTest {

    @Test
    void onV0045ARunningJobIsRequeuedWithOneRequest_andAPendingOneIsLeftAsItIs() {
        try (SlurmRestStubs slurm = SlurmRestStubs.recorded("v0.0.45").start()) {
            long job = Recordings.jobId("v0.0.45", "job-get-running");
            slurm.use("job-requeue");
            slurm.client().requeue(job);
            slurm.wireMock().verify(1, getRequestedFor(urlPathMatching("/slurm/v0.0.45/job/" + job + "/requeue")));
            // the answer 26.05 gives to a requeue of a job already pending (422, error 2024): nothing to do
            slurm.use("error-requeue-pending");
            slurm.client().requeue(job);
            slurm.wireMock().verify(2, getRequestedFor(urlPathMatching("/slurm/v0.0.45/job/" + job + "/requeue")));
        }
    }

    @Test
    void anOlderVersionSaysWhichVersionAndReleaseServeIt_andSendsNothing() {
        try (SlurmRestStubs slurm = SlurmRestStubs.recorded("v0.0.44").start()) {
            slurm.client().ping();
            int before = slurm.wireMock().getAllServeEvents().size();
            assertThatThrownBy(() -> slurm.client().requeue(42)).isInstanceOf(SlurmUsageException.class)
                    .hasMessageContaining("from API version v0.0.45 on (Slurm 26.05 to 26.11)")
                    .hasMessageContaining("scontrol requeue 42");
            assertThat(slurm.wireMock().getAllServeEvents()).hasSize(before);
            slurm.wireMock().verify(0, getRequestedFor(anyUrl()).withUrl("/slurm/v0.0.44/job/42/requeue"));
        }
    }
}
