package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.backend.config.LoopConfig;
import ai.ringrift.slurm.rest.SlurmUsageException;
import java.util.List;

/** Where the RingRift loop runs its work. {@link #fromConfig} picks the implementation. */
public interface OrchestratorBackend extends AutoCloseable {

    JobHandle runTraining(TaskSpec task);

    /** Self-play: an array of {@code task.tasks()} tasks, throttled. */
    JobHandle runSelfplay(TaskSpec task);

    /** A tournament: one job, or an array when it has many games ({@code task.tasks() > 1}). */
    JobHandle runTournament(TaskSpec task);

    /** Per partition: usable nodes and idle CPUs and GPUs. Down or drained nodes are left out. */
    List<WorkerPool> getAvailableWorkers();

    /** Makes trained models visible to the workers. */
    void syncModels();

    /** Makes training data visible to the workers. */
    void syncData();

    @Override
    void close();

    /** The backend the config asks for. */
    static OrchestratorBackend fromConfig(LoopConfig config) {
        if (config.usesSlurm()) {
            return SlurmBackend.create(config.slurm());
        }
        throw new SlurmUsageException("execution_backend is " + config.executionBackend().name().toLowerCase()
                + (config.executionBackend() == LoopConfig.ExecutionBackend.AUTO ? " with slurm.enabled false" : "")
                + "; this library provides the Slurm backend only");
    }
}
