package ai.ringrift.slurm.backend.config;

import java.time.Duration;

/**
 * Resources for one work type: the partition and the defaults each task can override.
 *
 * @param requeue whether Slurm may requeue the job (after preemption or a node failure)
 */
public record WorkTypeSettings(String partition, int gpus, int cpus, long memoryMb, Duration timeLimit, boolean requeue) {}
