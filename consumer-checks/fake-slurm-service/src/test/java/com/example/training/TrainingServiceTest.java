package com.example.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import ai.ringrift.slurm.rest.JobState;
import ai.ringrift.slurm.rest.SlurmRejectedException;
import ai.ringrift.slurm.testing.fake.FakeCluster;
import ai.ringrift.slurm.testing.fake.FakeJob;
import ai.ringrift.slurm.testing.fake.FakeSlurm;
import ai.ringrift.slurm.testing.fake.JobRun;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TrainingServiceTest {

    @RegisterExtension
    static FakeSlurm slurm = FakeSlurm.builder().clockSpeed(3600).build(); // an hour of the cluster's a second

    @Test
    void resubmitsOnceAfterAFailureAndSaysWhereTheLogIs() throws InterruptedException {
        slurm.onNextJobs(JobRun.runs(Duration.ofMinutes(20)).exitCode(1), JobRun.runs(Duration.ofMinutes(50)));
        TrainingService.Outcome outcome = new TrainingService(slurm.client(), "/shared/logs").train("gen7", Duration.ofHours(2));

        assertThat(outcome.succeeded()).isTrue();
        assertThat(outcome.attempts()).isEqualTo(2);
        assertThat(outcome.logPath()).isEqualTo("/shared/logs/gen7-" + outcome.jobId() + ".out");
        assertThat(slurm.jobs()).extracting(FakeJob::name, FakeJob::state, FakeJob::exitCode)
                .containsExactly(tuple("gen7", JobState.FAILED, 1), tuple("gen7", JobState.COMPLETED, 0));
    }

    @Test
    void givesUpAfterTheSecondFailure() throws InterruptedException {
        slurm.onNextJobs(JobRun.runs(Duration.ofMinutes(5)).exitCode(1), JobRun.runs(Duration.ofHours(3)));
        TrainingService.Outcome outcome = new TrainingService(slurm.client(), "/shared/logs").train("gen8", Duration.ofHours(2));

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.attempts()).isEqualTo(2);
        assertThat(outcome.state()).isEqualTo(JobState.TIMEOUT); // the second ran past its time limit
        assertThat(slurm.jobs()).hasSize(2);
    }

    @Test
    void aJobNoNodeCanRunIsRefusedNotResubmitted() {
        FakeCluster noGpus = FakeCluster.localTestCluster().toBuilder().node("localhost", 8, 16000, 0).build();
        try (FakeSlurm cpuOnly = FakeSlurm.builder().cluster(noGpus).start()) {
            TrainingService service = new TrainingService(cpuOnly.client(), "/shared/logs");
            assertThatThrownBy(() -> service.train("gen9", Duration.ofHours(1)))
                    .isInstanceOfSatisfying(SlurmRejectedException.class, e -> assertThat(e.hasErrorNumber(2014)).isTrue());
            assertThat(cpuOnly.jobs()).isEmpty();
        }
    }
}
