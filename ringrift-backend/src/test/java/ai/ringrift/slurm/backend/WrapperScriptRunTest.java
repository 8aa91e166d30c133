package ai.ringrift.slurm.backend;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The wrapper scripts executed, not only compared with golden files: stand-in {@code uname},
 * {@code python3}, {@code apptainer}, {@code singularity} and {@code srun} executables on the PATH
 * record the arguments they get (NUL-separated, so nothing is lost), and the test checks the exact
 * command each architecture gets, the venv or image chosen for it, and that arguments with spaces,
 * quotes, $ and newlines arrive intact. (Real apptainer needs user namespaces these machines do
 * not allow.)
 */
class WrapperScriptRunTest {

    @TempDir
    Path dir;

    private Path bin;
    private Path shared;
    private Path repo;
    private Path record;

    static final List<String> ARGS = List.of("--name", "it's \"gen 7\"", "$(echo pwned)", "a b;c", "line1\nline2", "", "ünï");

    @BeforeEach
    void standIns() throws Exception {
        bin = Files.createDirectories(dir.resolve("bin"));
        shared = Files.createDirectories(dir.resolve("shared"));
        repo = Files.createDirectories(shared.resolve("ringrift"));
        record = dir.resolve("argv");
        // each stand-in writes its own name and then every argument, each followed by a NUL
        String recorder = "#!/bin/bash\n{ printf '%s\\0' \"$(basename \"$0\")\" \"$@\"; printf 'VENV=%s\\0' \"${RR_VENV:-}\"; } > '"
                + record + "'\n";
        for (String tool : List.of("python3", "apptainer", "singularity", "srun")) {
            executable(bin.resolve(tool), recorder);
        }
        executable(bin.resolve("uname"), "#!/bin/bash\necho \"$FAKE_ARCH\"\n");
        for (String arch : List.of("x86", "arm64")) {
            Path activate = Files.createDirectories(shared.resolve("venv-" + arch + "/bin")).resolve("activate");
            Files.writeString(activate, "export RR_VENV=" + arch + "\n");
        }
    }

    private static void executable(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private SlurmSettings settings(String runtime) throws Exception {
        Path yaml = dir.resolve("loop-" + runtime + ".yaml");
        Files.writeString(yaml, """
                execution_backend: slurm
                slurm:
                  rest: {url: "http://h:6820", user: u, jwt_key_file: /k}
                  partition_training: t
                  partition_selfplay: s
                  partition_tournament: c
                  shared_root: %s
                  repo_dir: %s
                  venv_activate: %s/venv-x86/bin/activate
                  venv_activate_arm64: %s/venv-arm64/bin/activate
                  container_runtime: %s
                  container_image_x86_64: %s/images/ringrift-x86_64.sif
                  container_image_arm64: %s/images/ringrift-gh200 aarch64.sif
                """.formatted(shared, repo, shared, shared, runtime, shared, shared));
        return ConfigLoader.load(yaml, k -> null).slurm();
    }

    /** Runs the wrapper as Slurm would (bash, in a job's environment) and returns what the stand-in got. */
    private List<String> run(SlurmSettings s, String arch) throws Exception {
        Path script = dir.resolve("job.sh");
        Files.writeString(script, WrapperScript.render(s, WorkType.TRAINING, "rr-training-t", ARGS));
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", script.toString()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", bin + ":/usr/bin:/bin");
        env.put("FAKE_ARCH", arch);
        env.put("SLURM_JOB_ID", "42");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("ringrift: training job 42 on ").contains("(" + arch + ")");
        String recorded = Files.readString(record, StandardCharsets.UTF_8);
        List<String> argv = new ArrayList<>(Arrays.asList(recorded.split("\0", -1)));
        argv.remove(argv.size() - 1); // after the last NUL
        return argv;
    }

    private List<String> expected(String... head) {
        List<String> all = new ArrayList<>(List.of(head));
        all.addAll(ARGS);
        return all;
    }

    @ParameterizedTest
    @CsvSource({"x86_64, x86", "aarch64, arm64"})
    void withoutContainersTheVenvOfTheArchitectureIsSourced(String arch, String venv) throws Exception {
        assertThat(run(settings("none"), arch)).containsExactlyElementsOf(
                append(expected("python3", WorkType.TRAINING.canonicalScript()), "VENV=" + venv));
    }

    @ParameterizedTest
    @CsvSource({"apptainer, x86_64", "apptainer, aarch64", "singularity, x86_64", "singularity, aarch64"})
    void apptainerAndSingularityGetTheImageOfTheArchitecture(String runtime, String arch) throws Exception {
        String image = shared + (arch.equals("aarch64") ? "/images/ringrift-gh200 aarch64.sif" : "/images/ringrift-x86_64.sif");
        assertThat(run(settings(runtime), arch)).containsExactlyElementsOf(append(expected(runtime, "exec", "--nv",
                "--bind", shared.toString(), "--pwd", repo.toString(), image, "python3", WorkType.TRAINING.canonicalScript()),
                "VENV="));
    }

    @ParameterizedTest
    @CsvSource({"x86_64", "aarch64"})
    void pyxisGetsSrunWithTheImageAndTheSharedMount(String arch) throws Exception {
        String image = shared + (arch.equals("aarch64") ? "/images/ringrift-gh200 aarch64.sif" : "/images/ringrift-x86_64.sif");
        assertThat(run(settings("pyxis"), arch)).containsExactlyElementsOf(append(expected("srun", "--ntasks=1",
                "--container-image=" + image, "--container-mounts=" + shared + ":" + shared, "--container-workdir=" + repo,
                "python3", WorkType.TRAINING.canonicalScript()), "VENV="));
    }

    private static List<String> append(List<String> list, String last) {
        List<String> all = new ArrayList<>(list);
        all.add(last);
        return all;
    }
}
