package ai.ringrift.slurm.rest;

import java.util.List;

/**
 * One row of slurmrestd's light {@code /jobs/state/} answer: the job's id and state, nothing else.
 * For a pending array whose tasks have not started, Slurm reports one row for the array with
 * {@code arrayTaskId} -1 and the pending tasks in {@code arrayTasks} (e.g. "2-7%2").
 */
public record JobStateEntry(long jobId, long arrayJobId, int arrayTaskId, String arrayTasks, JobState state,
        List<String> stateNames) {

    public JobStateEntry {
        stateNames = List.copyOf(stateNames);
        arrayTasks = arrayTasks == null ? "" : arrayTasks;
    }
}
