package ai.ringrift.slurm.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.testsupport.ProjectConfig;
import ai.ringrift.slurm.rest.SlurmUsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A service submits work, persists {@link JobHandle#saved()} and dies (a real JVM, halted without
 * closing anything); a new JVM resumes the work from the saved line alone and gets its outcome.
 * And work whose job id was never received is found by its submit key.
 */
class ResumeAfterRestartRealClusterIT {

    /** The service before the restart: submits, persists, halts. */
    public static void main(String[] args) throws Exception {
        SlurmSettings settings = ConfigLoader.load(Path.of(args[0])).slurm();
        SlurmBackend backend = SlurmBackend.create(settings);
        JobHandle array = backend.runSelfplay(TaskSpec.builder().label("it-resume-array").tasks(3).throttle(3)
                .addArguments("--sleep", "3").build());
        JobHandle single = backend.runTournament(TaskSpec.builder().label("it-resume-one").addArguments("--sleep", "3").build());
        Files.write(Path.of(args[1]), List.of(array.saved().encode(), single.saved().encode()));
        Runtime.getRuntime().halt(0); // no close(), no shutdown hooks: as a crash would leave it
    }

    private static Path config() {
        return ProjectConfig.fastPolling().write();
    }

    @Test
    void workSubmittedByAJvmThatDiedIsResumedByTheNextOne() throws Exception {
        LocalCluster.require();
        Path config = config();
        SlurmSettings settings = ConfigLoader.load(config).slurm();
        StandIns.install(settings.repoDir());
        Path saved = Files.createTempFile("saved-work", ".txt");

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ResumeAfterRestartRealClusterIT.class.getName(),
                config.toString(), saved.toString()));
        Process first = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(Files.createTempFile("resume-first-jvm", ".log").toFile()))
                .start();
        assertThat(first.waitFor(2, TimeUnit.MINUTES)).as("the first JVM ends").isTrue();
        assertThat(first.exitValue()).isZero();
        List<String> lines = Files.readAllLines(saved);
        assertThat(lines).hasSize(2);

        try (SlurmBackend backend = SlurmBackend.create(settings)) {
            JobHandle array = backend.resume(SavedWork.decode(lines.get(0)));
            JobHandle single = backend.resume(SavedWork.decode(lines.get(1)));
            JobOutcome arrayOutcome = array.await(Duration.ofMinutes(3));
            JobOutcome singleOutcome = single.await(Duration.ofMinutes(3));
            assertThat(arrayOutcome.tasks()).hasSize(3);
            assertThat(arrayOutcome.isSuccess()).as(arrayOutcome.summary()).isTrue();
            assertThat(singleOutcome.isSuccess()).as(singleOutcome.summary()).isTrue();
            // each ran exactly once: the resumed ids are the submitted ones, and slurmdbd has no other
            assertThat(array.jobIds()).isEqualTo(SavedWork.decode(lines.get(0)).jobIds());
            assertThat(backend.liveJobIds()).doesNotContainAnyElementsOf(array.jobIds());
        }
    }

    @Test
    void anIdNeverReceivedIsFoundByItsSubmitKeyAndWorkNeverAcceptedIsSaidToBe() throws Exception {
        LocalCluster.require();
        SlurmSettings settings = ConfigLoader.load(config()).slurm();
        StandIns.install(settings.repoDir());
        try (SlurmBackend backend = SlurmBackend.create(settings); SlurmBackend restarted = SlurmBackend.create(settings)) {
            JobHandle submitted = backend.runTournament(TaskSpec.builder().label("it-resume-by-key")
                    .addArguments("--sleep", "2").build());
            // the id was never persisted: only the submit key and the time
            SavedWork withoutId = new SavedWork(WorkType.TOURNAMENT, submitted.name(), 1, submitted.saved().submitKey(),
                    submitted.saved().submittedAt(), List.of());
            assertThatThrownBy(() -> backend.resume(withoutId)).isInstanceOf(SlurmUsageException.class)
                    .hasMessageContaining("follows job(s) " + submitted.jobIds());
            JobHandle found = restarted.resume(withoutId);
            assertThat(found.jobIds()).isEqualTo(submitted.jobIds());
            assertThat(found.await(Duration.ofMinutes(2)).isSuccess()).isTrue();
            assertThat(submitted.await(Duration.ofMinutes(2)).isSuccess()).isTrue();

            SavedWork never = new SavedWork(WorkType.TOURNAMENT, "rr-tournament-never", 1, "no-such-key",
                    Instant.now().minusSeconds(60), List.of());
            assertThatThrownBy(() -> restarted.resume(never)).isInstanceOf(SlurmUsageException.class)
                    .hasMessageContaining("never accepted").hasMessageContaining("no-such-key-0");
        }
    }
}
