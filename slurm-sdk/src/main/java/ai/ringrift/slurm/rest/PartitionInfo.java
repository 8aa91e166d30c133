package ai.ringrift.slurm.rest;

import java.util.List;

/** A partition: its name, whether it is up, its nodes and its CPU total. */
public record PartitionInfo(String name, boolean up, List<String> states, String nodes, int totalCpus, int totalNodes) {
    public PartitionInfo {
        states = List.copyOf(states);
    }
}
