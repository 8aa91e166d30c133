package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.backend.config.SlurmSettings;
import java.util.List;
import java.util.Objects;

/**
 * Slurm for the work types {@code slurm.work_types} moved there, the host application's default
 * backend (its P2P/SSH one) for the rest: the design's phased adoption. The default backend stays
 * the host's: this one never closes it.
 */
final class PhasedBackend implements OrchestratorBackend {

    private final SlurmSettings settings;
    private final SlurmBackend slurm;
    private final OrchestratorBackend fallback;

    PhasedBackend(SlurmSettings settings, SlurmBackend slurm, OrchestratorBackend fallback) {
        this.settings = settings;
        this.slurm = slurm;
        this.fallback = Objects.requireNonNull(fallback, "fallback == null");
    }

    /** Which backend runs this work type. */
    OrchestratorBackend backendFor(WorkType type) {
        return settings.runsOnSlurm(type) ? slurm : fallback;
    }

    @Override
    public JobHandle runTraining(TaskSpec task) {
        return backendFor(WorkType.TRAINING).runTraining(task);
    }

    @Override
    public JobHandle runSelfplay(TaskSpec task) {
        return backendFor(WorkType.SELFPLAY).runSelfplay(task);
    }

    @Override
    public JobHandle runTournament(TaskSpec task) {
        return backendFor(WorkType.TOURNAMENT).runTournament(task);
    }

    /** The Slurm cluster's workers (the default backend's are its own business). */
    @Override
    public List<WorkerPool> getAvailableWorkers() {
        return slurm.getAvailableWorkers();
    }

    /** Both need the models: the Slurm workers read them from the shared filesystem. */
    @Override
    public void syncModels() {
        slurm.syncModels();
        fallback.syncModels();
    }

    @Override
    public void syncData() {
        slurm.syncData();
        fallback.syncData();
    }

    /** Closes the Slurm side; the default backend belongs to the host application. */
    @Override
    public void close() {
        slurm.close();
    }

    @Override
    public String toString() {
        return "PhasedBackend[slurm: " + settings.moved() + ", default backend: " + settings.notMoved() + "]";
    }
}
