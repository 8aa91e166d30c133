package ai.ringrift.slurm.examples;

import ai.ringrift.slurm.backend.JobHandle;
import ai.ringrift.slurm.backend.OrchestratorBackend;
import ai.ringrift.slurm.backend.TaskSpec;
import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.rest.JobStateEntry;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.backend.SlurmBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Start self-play, watch its states with the light endpoint for a while, then cancel it. */
public final class WatchAndCancel {
    private WatchAndCancel() {}

    public static void main(String[] args) throws Exception {
        Path config = Path.of(args.length > 0 ? args[0] : "config/unified_loop.yaml");
        try (SlurmBackend backend = (SlurmBackend) OrchestratorBackend.fromConfig(ConfigLoader.load(config))) {
            SlurmClient client = backend.client();
            JobHandle array = backend.runSelfplay(TaskSpec.builder().label("example-watch").tasks(6).throttle(2)
                    .addArguments("--sleep", "120").build());
            for (int round = 0; round < 5; round++) {
                List<JobStateEntry> states = client.jobStates(array.jobIds()); // one request for all tasks
                states.forEach(s -> System.out.printf("%-12s %s%n", s.id(), s.stateNames()));
                System.out.println("--");
                Thread.sleep(2000);
            }
            array.cancel();
            System.out.println(array.await(Duration.ofMinutes(2)).summary());
        }
    }
}
