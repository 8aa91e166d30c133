package ai.ringrift.slurm.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.backend.JobHandle;
import ai.ringrift.slurm.backend.JobOutcome;
import ai.ringrift.slurm.backend.OrchestratorBackend;
import ai.ringrift.slurm.backend.SlurmBackend;
import ai.ringrift.slurm.backend.StandIns;
import ai.ringrift.slurm.backend.TaskSpec;
import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.LoopConfig;
import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.testsupport.ProjectConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 1,000 jobs (training, tournaments and self-play array tasks, mixed) submitted and tracked to
 * their final states: none lost, none run twice (checked against slurmdbd), and the request rate
 * to slurmrestd bounded by the polling design.
 */
class LoadIT {

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES) // about 4 minutes on 2 cores; the default 3 is too short
    void aThousandJobsNoneLostNoneTwice() throws Exception {
        LocalCluster.require();
        Path project = Path.of(System.getProperty("project.root", ".."));
        Path file = ProjectConfig.forLocalCluster().with("slurm.poll_interval_min", "1s").with("slurm.poll_interval_max", "5s").write();
        LoopConfig config = ConfigLoader.load(file);
        StandIns.install(config.slurm().repoDir());
        String run = UUID.randomUUID().toString().substring(0, 6);
        Instant since = Instant.now().minusSeconds(5);

        List<JobHandle> handles = new ArrayList<>();
        long start = System.nanoTime();
        try (SlurmBackend backend = (SlurmBackend) OrchestratorBackend.fromConfig(config)) {
            for (int i = 0; i < 40; i++) {
                handles.add(backend.runTraining(TaskSpec.builder().label("load-" + run + "-t" + i).cpus(1).memoryMb(64).build()));
            }
            for (int i = 0; i < 160; i++) {
                handles.add(backend.runTournament(TaskSpec.builder().label("load-" + run + "-m" + i).cpus(1).memoryMb(64).build()));
            }
            for (int i = 0; i < 8; i++) {
                handles.add(backend.runSelfplay(TaskSpec.builder().label("load-" + run + "-s" + i).tasks(100).throttle(8)
                        .cpus(1).memoryMb(64).build()));
            }
            double submitSeconds = (System.nanoTime() - start) / 1e9;
            int tasks = handles.stream().mapToInt(JobHandle::tasks).sum();
            assertThat(tasks).isEqualTo(1000);

            int succeeded = 0;
            for (JobHandle h : handles) {
                JobOutcome outcome = h.await(Duration.ofMinutes(20));
                assertThat(outcome.isSuccess()).as(outcome.summary()).isTrue();
                succeeded += outcome.tasks().size();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long requests = backend.trackingRequests();

            // slurmdbd: each plain job once; each array's 100 tasks once each
            RanOnce.assertEachRanOnce(backend, handles, since);
            System.out.printf("LOAD: %d jobs (40 training, 160 tournaments, 8 arrays x 100) submitted in %.1f s, all %d "
                    + "final and COMPLETED in %.1f s; %d tracking requests (%.2f per second); 0 lost, 0 duplicated%n",
                    tasks, submitSeconds, succeeded, seconds, requests, requests / seconds);
            // bounded by the design: one state request per round (>= 1 s apart) plus final reads
            // (one per plain job, at most one per array per round)
            long rounds = (long) Math.ceil(seconds) + 1;
            assertThat(requests).isLessThanOrEqualTo(rounds + 200 + 8 * rounds);
        }
    }
}
