package ai.ringrift.slurm.backend;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.ContainerRuntime;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.testsupport.ProjectConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backend's apptainer path for real: the local cluster (scripts/local-slurm.sh) runs its
 * daemons in a mount namespace entered with pivot_root, so its jobs may make user namespaces, and
 * it builds a small SIF with python3 (cluster.env: SLURM_CONTAINER_IMAGE). With
 * {@code container_runtime: apptainer}, training, a self-play array and a tournament run inside that
 * image as the job user; preflight's probe starts the image as that user and fails for a missing or
 * unreadable one; a job whose container cannot start ends CONTAINER_FAILED with apptainer's words.
 * The arm64 image is configured but absent: on this machine's architecture (x86_64) the x86_64
 * image must be the one that runs.
 */
class ContainerRealClusterIT {

    private static LocalCluster cluster;
    private static Path image;
    private static String imageId;
    private static Path shared;
    private static final List<Path> made = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.require();
        image = Path.of(cluster.fact("SLURM_CONTAINER_IMAGE").orElseThrow(() -> new IllegalStateException(
                "cluster.env has no SLURM_CONTAINER_IMAGE: the local cluster predates its container image; run scripts/local-slurm.sh up")));
        imageId = cluster.fact("SLURM_CONTAINER_IMAGE_ID").orElseThrow();
        assertThat(image).as("the image scripts/local-slurm.sh up built").isRegularFile();
        assertThat(System.getProperty("os.arch")).as("this test's architecture is x86_64 (amd64)").isIn("amd64", "x86_64");
        shared = cluster.sharedDir();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        for (Path p : made) {
            Files.deleteIfExists(p);
        }
    }

    private static SlurmSettings settings(String x86Image) throws Exception {
        return ConfigLoader.load(ProjectConfig.fastPolling().with("slurm.container_runtime", "apptainer")
                .with("slurm.container_image_x86_64", x86Image)
                .with("slurm.container_image_arm64", shared.resolve("images/absent-arm64.sif").toString()).write()).slurm();
    }

    private static Path copyOfImage(String mode) throws Exception {
        Path copy = shared.resolve("images/test-" + UUID.randomUUID() + ".sif");
        Files.copy(image, copy);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString(mode));
        made.add(copy);
        return copy;
    }

    @Test
    void trainingSelfplayAndATournamentRunInsideTheImage() throws Exception {
        SlurmSettings s = settings(image.toString());
        assertThat(s.containerRuntime()).isEqualTo(ContainerRuntime.APPTAINER);
        StandIns.install(s.repoDir());
        Path written = Files.createDirectories(s.logDir().resolve("from-container-" + UUID.randomUUID()));
        Files.setPosixFilePermissions(written, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (SlurmBackend backend = SlurmBackend.create(s)) {
            JobHandle training = backend.runTraining(TaskSpec.builder().label("ct-train").putEnvironment("RR_WRITE_INTO",
                    written.toString()).build());
            JobHandle selfplay = backend.runSelfplay(TaskSpec.builder().label("ct-selfplay").tasks(4).throttle(2)
                    .putEnvironment("RR_WRITE_INTO", written.toString()).build());
            JobHandle tournament = backend.runTournament(TaskSpec.builder().label("ct-tournament").build());
            List<TaskOutcome> all = new ArrayList<>();
            for (JobHandle h : List.of(training, selfplay, tournament)) {
                all.addAll(h.await(Duration.ofMinutes(4)).tasks());
            }
            assertThat(all).hasSize(6);
            for (TaskOutcome t : all) {
                String log = Files.readString(t.log());
                assertThat(t.kind()).as(t.summary() + "\n" + log).isEqualTo(OutcomeKind.SUCCESS);
                // apptainer's own variable, the image's own file, and repo_dir as the working directory
                assertThat(log).as(t.slurmId()).contains("ringrift: in container " + image + "\n",
                        "APPTAINER_CONTAINER=" + image + "\n", "IMAGE_FILE=" + imageId + "\n", "CWD=" + s.repoDir() + "\n");
            }
            // the cluster's root is not the image: it has no such file
            assertThat(cluster.rootDir().resolve("etc/ringrift-image")).doesNotExist();
            // log_dir bound at the same path: what training and each self-play task wrote from inside is here
            try (var files = Files.list(written)) {
                assertThat(files.count()).isEqualTo(5);
            }
            // GPUs into the container only where they were asked (training: 1, self-play: 0)
            assertThat(Files.readString(Path.of(scriptOf(s, "rr-training-ct-train")))).contains("apptainer exec --nv --bind ");
            assertThat(Files.readString(Path.of(scriptOf(s, "rr-selfplay-ct-selfplay")))).contains("apptainer exec --bind ")
                    .doesNotContain("--nv");
            assertThat(Files.readString(training.await(Duration.ofSeconds(1)).tasks().get(0).log())).contains("CUDA_VISIBLE_DEVICES=0\n");
        }
    }

    private static String scriptOf(SlurmSettings s, String name) throws Exception {
        try (var files = Files.list(s.jobDir())) {
            return files.filter(f -> f.getFileName().toString().startsWith(name + "-"))
                    .max((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified())).orElseThrow().toString();
        }
    }

    @Test
    void preflightStartsTheImageAsTheJobUserAndFailsForAMissingOrUnreadableOne() throws Exception {
        try (SlurmBackend backend = SlurmBackend.create(settings(image.toString()))) {
            SharedPathsProbe.Report report = backend.probeSharedPaths(Duration.ofMinutes(2));
            assertThat(report.asJob()).as(report.note()).isTrue();
            SharedPathsProbe.PathCheck runs = check(report, "image runs as the job user");
            assertThat(runs.ok()).as(runs.detail()).isTrue();
            assertThat(runs.detail()).startsWith("apptainer exec x86_64 " + image + " on ").contains("as ringrift (probe job ");
            assertThat(check(report, "image (x86_64) readable").ok()).isTrue();
            // the arm64 image is configured but absent: that check fails, with the fix for a missing image
            SharedPathsProbe.PathCheck arm = check(report, "image (arm64) readable");
            assertThat(arm.ok()).isFalse();
            assertThat(arm.fix()).startsWith("no image at " + shared.resolve("images/absent-arm64.sif") + ": build or copy");
        }
        Path unreadable = copyOfImage("rw-------"); // root's alone: the job user cannot read it
        try (SlurmBackend backend = SlurmBackend.create(settings(unreadable.toString()))) {
            SharedPathsProbe.Report report = backend.probeSharedPaths(Duration.ofMinutes(2));
            assertThat(report.asJob()).as(report.note()).isTrue();
            assertThat(report.ok()).isFalse();
            SharedPathsProbe.PathCheck read = check(report, "image (x86_64) readable");
            assertThat(read.ok()).isFalse();
            assertThat(read.detail()).contains("owner root:root, mode 600");
            assertThat(read.fix()).startsWith("make " + unreadable + " readable by ringrift (chmod o+rX");
            SharedPathsProbe.PathCheck runs = check(report, "image runs as the job user");
            assertThat(runs.ok()).isFalse();
            assertThat(runs.detail()).contains("not started: " + unreadable + " cannot be read");
            System.out.println("PREFLIGHT (unreadable image): " + read + " / " + runs);
        }
    }

    @Test
    void aContainerThatCannotStartIsTheJobsOutcomeWithApptainersMessage() throws Exception {
        // an image the job user cannot read, and a file that is not an image at all
        Path unreadable = copyOfImage("rw-------");
        Path notAnImage = shared.resolve("images/test-" + UUID.randomUUID() + ".sif");
        Files.writeString(notAnImage, "not a SIF\n");
        made.add(notAnImage);
        List<TaskOutcome> outcomes = new ArrayList<>();
        for (Path img : List.of(unreadable, notAnImage)) {
            SlurmSettings s = settings(img.toString());
            StandIns.install(s.repoDir());
            try (SlurmBackend backend = SlurmBackend.create(s)) {
                outcomes.add(backend.runTournament(TaskSpec.builder().label("ct-nostart").build()).await(Duration.ofMinutes(3))
                        .tasks().get(0));
            }
        }
        for (TaskOutcome t : outcomes) {
            System.out.println("CONTAINER DID NOT START: " + t.summary());
            assertThat(t.kind()).as(t.summary() + " " + t.logTail()).isEqualTo(OutcomeKind.CONTAINER_FAILED);
            assertThat(t.logProblem()).startsWith("the container did not start: FATAL: ");
            assertThat(t.summary()).contains("CONTAINER_FAILED exit 255").contains(": the container did not start: FATAL: ");
            assertThat(t.logTail()).noneMatch(l -> l.startsWith("ARGV="));
        }
        assertThat(outcomes.get(0).logProblem()).contains(unreadable.toString());
        assertThat(outcomes.get(1).logProblem()).contains(notAnImage.toString());
    }

    private static SharedPathsProbe.PathCheck check(SharedPathsProbe.Report report, String name) {
        return report.checks().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no check '" + name + "' in " + report.checks()));
    }
}
