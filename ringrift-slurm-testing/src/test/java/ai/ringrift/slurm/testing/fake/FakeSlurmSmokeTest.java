package ai.ringrift.slurm.testing.fake;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobState;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.JobWaiter;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.SubmittedJob;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FakeSlurmSmokeTest {

    static List<String> versions() {
        return FakeSlurm.versions();
    }

    @ParameterizedTest
    @MethodSource("versions")
    void submitWaitFail(String version) {
        try (FakeSlurm fake = FakeSlurm.builder().version(version).clockSpeed(20).start()) {
            SlurmClient c = fake.client();
            SubmittedJob ok = c.submit(JobSubmission.builder().name("ok").script("#!/bin/bash\nsleep 2\n").workingDirectory("/tmp")
                    .memoryPerNodeMb(64).build());
            SubmittedJob bad = c.submit(JobSubmission.builder().name("bad").script("#!/bin/bash\nexit 3\n").workingDirectory("/tmp")
                    .memoryPerNodeMb(64).build());
            JobWaiter w = JobWaiter.builder(c).minInterval(Duration.ofMillis(50)).maxInterval(Duration.ofMillis(200)).build();
            JobInfo a = w.await(ok.jobId(), Duration.ofSeconds(20));
            JobInfo b = w.await(bad.jobId(), Duration.ofSeconds(20));
            assertThat(a.state()).isEqualTo(JobState.COMPLETED);
            assertThat(a.comment()).contains(ok.submitKey());
            assertThat(b.state()).isEqualTo(JobState.FAILED);
            assertThat(b.exitCode()).isEqualTo(3);
            System.out.println(version + " " + a + "\n" + b);
            List<JobInfo> tasks = w.await(List.of(JobWaiter.Target.array(c.submit(JobSubmission.builder().name("arr")
                    .script("#!/bin/bash\nsleep 1\n").workingDirectory("/tmp").memoryPerNodeMb(64).array("0-3%2").build()).jobId(), 4)),
                    Duration.ofSeconds(20));
            assertThat(tasks).hasSize(4).allMatch(t -> t.state() == JobState.COMPLETED);
            fake.advance(Duration.ofSeconds(31));
            assertThat(c.job(ok.jobId())).isEmpty();
            assertThat(c.accountingJobs(ok.jobId())).singleElement().matches(j -> j.state() == JobState.COMPLETED);
        }
    }
}
