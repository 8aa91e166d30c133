package ai.ringrift.slurm.rest;

import java.util.List;

/**
 * A node: its state, CPUs, memory and GPUs, configured and in use.
 *
 * @param gpus GPUs configured (from gres "gpu:4" or "gpu:h100:8")
 * @param gpusUsed GPUs allocated now (from gres_used)
 */
public record NodeInfo(String name, List<String> states, List<String> partitions, int cpus, int allocatedCpus,
        long memoryMb, long allocatedMemoryMb, int gpus, int gpusUsed, String architecture) {

    public NodeInfo {
        states = List.copyOf(states);
        partitions = List.copyOf(partitions);
    }

    /** False for nodes that are down, drained or draining, failing, or not responding. */
    public boolean isUsable() {
        return states.stream().noneMatch(s -> switch (s.toUpperCase()) {
            case "DOWN", "DRAIN", "DRAINED", "DRAINING", "FAIL", "FAILING", "NOT_RESPONDING", "INVALID",
                    "INVALID_REG", "FUTURE", "UNKNOWN", "MAINTENANCE", "REBOOT_REQUESTED", "POWERED_DOWN",
                    "POWER_DOWN", "POWERING_DOWN" -> true;
            default -> false;
        });
    }
}
