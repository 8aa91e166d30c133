package ai.ringrift.slurm.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.backend.JobHandle;
import ai.ringrift.slurm.backend.SlurmBackend;
import ai.ringrift.slurm.rest.JobInfo;
import java.time.Instant;
import java.util.List;

/**
 * Checks that each piece of work ran exactly once: each job's final record in slurmdbd (one per job,
 * per array task), then, once slurmdbd has caught up (a probe job's record, {@link ClusterRecords}),
 * no other job of that name in slurmdbd (any state) or in slurmctld.
 */
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
            assertThat(records).as("final slurmdbd records of %s", h.name()).hasSize(h.tasks());
        }
        // slurmdbd read by id from just below the first job (a copy made by a resend has a later id)
        long floor = handles.stream().flatMap(h -> h.jobIds().stream()).mapToLong(Long::longValue).min().orElse(1) - 1;
        ClusterRecords cluster = ClusterRecords.caughtUp(backend.client(), floor);
        for (JobHandle h : handles) {
            ClusterRecords.Named n = cluster.named(h.name(), since);
            List<JobInfo> records = n.accounting();
            assertThat(records).as("slurmdbd records of %s (any state)", h.name()).hasSize(h.tasks());
            if (h.tasks() == 1) {
                assertThat(n.ids()).as("jobs named %s in slurmdbd and slurmctld", h.name()).containsExactly(h.jobIds().get(0));
            } else {
                assertThat(records.stream().map(JobInfo::arrayTaskId).distinct().count()).isEqualTo(h.tasks());
                assertThat(n.slurmctld()).as("slurmctld's jobs named %s", h.name())
                        .allMatch(id -> records.stream().anyMatch(j -> j.jobId() == id));
            }
        }
    }
}
