package ai.ringrift.slurm.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.backend.JobHandle;
import ai.ringrift.slurm.backend.JobOutcome;
import ai.ringrift.slurm.backend.OrchestratorBackend;
import ai.ringrift.slurm.backend.OutcomeKind;
import ai.ringrift.slurm.backend.SlurmBackend;
import ai.ringrift.slurm.backend.StandIns;
import ai.ringrift.slurm.backend.TaskSpec;
import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.LoopConfig;
import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.testsupport.ProjectConfig;
import ai.ringrift.slurm.rest.SlurmUsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Daemons of the real cluster stopped and started under a running backend: every job reaches its
 * true final state, and slurmdbd's records show each submitted exactly once.
 */
class ClusterFaultsIT {

    private static LocalCluster cluster;
    private static LoopConfig config;
    private static ProjectConfig yaml;

    @BeforeAll
    static void setUp() throws Exception {
        cluster = LocalCluster.require();
        Path project = Path.of(System.getProperty("project.root", ".."));
        yaml = ProjectConfig.fastPolling().with("slurm.poll_interval_max", "3s");
        config = load(yaml);
        StandIns.install(config.slurm().repoDir());
    }

    @AfterAll
    static void everythingBackUp() throws Exception {
        if (cluster != null) { // null when the cluster was skipped on purpose
            cluster.up();
        }
    }

    private static LoopConfig load(ProjectConfig config) throws Exception {
        return ConfigLoader.load(config.write());
    }

    private static CompletableFuture<Void> restartLater(String daemon, int seconds) {
        return CompletableFuture.runAsync(() -> {
            try {
                cluster.stop(daemon);
                TimeUnit.SECONDS.sleep(seconds);
                cluster.up();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void slurmrestdKilledWhile200JobsAreTrackedAndBack10sLater() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Instant since = Instant.now().minusSeconds(5);
        try (SlurmBackend backend = (SlurmBackend) OrchestratorBackend.fromConfig(config)) {
            List<JobHandle> handles = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                handles.add(backend.runTournament(TaskSpec.builder().label("rest-" + run + "-" + i).cpus(1).memoryMb(64)
                        .addArguments("--sleep", "1").build()));
            }
            restartLater("slurmrestd", 10).get(2, TimeUnit.MINUTES);
            for (JobHandle h : handles) {
                JobOutcome outcome = h.await(Duration.ofMinutes(5));
                assertThat(outcome.isSuccess()).as(outcome.summary()).isTrue();
            }
            RanOnce.assertEachRanOnce(backend, handles, since);
            System.out.printf("FAULT slurmrestd: 200 jobs tracked through a 10 s outage, all COMPLETED, %d tracking requests%n",
                    backend.trackingRequests());
        }
    }

    @Test
    void slurmctldRestartedInTheMiddleOfARun() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Instant since = Instant.now().minusSeconds(5);
        try (SlurmBackend backend = (SlurmBackend) OrchestratorBackend.fromConfig(config)) {
            List<JobHandle> handles = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                handles.add(backend.runTournament(TaskSpec.builder().label("ctld-" + run + "-" + i).cpus(1).memoryMb(64)
                        .addArguments("--sleep", "3").build()));
            }
            CompletableFuture<Void> restart = restartLater("slurmctld", 5);
            // submissions keep coming while slurmctld is away; they wait for it (retries), never twice
            for (int i = 20; i < 30; i++) {
                handles.add(backend.runTournament(TaskSpec.builder().label("ctld-" + run + "-" + i).cpus(1).memoryMb(64)
                        .addArguments("--sleep", "1").build()));
            }
            restart.get(2, TimeUnit.MINUTES);
            for (JobHandle h : handles) {
                assertThat(h.await(Duration.ofMinutes(5)).isSuccess()).isTrue();
            }
            RanOnce.assertEachRanOnce(backend, handles, since);
        }
    }

    @Test
    void aFinishedJobWaitsForSlurmdbdWhenItIsDown() throws Exception {
        // a service submits and stops (its job goes on), then a new one resumes tracking while slurmdbd is down
        SlurmBackend first = (SlurmBackend) OrchestratorBackend.fromConfig(config);
        JobHandle job = first.runTournament(TaskSpec.builder().label("dbd-" + UUID.randomUUID().toString().substring(0, 8))
                .addArguments("--exit", "5").build());
        first.detach();
        long id = job.jobIds().get(0);
        try (SlurmBackend resumed = (SlurmBackend) OrchestratorBackend.fromConfig(config)) {
            Instant deadline = Instant.now().plusSeconds(240);
            while (resumed.client().job(id).isPresent() && Instant.now().isBefore(deadline)) {
                Thread.sleep(2000);
            }
            assertThat(resumed.client().job(id)).as("job %d left slurmctld", id).isEmpty();
            cluster.stop("slurmdbd");
            JobHandle again = resumed.resume(job);
            Thread.sleep(5000);
            assertThat(again.outcome()).as("slurmdbd is down: the job is not taken for finished").isNotDone();
            assertThat(resumed.liveJobIds()).contains(id);
            cluster.up();
            JobOutcome outcome = again.await(Duration.ofMinutes(2));
            assertThat(outcome.tasks().get(0).kind()).isEqualTo(OutcomeKind.FAILED);
            assertThat(outcome.tasks().get(0).exitCode()).isEqualTo(5);
            assertThat(outcome.tasks().get(0).fromAccounting()).isTrue();
        }
    }

    @Test
    void anUnwritableLogDirectoryIsRefusedBeforeAnythingIsSubmitted() throws Exception {
        Path logs = Files.createDirectories(config.slurm().sharedRoot().resolve("unwritable-logs-" + UUID.randomUUID()));
        Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-xr-x")); // root's: the job user cannot write
        try (SlurmBackend backend = (SlurmBackend) OrchestratorBackend.fromConfig(load(yaml.with(
                "slurm.log_dir", logs.toString())))) {
            Instant before = Instant.now().minusSeconds(1);
            long floor = ClusterRecords.floor(backend.client());
            assertThatThrownBy(() -> backend.runTournament(TaskSpec.builder().label("nolog").build()))
                    .isInstanceOf(SlurmUsageException.class)
                    .hasMessageContaining(logs.toString()).hasMessageContaining("owner root:root, mode 755")
                    .hasMessageContaining("not writable by ringrift").hasMessageContaining("Fix: chown ringrift " + logs);
            ClusterRecords.caughtUp(backend.client(), floor).assertNothingNamed("rr-tournament-nolog", before);
        }
    }
}
