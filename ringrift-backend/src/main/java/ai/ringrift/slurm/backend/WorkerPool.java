package ai.ringrift.slurm.backend;

/** What a partition can take now: usable nodes and their idle CPUs, GPUs and memory. */
public record WorkerPool(String partition, int usableNodes, int idleCpus, int idleGpus, long freeMemoryMb) {}
