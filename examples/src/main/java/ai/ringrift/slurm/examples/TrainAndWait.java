package ai.ringrift.slurm.examples;

import ai.ringrift.slurm.backend.JobHandle;
import ai.ringrift.slurm.backend.JobOutcome;
import ai.ringrift.slurm.backend.OrchestratorBackend;
import ai.ringrift.slurm.backend.TaskSpec;
import ai.ringrift.slurm.backend.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;

/** Submit a training job and wait for it: java -cp ringrift-slurm.jar ai.ringrift.slurm.examples.TrainAndWait [CONFIG] */
public final class TrainAndWait {
    private TrainAndWait() {}

    public static void main(String[] args) throws Exception {
        Path config = Path.of(args.length > 0 ? args[0] : "config/unified_loop.yaml");
        try (OrchestratorBackend backend = OrchestratorBackend.fromConfig(ConfigLoader.load(config))) {
            JobHandle job = backend.runTraining(TaskSpec.builder().label("example-train")
                    .addArguments("--board", "square8", "--epochs", "1").build());
            System.out.println("submitted " + job);
            JobOutcome outcome = job.awaitOrCancel(Duration.ofHours(9)); // past it the job is cancelled
            System.out.println(outcome.summary());
            outcome.tasks().get(0).logTail().forEach(line -> System.out.println("  | " + line));
            System.exit(outcome.isSuccess() ? 0 : 1);
        }
    }
}
