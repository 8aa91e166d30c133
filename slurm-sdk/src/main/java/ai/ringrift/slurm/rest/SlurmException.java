package ai.ringrift.slurm.rest;

/**
 * The one root of every error this SDK throws. Unchecked and immutable.
 *
 * <p>Three categories, each its own branch:
 * <ul>
 *   <li>{@link SlurmClientException}: the client failed. {@link SlurmUsageException} (the client was
 *       set up or called wrongly), {@link SlurmUnreachableException} (no answer came back),
 *       {@link SlurmResponseException} (an answer that could not be read).
 *   <li>{@link SlurmServiceException}: slurmrestd answered, and the answer is an error.
 *       {@link SlurmRejectedException} (refused, with the server's errors and warnings),
 *       {@link SlurmAuthenticationException} (the token was refused), {@link SlurmVersionException}
 *       (the server serves no API version this client speaks).
 *   <li>{@link JobWaitTimeoutException}: waiting for jobs passed its deadline.
 * </ul>
 * Each says whether a second try could help and how many requests were sent for the call.
 */
public abstract sealed class SlurmException extends RuntimeException
        permits SlurmClientException, SlurmServiceException, JobWaitTimeoutException {

    private final boolean retryable;
    private final int attempts;

    SlurmException(String message, boolean retryable, int attempts, Throwable cause) {
        super(attempts > 1 ? message + " (after " + attempts + " attempts)" : message, cause);
        this.retryable = retryable;
        this.attempts = Math.max(1, attempts);
    }

    /** Whether a second try could succeed (the SDK's retries already acted on this). */
    public boolean isRetryable() {
        return retryable;
    }

    /** How many requests were sent for the call that failed, retries included. */
    public int attempts() {
        return attempts;
    }

    /** The same failure, saying that {@code attempts} requests were sent for it. */
    /**
     * The same failure, saying that {@code attempts} requests were sent for it (what the SDK's retries
     * add when they give up); the stack trace is kept.
     */
    public abstract SlurmException withAttempts(int attempts);

    /** The message without the "(after N attempts)" the retry layer adds. */
    String baseMessage() {
        String m = getMessage();
        String suffix = " (after " + attempts + " attempts)";
        return attempts > 1 && m.endsWith(suffix) ? m.substring(0, m.length() - suffix.length()) : m;
    }

    <T extends SlurmException> T sameTrace(T copy) {
        copy.setStackTrace(getStackTrace());
        return copy;
    }
}
