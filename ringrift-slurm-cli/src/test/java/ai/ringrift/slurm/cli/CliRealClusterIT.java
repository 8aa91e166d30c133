package ai.ringrift.slurm.cli;

import ai.ringrift.slurm.rest.ApiVersion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.testsupport.ProjectConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ringrift-slurm command line end to end on the local real cluster, with the project's config. */
class CliRealClusterIT {

    private static String config;

    @BeforeAll
    static void cluster() {
        LocalCluster.require();
        config = ProjectConfig.fastPolling().write().toString();
    }

    private static Cli.Run run(String... args) {
        return Cli.run(Path.of(config), args);
    }

    @Test
    void preflightPasses() {
        Cli.Run r = run("preflight");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("PASS    token accepted").contains("preflight passed");
    }

    @Test
    void smokeRunsOneJobPerPartition() {
        Cli.Run r = run("smoke", "--json");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("\"partition\" : \"gpu-train\"").contains("\"partition\" : \"cpu-eval\"")
                .contains("gpus=0");
    }

    /** Every --json output names the API version its answers came in, first: the pinned one, or the newest served. */
    @Test
    void jsonOutputsNameTheApiVersion() throws Exception {
        String pinned = System.getenv("SLURM_REST_API_VERSION");
        for (String[] command : new String[][] {{"workers", "--json"}, {"status", "--json", "1"}, {"preflight", "--json"}}) {
            Cli.Run r = run(command);
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
            String version = json.fieldNames().next().equals("apiVersion") ? json.path("apiVersion").asText() : "(not first)";
            assertThat(ApiVersion.supported()).as(String.join(" ", command) + ": " + r.out()).contains(
                    version.startsWith("v") ? ApiVersion.of(version) : null);
            if (pinned != null && pinned.startsWith("v")) {
                assertThat(version).isEqualTo(pinned);
            }
        }
    }

    @Test
    void theLoopRunsTrainingSelfplayAndATournament() {
        Cli.Run r = run("loop", "--demo-scripts", "--selfplay-tasks", "4", "--timeout", "5m");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("training 'rr-training-loop-train': 1/1 succeeded")
                .contains("selfplay 'rr-selfplay-loop-selfplay': 4/4 succeeded")
                .contains("tournament 'rr-tournament-loop-tournament': 1/1 succeeded").contains("logs: ");
    }

    @Test
    void submitWaitSucceedsAndFailsWithTheRightExitCode() {
        // the stand-ins are in place once the loop or the backend tests ran; make sure of it
        run("loop", "--demo-scripts", "--selfplay-tasks", "1", "--timeout", "5m");
        Cli.Run ok = run("submit", "tournament", "--set", "label=cli-ok", "--wait", "--timeout", "5m");
        assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("1/1 succeeded");

        Cli.Run failed = run("submit", "tournament", "--set", "label=cli-exit3", "--wait", "--timeout", "5m", "--", "--exit", "3");
        assertThat(failed.exit()).isEqualTo(RingriftSlurm.FAILED);
        assertThat(failed.err()).contains("FAILED exit 3");
        assertThat(failed.out()).contains("exiting with 3");

        Cli.Run bad = run("submit", "tournament", "--set", "colour=blue");
        assertThat(bad.exit()).isEqualTo(RingriftSlurm.USAGE);
        assertThat(bad.err()).contains("--set colour: unknown key");
    }
}
