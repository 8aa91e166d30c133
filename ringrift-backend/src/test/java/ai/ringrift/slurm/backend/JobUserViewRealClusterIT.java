package ai.ringrift.slurm.backend;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.LoopConfig;
import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.testsupport.ProjectConfig;
import ai.ringrift.slurm.rest.JobSubmission;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared filesystem as the jobs see it, on the local real cluster: the jobs run as ringrift,
 * this test (like the command line on this machine) as root. Directories the backend creates are
 * handed to the job user; a job that dies before its script runs says why; preflight's probe job
 * tells a log_dir the job user cannot write from one it can.
 */
class JobUserViewRealClusterIT {

    private static ProjectConfig yaml;
    private static Path shared;

    @BeforeAll
    static void cluster() throws Exception {
        LocalCluster cluster = LocalCluster.require();
        shared = cluster.sharedDir();
        yaml = ProjectConfig.fastPolling();
        StandIns.install(ConfigLoader.load(yaml.write()).slurm().repoDir());
    }

    private static SlurmBackend backendWithLogDir(Path logDir) throws Exception {
        LoopConfig config = ConfigLoader.load(yaml.with("slurm.log_dir", logDir.toString()).write());
        return (SlurmBackend) OrchestratorBackend.fromConfig(config);
    }

    @Test
    void aLogDirTheBackendCreatesAsRootIsHandedToTheJobUserAndTheJobSucceeds() throws Exception {
        Path logs = shared.resolve("created-by-backend-" + UUID.randomUUID()).resolve("logs");
        assertThat(logs.getParent()).doesNotExist();
        try (SlurmBackend backend = backendWithLogDir(logs)) {
            JobOutcome outcome = backend.runTournament(TaskSpec.builder().label("it-newlogdir").build())
                    .await(Duration.ofMinutes(3));
            assertThat(outcome.isSuccess()).as(outcome.summary()).isTrue();
            PosixFileAttributes a = Files.readAttributes(logs, PosixFileAttributes.class);
            assertThat(a.owner().getName()).isEqualTo("ringrift");
            assertThat(Files.readAttributes(logs.getParent(), PosixFileAttributes.class).owner().getName()).isEqualTo("ringrift");
            assertThat(outcome.tasks().get(0).log()).exists();
        }
    }

    @Test
    void aJobThatDiesBeforeItsScriptRunsSaysWhy() throws Exception {
        // the backend refuses such a log_dir itself; submit around it, as another tool or a person might
        Path rootOnly = Files.createDirectories(shared.resolve("root-only-" + UUID.randomUUID()));
        Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (SlurmBackend backend = backendWithLogDir(shared.resolve("slurm/logs"))) {
            String pattern = rootOnly.resolve("dies-%j.out").toString();
            long id = backend.client().submit(JobSubmission.builder().name("it-dies-early").script("#!/bin/bash\necho hi\n")
                    .partition("cpu-eval").workingDirectory("/tmp").standardOutput(pattern)
                    .putEnvironment("PATH", "/usr/bin:/bin").build()).jobId();
            JobTracker tracker = new JobTracker(backend.client(), Duration.ofMillis(300), Duration.ofSeconds(1),
                    JobUserAccess.forUser("ringrift"));
            try (tracker) {
                JobTracker.Aggregate aggregate = new JobTracker.Aggregate(WorkType.TOURNAMENT, "it-dies-early", 1);
                tracker.track(new JobTracker.Tracked(id, false, 1, 0, pattern, aggregate));
                TaskOutcome task = aggregate.future.get(2, java.util.concurrent.TimeUnit.MINUTES).tasks().get(0);
                assertThat(task.kind()).isEqualTo(OutcomeKind.FAILED);
                String expected = "could not create its output file " + rootOnly.resolve("dies-" + id + ".out")
                        + " as user ringrift: log_dir " + rootOnly + " is not writable by that user (owner root:root, mode 755)";
                assertThat(task.logProblem()).startsWith(expected);
                assertThat(task.summary()).contains(expected);
                System.out.println("DIES EARLY: " + task.summary());
            }
        }
    }

    @Test
    void preflightsProbeJobFailsForALogDirTheJobUserCannotWrite() throws Exception {
        Path rootOnly = Files.createDirectories(shared.resolve("root-only-" + UUID.randomUUID()));
        Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (SlurmBackend backend = backendWithLogDir(rootOnly)) {
            SharedPathsProbe.Report report = backend.probeSharedPaths(Duration.ofMinutes(2));
            assertThat(report.asJob()).as(report.note()).isTrue();
            assertThat(report.ok()).isFalse();
            SharedPathsProbe.PathCheck logDir = report.checks().stream().filter(c -> c.name().equals("log_dir writable"))
                    .findFirst().orElseThrow();
            assertThat(logDir.ok()).isFalse();
            assertThat(logDir.detail()).contains("owner root:root, mode 755");
            assertThat(logDir.fix()).contains("chown ringrift " + rootOnly);
            assertThat(report.checks()).filteredOn(c -> !c.name().equals("log_dir writable")).allMatch(SharedPathsProbe.PathCheck::ok);
        }
        // and the same tree handed to the job user passes
        try (SlurmBackend backend = backendWithLogDir(shared.resolve("slurm/logs"))) {
            SharedPathsProbe.Report report = backend.probeSharedPaths(Duration.ofMinutes(2));
            assertThat(report.ok()).as(report.checks().toString()).isTrue();
            assertThat(report.asJob()).isTrue();
        }
    }
}
