package ai.ringrift.slurm.backend.config;

import ai.ringrift.slurm.backend.WorkType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code slurm:} block of unified_loop.yaml, checked and with its defaults filled in.
 *
 * @param movedWorkTypes the work types that run on Slurm ({@code slurm.work_types}); the others stay
 *     on the loop's default backend. A work type not moved may have no partition.
 * @param nodesTraining the nodes each training job asks for ({@code slurm.nodes_training}, at least 1;
 *     1: a single-node job, as before). Self-play and tournaments always run on one node.
 * @param trainingLauncher how the wrapper starts the training script ({@code slurm.training_launcher})
 * @param trainingRendezvousPort the TCP port on the first node of a multi-node training job where the
 *     nodes meet ({@code slurm.training_rendezvous_port}, default 29500)
 */
public record SlurmSettings(boolean enabled, Set<WorkType> movedWorkTypes, RestSettings rest, String account, String qos,
        Map<WorkType, WorkTypeSettings> workTypes, Path sharedRoot, Path repoDir, Path jobDir, Path logDir,
        String venvActivate, String venvActivateArm64, ContainerRuntime containerRuntime, String containerImageX8664,
        String containerImageArm64, String trainingWarningSignal, int trainingWarningSeconds, int maxArraySize,
        int selfplayThrottle, boolean cancelOnClose, Duration pollMin, Duration pollMax, int nodesTraining,
        TrainingLauncher trainingLauncher, int trainingRendezvousPort) {

    public SlurmSettings {
        workTypes = Map.copyOf(workTypes);
        movedWorkTypes = movedWorkTypes.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(movedWorkTypes));
    }

    /** Whether this work type runs on Slurm. */
    public boolean runsOnSlurm(WorkType type) {
        return movedWorkTypes.contains(type);
    }

    /** The moved work types in the loop's order (training, selfplay, tournament). */
    public List<WorkType> moved() {
        return List.copyOf(movedWorkTypes);
    }

    /** The work types left to the default backend. */
    public List<WorkType> notMoved() {
        return java.util.Arrays.stream(WorkType.values()).filter(t -> !movedWorkTypes.contains(t)).toList();
    }

    /** The nodes a job of this work type asks for unless its task says otherwise: nodes_training for training, else 1. */
    public int nodes(WorkType type) {
        return type == WorkType.TRAINING ? nodesTraining : 1;
    }

    public WorkTypeSettings of(WorkType type) {
        return workTypes.get(type);
    }
}
