package ai.ringrift.slurm.examples;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.rest.JobState;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.SlurmRejectedException;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.testing.SlurmRestStubs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How a service tests its own Slurm code against the recorded slurmrestd, without a cluster. */
class StubbedSlurmExampleTest {

    @RegisterExtension
    static SlurmRestStubs slurm = SlurmRestStubs.recorded();

    /** The "service" under test: submits a job and reports its state. */
    static String submitAndReport(SlurmClient client) {
        long id = client.submit(JobSubmission.builder().name("svc-job").script("#!/bin/bash\ntrue\n")
                .partition("gpu-train").workingDirectory("/shared").build()).jobId();
        JobState state = client.job(id).map(j -> j.state()).orElse(JobState.UNKNOWN);
        return id + ":" + state;
    }

    @Test
    void theRecordedHappyPath() {
        String report = submitAndReport(slurm.client());
        assertThat(report).endsWith(":COMPLETED");
        slurm.wireMock().verify(1, postRequestedFor(urlPathEqualTo("/slurm/v0.0.40/job/submit")));
    }

    @Test
    void theRecordedRefusalOfAnUnknownPartition() {
        slurm.use("error-submit-unknown-partition");
        assertThatThrownBy(() -> submitAndReport(slurm.client())).isInstanceOfSatisfying(SlurmRejectedException.class,
                e -> assertThat(e.hasErrorNumber(2000)).isTrue());
    }
}
