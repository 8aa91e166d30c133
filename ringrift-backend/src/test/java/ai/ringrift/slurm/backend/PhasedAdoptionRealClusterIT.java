package ai.ringrift.slurm.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.LoopConfig;
import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.testsupport.ProjectConfig;
import ai.ringrift.slurm.rest.SlurmUsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The design's phased adoption on the local real cluster: with {@code slurm.work_types} naming the
 * moved work types, those run on Slurm and the rest go to the host's default backend; without a
 * default backend, work not moved is refused, never submitted.
 */
class PhasedAdoptionRealClusterIT {

    private static ProjectConfig yaml;

    /** A stand-in for the loop's P2P/SSH backend: records what it was given. */
    static final class DefaultBackend implements OrchestratorBackend {
        final List<WorkType> ran = new ArrayList<>();
        int syncs;

        private JobHandle run(WorkType type, TaskSpec task) {
            ran.add(type);
            return new JobHandle(type, "p2p-" + task.label(), List.of(), task.tasks(),
                    CompletableFuture.completedFuture(new JobOutcome(type, "p2p", List.of())), ids -> { }, "p2p", java.time.Instant.now());
        }

        @Override public JobHandle runTraining(TaskSpec task) { return run(WorkType.TRAINING, task); }
        @Override public JobHandle runSelfplay(TaskSpec task) { return run(WorkType.SELFPLAY, task); }
        @Override public JobHandle runTournament(TaskSpec task) { return run(WorkType.TOURNAMENT, task); }
        @Override public List<WorkerPool> getAvailableWorkers() { return List.of(); }
        @Override public void syncModels() { syncs++; }
        @Override public void syncData() { syncs++; }
        @Override public void close() { throw new AssertionError("the default backend is the host's to close"); }
    }

    @BeforeAll
    static void cluster() throws Exception {
        LocalCluster.require();
        yaml = ProjectConfig.fastPolling();
        StandIns.install(load(yaml).slurm().repoDir());
    }

    private static LoopConfig load(ProjectConfig config) throws Exception {
        return ConfigLoader.load(config.write());
    }

    private static LoopConfig phase(String workTypes) throws Exception {
        return load(yaml.adding("slurm.work_types", java.util.Arrays.asList(workTypes.replaceAll("[\\[\\] ]", "").split(","))));
    }

    private static JobHandle run(OrchestratorBackend b, WorkType type, String label) {
        TaskSpec task = TaskSpec.builder().label(label).tasks(type == WorkType.SELFPLAY ? 2 : 1).build();
        return switch (type) {
            case TRAINING -> b.runTraining(task);
            case SELFPLAY -> b.runSelfplay(task);
            case TOURNAMENT -> b.runTournament(task);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"[training]", "[training, tournament]", "[training, tournament, selfplay]"})
    void eachPhaseRunsItsMovedWorkOnSlurmAndTheRestOnTheDefaultBackend(String workTypes) throws Exception {
        LoopConfig config = phase(workTypes);
        Set<WorkType> moved = EnumSet.copyOf(config.slurm().movedWorkTypes());
        DefaultBackend p2p = new DefaultBackend();
        try (OrchestratorBackend backend = OrchestratorBackend.fromConfig(config, p2p)) {
            backend.syncModels();
            List<JobHandle> onSlurm = new ArrayList<>();
            for (WorkType type : WorkType.values()) {
                JobHandle h = run(backend, type, "phase-" + type.key());
                if (moved.contains(type)) {
                    assertThat(h.jobIds()).as(type + " on Slurm").isNotEmpty();
                    onSlurm.add(h);
                } else {
                    assertThat(h.jobIds()).as(type + " on the default backend").isEmpty();
                }
            }
            for (JobHandle h : onSlurm) {
                JobOutcome o = h.await(Duration.ofMinutes(3));
                assertThat(o.isSuccess()).as(o.summary()).isTrue();
            }
            assertThat(p2p.ran).containsExactlyElementsOf(EnumSet.complementOf(EnumSet.copyOf(moved)));
            assertThat(p2p.syncs).isEqualTo(moved.size() == 3 ? 0 : 1);
        }
    }

    @Test
    void withoutADefaultBackendWorkNotMovedIsRefusedAndNothingIsSubmitted() throws Exception {
        LoopConfig config = phase("[training]");
        try (OrchestratorBackend backend = OrchestratorBackend.fromConfig(config)) {
            SlurmBackend slurm = (SlurmBackend) backend;
            Instant before = Instant.now().minusSeconds(1);
            long floor = ai.ringrift.slurm.reliability.ClusterRecords.floor(slurm.client());
            assertThatThrownBy(() -> backend.runTournament(TaskSpec.builder().label("not-moved").build()))
                    .isInstanceOf(SlurmUsageException.class)
                    .hasMessageContaining("tournament work is not moved to Slurm: slurm.work_types is [training]")
                    .hasMessageContaining("fromConfig(config, fallback)");
            assertThatThrownBy(() -> backend.runSelfplay(TaskSpec.builder().label("not-moved").tasks(2).build()))
                    .isInstanceOf(SlurmUsageException.class).hasMessageContaining("slurm.work_types");
            ai.ringrift.slurm.reliability.ClusterRecords.caughtUp(slurm.client(), floor).assertNothingNamed("rr-tournament-not-moved", before);
            assertThat(slurm.liveJobIds()).isEmpty();
        }
    }
}
