package com.example;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ringrift.slurm.rest.JobState;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.SlurmRejectedException;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.testing.SlurmRestStubs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** docs/sdk.md's "Testing your service without a cluster", in a fresh project. */
class StubbedSlurmTest {

    @RegisterExtension
    static SlurmRestStubs slurm = SlurmRestStubs.recorded();

    static String submitAndReport(SlurmClient client) {
        long id = client.submit(JobSubmission.builder().name("svc-job").script("#!/bin/bash\ntrue\n")
                .partition("gpu-train").workingDirectory("/shared").build()).jobId();
        return id + ":" + client.job(id).map(j -> j.state()).orElse(JobState.UNKNOWN);
    }

    @Test
    void theRecordedHappyPath() {
        assertTrue(submitAndReport(slurm.client()).endsWith(":COMPLETED"));
        slurm.wireMock().verify(1, postRequestedFor(urlPathEqualTo("/slurm/v0.0.40/job/submit")));
    }

    @Test
    void theRecordedRefusalOfAnUnknownPartition() {
        slurm.use("error-submit-unknown-partition");
        SlurmRejectedException e = assertThrows(SlurmRejectedException.class, () -> submitAndReport(slurm.client()));
        assertTrue(e.hasErrorNumber(2000));
    }
}
