package ai.ringrift.slurm.backend;

import static org.assertj.core.api.Assertions.assertThat;

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
 * quotes, $ and newlines arrive intact. The apptainer and singularity stand-ins then run what
 * follows the image, as the real ones do inside it, so the wrapper's in-container line runs too. The
 * real apptainer runs the same wrapper on the local cluster for this machine's architecture
 * ({@code ContainerRealClusterIT}); the other architecture, and pyxis, only here.
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
        for (String tool : List.of("python3", "srun")) {
            executable(bin.resolve(tool), recorder);
        }
        // apptainer and singularity: record to their own file, then run the command after the image
        // (after exec and the options with a value) with the container's variable set, as inside it
        String container = "#!/bin/bash\nprintf '%s\\0' \"$(basename \"$0\")\" \"$@\" > '" + dir.resolve("container-argv") + "'\n"
                + "shift\nwhile [ \"${1#--}\" != \"$1\" ]; do case $1 in --nv) shift ;; *) shift 2 ;; esac; done\n"
                + "image=$1; shift\nexport APPTAINER_CONTAINER=$image SINGULARITY_CONTAINER=$image\nexec \"$@\"\n";
        for (String tool : List.of("apptainer", "singularity")) {
            executable(bin.resolve(tool), container);
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
        return TestSettings.load(dir, shared, repo, """
                  venv_activate: %s/venv-x86/bin/activate
                  venv_activate_arm64: %s/venv-arm64/bin/activate
                  container_runtime: %s
                  container_image_x86_64: %s/images/ringrift-x86_64.sif
                  container_image_arm64: %s/images/ringrift-gh200 aarch64.sif
                """.formatted(shared, shared, runtime, shared, shared));
    }

    private String output;

    /** Runs the wrapper as Slurm would (bash, in a job's environment) and returns what the stand-in got. */
    private List<String> run(SlurmSettings s, String arch) throws Exception {
        return run(s, arch, 1);
    }

    private List<String> run(SlurmSettings s, String arch, int gpus) throws Exception {
        Path script = dir.resolve("job.sh");
        Files.writeString(script, WrapperScript.render(s, WorkType.TRAINING, "rr-training-t", ARGS, gpus));
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", script.toString()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", bin + ":/usr/bin:/bin");
        env.put("FAKE_ARCH", arch);
        env.put("SLURM_JOB_ID", "42");
        Process p = pb.start();
        output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("ringrift: training job 42 on ").contains("(" + arch + ")");
        return recorded(record);
    }

    private static List<String> recorded(Path file) throws Exception {
        String recorded = Files.readString(file, StandardCharsets.UTF_8);
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
        // the program inside gets exactly its arguments, and no venv is sourced
        assertThat(run(settings(runtime), arch)).containsExactlyElementsOf(append(expected("python3",
                WorkType.TRAINING.canonicalScript()), "VENV="));
        assertThat(recorded(dir.resolve("container-argv"))).containsExactlyElementsOf(expected(runtime, "exec", "--nv",
                "--bind", shared.toString(), "--pwd", repo.toString(), image, "/bin/sh", "-c",
                "echo \"ringrift: in container ${APPTAINER_CONTAINER:-$SINGULARITY_CONTAINER}\"; exec \"$@\"", "ringrift",
                "python3", WorkType.TRAINING.canonicalScript()));
        assertThat(output).contains("ringrift: in container " + image + "\n");
        assertThat(WrapperScript.containerFailure(output.lines().toList())).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"apptainer", "singularity"})
    void noGpusAskedNoNv(String runtime) throws Exception {
        run(settings(runtime), "x86_64", 0);
        assertThat(recorded(dir.resolve("container-argv"))).startsWith(runtime, "exec", "--bind").doesNotContain("--nv");
    }

    @ParameterizedTest
    @CsvSource({"apptainer", "singularity"})
    void repoAndLogDirsOutsideTheSharedRootAreBoundToo(String runtime) throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere/logs"));
        SlurmSettings settings = TestSettings.load(dir, shared, repo, """
                  log_dir: %s
                  container_runtime: %s
                  container_image_x86_64: %s/images/ringrift-x86_64.sif
                """.formatted(elsewhere, runtime, shared));
        run(settings, "x86_64", 0);
        assertThat(recorded(dir.resolve("container-argv"))).startsWith(runtime, "exec", "--bind", shared.toString(),
                "--bind", elsewhere.toString(), "--pwd", repo.toString());
    }

    @ParameterizedTest
    @CsvSource({"x86_64", "aarch64"})
    void pyxisGetsSrunWithTheImageAndTheSharedMount(String arch) throws Exception {
        String image = shared + (arch.equals("aarch64") ? "/images/ringrift-gh200 aarch64.sif" : "/images/ringrift-x86_64.sif");
        assertThat(run(settings("pyxis"), arch)).containsExactlyElementsOf(append(expected("srun", "--ntasks=1",
                "--container-image=" + image, "--container-mounts=" + shared + ":" + shared, "--container-workdir=" + repo,
                "python3", WorkType.TRAINING.canonicalScript()), "VENV="));
    }

    @org.junit.jupiter.api.Test
    void aContainerThatDidNotStartIsToldApartWithApptainersMessage() throws Exception {
        // what apptainer 1.4.5 printed on the local cluster for an image the job user cannot read
        List<String> tail = List.of("ringrift: training job 42 on vm (x86_64)",
                "INFO:    fuse2fs not found, will not be able to mount EXT3 filesystems",
                "FATAL:   could not open image /shared/images/x.sif: failed to retrieve path for /shared/images/x.sif: permission denied");
        assertThat(WrapperScript.containerFailure(tail)).contains("the container did not start: FATAL: could not open image "
                + "/shared/images/x.sif: failed to retrieve path for /shared/images/x.sif: permission denied");
        // no apptainer on the node: bash's own line
        assertThat(WrapperScript.containerFailure(List.of("ringrift: selfplay job 7 task 3 on n1 (x86_64)",
                "/var/spool/slurmd/job00007/slurm_script: line 22: exec: apptainer: not found")))
                .contains("the container did not start: /var/spool/slurmd/job00007/slurm_script: line 22: exec: apptainer: not found");
        // the program started (and failed by itself), or the tail does not reach back to the wrapper's line
        assertThat(WrapperScript.containerFailure(List.of("ringrift: training job 42 on vm (x86_64)",
                "ringrift: in container /shared/x.sif", "FATAL: the program's own words"))).isEmpty();
        assertThat(WrapperScript.containerFailure(List.of("FATAL:   anything", "Traceback"))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"apptainer", "singularity"})
    void aMissingRuntimeIsAContainerThatDidNotStart(String runtime) throws Exception {
        Files.delete(bin.resolve(runtime));
        Path script = dir.resolve("job.sh");
        Files.writeString(script, WrapperScript.render(settings(runtime), WorkType.TOURNAMENT, "rr-tournament-t", ARGS));
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", script.toString()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().put("FAKE_ARCH", "x86_64");
        pb.environment().put("SLURM_JOB_ID", "43");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(127);
        assertThat(WrapperScript.containerFailure(out.lines().toList())).get().asString()
                .startsWith("the container did not start: ").contains(runtime + ": not found");
    }

    private static List<String> append(List<String> list, String last) {
        List<String> all = new ArrayList<>(list);
        all.add(last);
        return all;
    }
}
