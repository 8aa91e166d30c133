package ai.ringrift.slurm.examples;

import ai.ringrift.slurm.backend.JobHandle;
import ai.ringrift.slurm.backend.OrchestratorBackend;
import ai.ringrift.slurm.backend.TaskOutcome;
import ai.ringrift.slurm.backend.TaskSpec;
import ai.ringrift.slurm.backend.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;

/** Run self-play as an array and collect an outcome per task, as they arrive. */
public final class SelfplayArray {
    private SelfplayArray() {}

    public static void main(String[] args) throws Exception {
        Path config = Path.of(args.length > 0 ? args[0] : "config/unified_loop.yaml");
        int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        try (OrchestratorBackend backend = OrchestratorBackend.fromConfig(ConfigLoader.load(config))) {
            JobHandle array = backend.runSelfplay(TaskSpec.builder().label("example-selfplay").tasks(tasks).throttle(4)
                    .addArguments("--games", "50").build());
            System.out.println("submitted " + array);
            // observe asynchronously; here we simply block on the same future
            array.outcome().thenAccept(o -> System.out.println("all tasks final: " + o.summary()));
            for (TaskOutcome task : array.await(Duration.ofHours(3)).tasks()) {
                System.out.printf("task %3d  %-10s %s%n", task.taskIndex(), task.kind(), task.log());
            }
        }
    }
}
