package ai.ringrift.slurm.rest;

import java.util.List;

/**
 * One row of slurmrestd's light {@code /jobs/state/} answer: a job's id and state, nothing else.
 *
 * @param id the id as Slurm prints it: "17" for a job, "14_2" for task 2 of array 14, "14_[3-7%2]"
 *     for tasks of array 14 that are still pending together
 * @param jobId the job's id; for an array task (or pending tasks), the array's id
 * @param arrayTaskId the task index for one array task, else -1
 * @param arrayTasks the pending task range for a row that stands for several tasks, else ""
 */
public record JobStateEntry(String id, long jobId, int arrayTaskId, String arrayTasks, JobState state,
        List<String> stateNames) {

    public JobStateEntry {
        stateNames = List.copyOf(stateNames);
        arrayTasks = arrayTasks == null ? "" : arrayTasks;
    }

    public boolean isArrayTask() {
        return arrayTaskId >= 0;
    }
}
