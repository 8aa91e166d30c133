package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.rest.SlurmException;
import java.time.Duration;
import java.util.List;

/** Waiting for a job passed its deadline; the job was cancelled. */
public class DeadlineExceededException extends SlurmException {

    public DeadlineExceededException(String name, Duration deadline, List<Long> jobIds) {
        super(name + " did not finish within " + deadline + "; cancelled Slurm job(s) " + jobIds, -1, List.of(), List.of(),
                false, null);
    }
}
