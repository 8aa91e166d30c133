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

    /**
     * The backend the config asks for, when every work type runs on Slurm (or the config says where
     * the others go is nobody's business). A work type not moved to Slurm ({@code slurm.work_types})
     * is refused with an error that names the setting: use {@link #fromConfig(LoopConfig,
     * OrchestratorBackend)} to hand it to the loop's default backend.
     */
    static OrchestratorBackend fromConfig(LoopConfig config) {
        return fromConfig(config, null);
    }

    /**
     * The backend the config asks for: Slurm for the work types in {@code slurm.work_types}, {@code
     * fallback} (the host application's default P2P/SSH backend) for the others, and for everything
     * when the config does not use Slurm. {@code fallback} may be null: then work not moved to Slurm
     * is refused, never submitted silently. Closing the result closes the Slurm side only.
     */
    static OrchestratorBackend fromConfig(LoopConfig config, OrchestratorBackend fallback) {
        if (!config.usesSlurm()) {
            if (fallback != null) {
                return fallback;
            }
            throw new SlurmUsageException("execution_backend is " + config.executionBackend().name().toLowerCase()
                    + (config.executionBackend() == LoopConfig.ExecutionBackend.AUTO ? " with slurm.enabled false" : "")
                    + ", so no work runs on Slurm; pass the loop's default backend to OrchestratorBackend.fromConfig(config, "
                    + "fallback), or set execution_backend: slurm");
        }
        SlurmBackend slurm = SlurmBackend.create(config.slurm());
        if (fallback == null || config.slurm().notMoved().isEmpty()) {
            return slurm;
        }
        return new PhasedBackend(config.slurm(), slurm, fallback);
    }
}
