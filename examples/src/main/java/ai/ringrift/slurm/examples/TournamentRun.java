package ai.ringrift.slurm.examples;

import ai.ringrift.slurm.backend.JobOutcome;
import ai.ringrift.slurm.backend.OrchestratorBackend;
import ai.ringrift.slurm.backend.TaskSpec;
import ai.ringrift.slurm.backend.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;

/** Run a tournament, fanned out over 4 array tasks, and print the failures with their logs. */
public final class TournamentRun {
    private TournamentRun() {}

    public static void main(String[] args) throws Exception {
        Path config = Path.of(args.length > 0 ? args[0] : "config/unified_loop.yaml");
        try (OrchestratorBackend backend = OrchestratorBackend.fromConfig(ConfigLoader.load(config))) {
            JobOutcome outcome = backend.runTournament(TaskSpec.builder().label("example-tournament").tasks(4)
                    .addArguments("--games", "100", "--models", "gen7,gen8").build()).await(Duration.ofHours(2));
            System.out.println(outcome.summary());
            outcome.failures().forEach(f -> {
                System.out.println(f.summary() + " - " + f.log());
                f.logTail().forEach(line -> System.out.println("  | " + line));
            });
        }
    }
}
