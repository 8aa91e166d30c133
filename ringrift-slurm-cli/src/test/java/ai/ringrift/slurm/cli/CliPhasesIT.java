package ai.ringrift.slurm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.testsupport.ProjectConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The design's phase 1 through the command line on the local real cluster: only training moved to
 * Slurm ({@code slurm.work_types: [training]}), the other partitions not even on the cluster.
 * Preflight and smoke check only what training needs; loop runs training and names what it left.
 */
class CliPhasesIT {

    private static Path phaseOne;

    @BeforeAll
    static void config() throws Exception {
        LocalCluster.require();
        phaseOne = ProjectConfig.forLocalCluster().adding("slurm.work_types", java.util.List.of("training"))
                .with("slurm.partition_selfplay", "not-built-yet").with("slurm.partition_tournament", "not-built-either").write();
    }

    private static Cli.Run run(String... args) {
        return Cli.run(phaseOne, args);
    }

    @Test
    void preflightAndSmokeCheckOnlyWhatTrainingNeeds() {
        Cli.Run preflight = run("preflight");
        assertThat(preflight.exit()).as(preflight.out() + preflight.err()).isZero();
        assertThat(preflight.out()).contains("partition gpu-train").doesNotContain("not-built-yet")
                .doesNotContain("not-built-either");
        Cli.Run smoke = run("smoke");
        assertThat(smoke.exit()).as(smoke.out() + smoke.err()).isZero();
        assertThat(smoke.out()).contains("gpu-train").doesNotContain("not-built");
    }

    @Test
    void theLoopRunsTrainingAndSaysWhatItLeftToTheDefaultBackend() {
        Cli.Run loop = run("loop", "--demo-scripts", "--timeout", "5m");
        assertThat(loop.exit()).as(loop.out() + loop.err()).isZero();
        assertThat(loop.out()).contains("== left to the default backend (not in slurm.work_types): selfplay, tournament")
                .contains("training 'rr-training-loop-train': 1/1 succeeded").doesNotContain("rr-selfplay")
                .doesNotContain("rr-tournament");
    }

    @Test
    void workNotMovedIsRefusedWithTheSettingNamed() {
        Cli.Run submit = run("submit", "selfplay", "--set", "tasks=2");
        assertThat(submit.exit()).isEqualTo(RingriftSlurm.USAGE);
        assertThat(submit.err()).contains("selfplay work is not moved to Slurm: slurm.work_types is [training]");
    }
}
