package ai.ringrift.slurm.rest;

import java.util.List;

/**
 * A job slurmctld accepted.
 *
 * @param jobId the job id (for an array, the array's id)
 * @param submitKey the unique key the SDK put in the job's comment
 * @param adopted true when the answer to the submission was lost and the job was found by its key
 * @param attempts requests sent for this submission, lookups not counted
 * @param warnings what slurmrestd warned about
 */
public record SubmittedJob(long jobId, String submitKey, boolean adopted, int attempts, List<String> warnings) {
    public SubmittedJob {
        warnings = List.copyOf(warnings);
    }
}
