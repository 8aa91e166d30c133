package ai.ringrift.slurm.rest;

/**
 * The client side failed: it was set up or called wrongly ({@link SlurmUsageException}), no
 * answer came back ({@link SlurmUnreachableException}), or the answer could not be read
 * ({@link SlurmResponseException}).
 */
public abstract sealed class SlurmClientException extends SlurmException
        permits SlurmUsageException, SlurmUnreachableException, SlurmResponseException {

    SlurmClientException(String message, boolean retryable, int attempts, Throwable cause) {
        super(message, retryable, attempts, cause);
    }
}
