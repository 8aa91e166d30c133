package ai.ringrift.slurm.rest;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One row of slurmrestd's light {@code /jobs/state/} answer: a job's id and state, nothing else.
 *
 * <p>The id shapes Slurm writes there (read by {@link #parse}, the one place that knows them):
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

    private static final Pattern SHAPE = Pattern.compile("^(\\d+)(?:_(\\d+)|_\\[([^\\]]*)\\]|_(\\*)|\\+(\\d+))?$");
    private static final Pattern LEADING_ID = Pattern.compile("^(\\d+)");

    public JobStateEntry {
        stateNames = List.copyOf(stateNames);
        arrayTasks = arrayTasks == null ? "" : arrayTasks;
    }

    /** Reads one row; null when the id does not even start with a job id (nothing can be tied to it). */
    public static JobStateEntry parse(String rawId, List<String> states) {
        String id = rawId == null ? "" : rawId.trim();
        JobState state = JobState.fromNames(states);
        Matcher m = SHAPE.matcher(id);
        try {
            if (m.matches()) {
                long job = Long.parseLong(m.group(1));
                if (m.group(2) != null) {
                    return new JobStateEntry(id, job, Integer.parseInt(m.group(2)), "", -1, true, state, states);
                }
                if (m.group(3) != null) {
                    return new JobStateEntry(id, job, -1, m.group(3), -1, true, state, states);
                }
                if (m.group(4) != null) {
                    return new JobStateEntry(id, job, -1, "*", -1, true, state, states);
                }
                if (m.group(5) != null) {
                    return new JobStateEntry(id, job, -1, "", Integer.parseInt(m.group(5)), true, state, states);
                }
                return new JobStateEntry(id, job, -1, "", -1, true, state, states);
            }
            Matcher lead = LEADING_ID.matcher(id);
            if (lead.find()) {
                return new JobStateEntry(id, Long.parseLong(lead.group(1)), -1, "", -1, false, state, states);
            }
        } catch (NumberFormatException tooLarge) {
            // a number beyond long or int: fall through, nothing can be tied to it
        }
        return null;
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
