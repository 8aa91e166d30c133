package ai.ringrift.slurm.backend;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.backend.config.SlurmSettings;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WrapperScriptTest {

    @TempDir
    Path dir;

    static final List<String> HOSTILE = List.of("plain", "with space", "it's \"quoted\"", "$(echo pwned)", "`id`",
            "a;b && c", "line1\nline2", "ünïcødé ✓", "$HOME", "\\back\\slash", "", "x".repeat(4096));

    private SlurmSettings settings(String extra) throws Exception {
        return settings("/shared", "/shared/ringrift", """
                  venv_activate: /shared/venv/bin/activate
                  venv_activate_arm64: /shared/venv-arm64/bin/activate
                """ + extra);
    }

    private SlurmSettings settings(String sharedRoot, String repoDir, String extra) throws Exception {
        return TestSettings.load(dir, sharedRoot, repoDir, extra);
    }

    /**
     * The golden file of the script {@code name}: src/test/resources/golden/NAME.golden, the expected
     * output kept as data (not as a script of the project's own); -Dgolden.update=true rewrites it
     * from what the code renders now (then review the diff).
     */
    private void assertGolden(String script, String actual) throws Exception {
        String name = script + ".golden";
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(Path.of("src/test/resources/golden", name), actual);
        }
        try (var in = getClass().getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden file %s (create it with -Dgolden.update=true)", name).isNotNull();
            assertThat(actual).isEqualTo(new String(in.readAllBytes()));
        }
    }

    @Test
    void plainScriptMatchesTheGoldenFile() throws Exception {
        String script = WrapperScript.render(settings(""), WorkType.TRAINING, "rr-training-gen7",
                List.of("--board", "square8", "--name", "it's gen 7"));
        assertGolden("training-plain.sh", script);
    }

    @Test
    void apptainerScriptMatchesTheGoldenFile() throws Exception {
        String script = WrapperScript.render(settings("""
                  container_runtime: apptainer
                  container_image_x86_64: /shared/images/ringrift-x86_64.sif
                  container_image_arm64: /shared/images/ringrift-arm64.sif
                """), WorkType.SELFPLAY, "rr-selfplay-gen7", List.of("--games", "100"));
        assertGolden("selfplay-apptainer.sh", script);
    }

    @Test
    void pyxisScriptMatchesTheGoldenFile() throws Exception {
        String script = WrapperScript.render(settings("""
                  container_runtime: pyxis
                  container_image_x86_64: nvcr.io#nvidia/pytorch:24.05-py3
                """), WorkType.TOURNAMENT, "rr-tournament-gen7", List.of("--games", "50"));
        assertGolden("tournament-pyxis.sh", script);
    }

    @Test
    void multiNodeTrainingScriptMatchesTheGoldenFile() throws Exception {
        String script = WrapperScript.render(settings("  nodes_training: 3\n  training_launcher: torchrun\n"), WorkType.TRAINING,
                "rr-training-gen7", List.of("--board", "square8", "--name", "it's gen 7"), 4);
        assertGolden("training-3-nodes-torchrun.sh", script);
    }

    @Test
    void multiNodeApptainerAndPyxisScriptsMatchTheGoldenFiles() throws Exception {
        String images = """
                  container_image_x86_64: /shared/images/ringrift-x86_64.sif
                  container_image_arm64: /shared/images/ringrift-arm64.sif
                """;
        assertGolden("training-2-nodes-apptainer.sh", WrapperScript.render(settings("  container_runtime: apptainer\n" + images),
                WorkType.TRAINING, "rr-training-gen7", List.of("--epochs", "3"), 8, 2));
        assertGolden("training-2-nodes-pyxis-torchrun.sh", WrapperScript.render(settings(
                "  container_runtime: pyxis\n  training_launcher: torchrun\n  training_rendezvous_port: 29611\n" + images),
                WorkType.TRAINING, "rr-training-gen7", List.of("--epochs", "3"), 8, 2));
    }

    /** One node is today's script, whichever way it is asked for; more nodes are srun and the rendezvous. */
    @Test
    void oneNodeIsTheSingleNodeScriptAndMoreAddSrunAndTheRendezvous() throws Exception {
        List<String> args = List.of("--board", "square8");
        String today = WrapperScript.render(settings(""), WorkType.TRAINING, "rr-training-gen7", args);
        assertThat(WrapperScript.render(settings("  nodes_training: 1\n"), WorkType.TRAINING, "rr-training-gen7", args)).isEqualTo(today);
        assertThat(WrapperScript.render(settings("  nodes_training: 4\n"), WorkType.TRAINING, "rr-training-gen7", args, 1, 1))
                .as("a task's nodes(1) on a config of 4").isEqualTo(today);
        assertThat(today).doesNotContain("srun").doesNotContain("RINGRIFT_RDZV").doesNotContain("scontrol");

        String three = WrapperScript.render(settings("  nodes_training: 3\n"), WorkType.TRAINING, "rr-training-gen7", args, 2);
        assertThat(three)
                .contains("nodes=3\n")
                .contains("hosts=\"$(scontrol show hostnames \"$SLURM_JOB_NODELIST\")\"")
                .contains("head_node=\"${hosts%%$'\\n'*}\"")
                .contains("export RINGRIFT_NNODES=\"$nodes\" RINGRIFT_NPROC_PER_NODE=2\n")
                .contains("RINGRIFT_RDZV_ENDPOINT=\"$head_node:29500\" RINGRIFT_RDZV_ID=\"ringrift-${SLURM_JOB_ID:?}\"")
                .contains("export MASTER_ADDR=\"$head_node\" MASTER_PORT=29500 WORLD_SIZE=$(( nodes * RINGRIFT_NPROC_PER_NODE ))")
                .contains("export RINGRIFT_NODE_RANK=\"${SLURM_NODEID:?")
                .contains("exec srun --nodes=\"$nodes\" --ntasks=\"$nodes\" --ntasks-per-node=1 --kill-on-bad-exit=1 ")
                .contains("exec python3 \"$@\"")
                .endsWith(" ringrift-node 'scripts/run_nn_training_baseline.py' '--board' 'square8'\n");
        // no GPUs: still one process per node
        assertThat(WrapperScript.render(settings(""), WorkType.TRAINING, "x", args, 0, 2)).contains("RINGRIFT_NPROC_PER_NODE=1\n");
    }

    @Test
    void torchrunOnOneNodeIsStandaloneOnItsGpus() throws Exception {
        String script = WrapperScript.render(settings("  training_launcher: torchrun\n"), WorkType.TRAINING, "x", List.of("--a"), 4);
        assertThat(script).endsWith("exec torchrun --standalone --nnodes=1 --nproc_per_node=4 'scripts/run_nn_training_baseline.py' '--a'\n")
                .doesNotContain("srun");
        // the launcher is training's: self-play and tournaments keep python3
        assertThat(WrapperScript.render(settings("  training_launcher: torchrun\n"), WorkType.SELFPLAY, "x", List.of("--a")))
                .endsWith("exec python3 'scripts/run_self_play_soak.py' '--a'\n");
    }

    @Test
    void onlyTrainingRendersForSeveralNodes() throws Exception {
        SlurmSettings s = settings("  nodes_training: 3\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WrapperScript.render(s, WorkType.SELFPLAY, "x", List.of(), 0, 2))
                .isInstanceOf(ai.ringrift.slurm.rest.SlurmUsageException.class).hasMessageContaining("selfplay runs on one node").hasMessageContaining("only training runs on several nodes");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WrapperScript.render(s, WorkType.TRAINING, "x", List.of(), 0, 0))
                .hasMessageContaining("at least 1");
        // nodes_training is training's alone
        assertThat(WrapperScript.render(s, WorkType.TOURNAMENT, "x", List.of())).doesNotContain("srun");
    }

    /** bash -n on every runtime and launcher, one node and several: the scripts are bash. */
    @Test
    void everyVariantIsValidBash() throws Exception {
        int n = 0;
        for (String runtime : List.of("none", "apptainer", "singularity", "pyxis")) {
            for (String launcher : List.of("python3", "torchrun")) {
                for (int nodes : new int[] {1, 3}) {
                    SlurmSettings s = settings("  container_runtime: " + runtime + "\n  training_launcher: " + launcher
                            + "\n  container_image_x86_64: /shared/i.sif\n");
                    Path file = dir.resolve("check-" + n++ + ".sh");
                    Files.writeString(file, WrapperScript.render(s, WorkType.TRAINING, "x", HOSTILE, 2, nodes));
                    Process p = new ProcessBuilder("bash", "-n", file.toString()).redirectErrorStream(true).start();
                    String out = new String(p.getInputStream().readAllBytes());
                    assertThat(p.waitFor()).as(runtime + " " + launcher + " " + nodes + ": " + out).isZero();
                }
            }
        }
    }

    @Test
    void hostileArgumentsReachTheProgramUnchanged() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        StandIns.install(repo);
        String script = WrapperScript.render(settings(dir.toString(), repo.toString(), ""), WorkType.TRAINING, "x", HOSTILE);
        Path file = dir.resolve("wrapper.sh");
        Files.writeString(file, script);
        Process p = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        String argv = out.lines().filter(l -> l.startsWith("ARGV=")).findFirst().orElseThrow().substring(5);
        assertThat(new ObjectMapper().readValue(argv, List.class)).isEqualTo(HOSTILE);
    }
}
