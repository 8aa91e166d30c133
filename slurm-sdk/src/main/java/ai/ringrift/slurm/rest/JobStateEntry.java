package ai.ringrift.slurm.rest;

import java.util.List;

/**
 * One row of slurmrestd's light {@code /jobs/state/} answer: a job's id and state, nothing else.
 *
 * <p>The id shapes Slurm writes there (read in one place, the SDK's internal StateRows):
 * <ul>
 *   <li>{@code 17}: a job;
 *   <li>{@code 14_2}: task 2 of array 14;
 *   <li>{@code 14_[3-7%2]}: tasks of array 14 still pending together;
 *   <li>{@code 14_*}: every task of array 14 not listed on its own (Slurm's INFINITE task id);
 *   <li>{@code 15+1}: component 1 of heterogeneous job 15.
 * </ul>
 * A row in any other shape is kept with {@link #understood()} false and the leading job id, so
 * that one odd row never stops the others from being read.
 *
 * @param id the id as Slurm wrote it
 * @param jobId the job's id; for an array task (or pending tasks), the array's id; for a
 *     heterogeneous component, the number before the {@code +}
 * @param arrayTaskId the task index for one array task, else -1
 * @param arrayTasks the tasks a row stands for when it is not one task ("3-7%2", or "*" for all
 *     not listed), else ""
 * @param hetComponent the heterogeneous job component, else -1
 * @param understood false when the id's shape is not one of the above
 */
public record JobStateEntry(String id, long jobId, int arrayTaskId, String arrayTasks, int hetComponent,
        boolean understood, JobState state, List<String> stateNames) {

    public JobStateEntry {
        stateNames = List.copyOf(stateNames);
        arrayTasks = arrayTasks == null ? "" : arrayTasks;
    }

    /** True when the row's job (or tasks) has ended and Slurm will not run it again: {@link JobState#isFinal}. */
    public boolean isFinal() {
        return JobState.isFinal(state, stateNames);
    }

    public boolean isArrayTask() {
        return arrayTaskId >= 0;
    }

    /** True when the row stands for tasks of an array that are not listed on their own. */
    public boolean isArrayRest() {
        return !arrayTasks.isEmpty();
    }
}
