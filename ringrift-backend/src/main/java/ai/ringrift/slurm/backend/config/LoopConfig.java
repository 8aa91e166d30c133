package ai.ringrift.slurm.backend.config;

/** What the backend reads from unified_loop.yaml. */
public record LoopConfig(ExecutionBackend executionBackend, SlurmSettings slurm) {

    public enum ExecutionBackend { SLURM, AUTO, LOCAL }

    /** True when work goes to Slurm: {@code slurm}, or {@code auto} with {@code slurm.enabled: true}. */
    public boolean usesSlurm() {
        return slurm != null && (executionBackend == ExecutionBackend.SLURM || (executionBackend == ExecutionBackend.AUTO && slurm.enabled()));
    }
}
