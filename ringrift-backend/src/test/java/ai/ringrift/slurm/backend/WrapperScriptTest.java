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

    /** The golden file; -Dgolden.update=true rewrites it from what the code renders now (then review the diff). */
    private void assertGolden(String name, String actual) throws Exception {
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
