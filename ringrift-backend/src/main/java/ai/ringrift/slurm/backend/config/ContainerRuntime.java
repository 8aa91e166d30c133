package ai.ringrift.slurm.backend.config;

/** How the wrapper script runs the program: directly, or inside a container. */
public enum ContainerRuntime {
    NONE, APPTAINER, SINGULARITY,
    /** NVIDIA pyxis/enroot: {@code srun --container-image} inside the batch script (SPANK options cannot go through REST). */
    PYXIS
}
