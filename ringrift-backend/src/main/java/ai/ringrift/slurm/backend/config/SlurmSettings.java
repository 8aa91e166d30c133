package ai.ringrift.slurm.backend.config;

import ai.ringrift.slurm.backend.WorkType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The {@code slurm:} block of unified_loop.yaml, checked and with its defaults filled in. */
public record SlurmSettings(boolean enabled, RestSettings rest, String account, String qos,
        Map<WorkType, WorkTypeSettings> workTypes, Path sharedRoot, Path repoDir, Path jobDir, Path logDir,
        String venvActivate, String venvActivateArm64, ContainerRuntime containerRuntime, String containerImageX8664,
        String containerImageArm64, String trainingWarningSignal, int trainingWarningSeconds, int maxArraySize,
        int selfplayThrottle, boolean cancelOnClose, Duration pollMin, Duration pollMax) {

    public SlurmSettings {
        workTypes = Map.copyOf(workTypes);
    }

    public WorkTypeSettings of(WorkType type) {
        return workTypes.get(type);
    }
}
