package ai.ringrift.slurm.testing;

import ai.ringrift.slurm.recordings.Recordings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobState;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.SlurmRejectedException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SDK against what the real slurmrestd answered in each API version it speaks (the test kit's
 * recordings, one set per version the SDK speaks, each from the release its version table entry names): every public type
 * keeps one meaning whichever version the answer came in.
 */
class RecordedAnswersTest {

    static List<String> versions() {
        return Recordings.VERSIONS;
    }

    @ParameterizedTest
    @MethodSource("versions")
    void everyVersionsAnswersMeanTheSame(String version) {
        try (SlurmRestStubs slurm = SlurmRestStubs.recorded(version).start()) {
            SlurmClient client = slurm.client();
            assertThat(client.apiVersion().text()).isEqualTo(version);
            assertThat(client.checkVersion().slurmRelease())
                    .isEqualTo(Recordings.body(version, "ping").path("meta").path("slurm").path("release").asText())
                    .isNotBlank();
            assertThat(client.partitions()).extracting(p -> p.name()).contains("cpu-eval", "gpu-train");
            assertThat(client.nodes()).isNotEmpty().allSatisfy(n -> assertThat(n.gpus()).isPositive());
            assertThat(client.associations("ringrift")).isNotEmpty().allSatisfy(a -> assertThat(a.account()).isEqualTo("ringrift"));

            // a held job: its id from the submit answer (v0.0.42 dropped the result object), its state, a cancel
            long held = Recordings.jobId(version, "job-submit-held");
            slurm.use("job-submit-held");
            JobSubmission submission = JobSubmission.builder().name("held").script("#!/bin/bash\ntrue\n")
                    .workingDirectory("/tmp").hold(true).build();
            assertThat(client.submit(submission).jobId()).isEqualTo(held);
            slurm.use("job-get-held");
            JobInfo heldJob = client.jobs(held).get(0);
            assertThat(heldJob.state()).isEqualTo(JobState.PENDING);
            assertThat(heldJob.isFinal()).isFalse();
            assertThat(client.jobStates(List.of(held))).singleElement()
                    .satisfies(e -> assertThat(e.state()).isEqualTo(JobState.PENDING));
            client.cancel(held);

            // a completed job, in slurmctld and in slurmdbd: the output path resolved in each version
            long done = Recordings.jobId(version, "job-get-completed");
            JobInfo live = client.jobs(done).get(0);
            assertThat(live.state()).isEqualTo(JobState.COMPLETED);
            assertThat(live.exitCode()).isZero();
            assertThat(live.standardOutput()).endsWith("-" + done + ".out").doesNotContain("%");
            JobInfo accounted = client.accountingJobs(List.of(done)).get(0);
            assertThat(accounted.state()).isEqualTo(JobState.COMPLETED);
            assertThat(accounted.exitCode()).isZero();
            assertThat(accounted.source()).isEqualTo(JobInfo.Source.ACCOUNTING);
            if (!version.equals("v0.0.40")) { // slurmdbd's v0.0.40 records carry no output path
                assertThat(accounted.standardOutput()).isEqualTo(live.standardOutput());
            }

            // refusals: an unknown job is none; a bad partition is refused for good, whatever the status
            // (Slurm 24.11 answers 500, 26.05 answers 422)
            slurm.use("error-get-unknown-job");
            assertThat(client.jobs(Recordings.jobId(version, "error-get-unknown-job"))).isEmpty();
            slurm.use("error-submit-unknown-partition");
            assertThatThrownBy(() -> client.submit(submission.toBuilder().partition("nope").build()))
                    .isInstanceOfSatisfying(SlurmRejectedException.class, e -> {
                        assertThat(e.isRetryable()).isFalse();
                        assertThat(e.hasErrorNumber(2000)).isTrue();
                    })
                    .hasMessageContaining("Invalid partition name");
        }
    }
}
