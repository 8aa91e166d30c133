package ai.ringrift.slurm.rest;

/**
 * The SDK was set up or called with something it cannot use: a bad URL, an unreadable key or CA
 * file, a job description that breaks Slurm's rules. The message says what to fix.
 */
public final class SlurmUsageException extends SlurmClientException {

    public SlurmUsageException(String message) {
        this(message, null);
    }

    public SlurmUsageException(String message, Throwable cause) {
        this(message, cause, 1);
    }

    private SlurmUsageException(String message, Throwable cause, int attempts) {
        super(message, false, attempts, cause);
    }

    @Override
    public SlurmUsageException withAttempts(int attempts) {
        return sameTrace(new SlurmUsageException(baseMessage(), getCause(), attempts));
    }
}
