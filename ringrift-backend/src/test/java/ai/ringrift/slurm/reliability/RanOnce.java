package ai.ringrift.slurm.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.backend.JobHandle;
import ai.ringrift.slurm.backend.SlurmBackend;
import ai.ringrift.slurm.rest.JobInfo;
import java.time.Instant;
import java.util.List;

/** Checks against slurmdbd that each piece of work ran exactly once (one record per job, per array task). */
final class RanOnce {

    private RanOnce() {}

    static void assertEachRanOnce(SlurmBackend backend, List<JobHandle> handles, Instant since) throws InterruptedException {
        for (JobHandle h : handles) {
            Instant deadline = Instant.now().plusSeconds(120);
            List<JobInfo> records;
            do {
                records = backend.client().accountingJobsNamed(h.name(), since).stream().filter(JobInfo::isFinal).toList();
                if (records.size() >= h.tasks()) {
                    break;
                }
                Thread.sleep(500);
            } while (Instant.now().isBefore(deadline));
            assertThat(records).as("slurmdbd records of %s", h.name()).hasSize(h.tasks());
            if (h.tasks() == 1) {
                assertThat(records.get(0).jobId()).isEqualTo(h.jobIds().get(0));
            } else {
                assertThat(records.stream().map(JobInfo::arrayTaskId).distinct().count()).isEqualTo(h.tasks());
            }
        }
    }
}
