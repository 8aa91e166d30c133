package ai.ringrift.slurm.rest;

import java.util.List;

/**
 * The SDK was set up or called with something it cannot use: a bad URL, an unreadable key or CA
 * file, a job description that breaks Slurm's rules. The message says what to fix.
 */
public class SlurmUsageException extends SlurmException {

    public SlurmUsageException(String message) {
        this(message, null);
    }

    public SlurmUsageException(String message, Throwable cause) {
        super(message, -1, List.of(), List.of(), false, cause);
    }
}
