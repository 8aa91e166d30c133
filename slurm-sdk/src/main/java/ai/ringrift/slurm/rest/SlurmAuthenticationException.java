package ai.ringrift.slurm.rest;

import java.util.List;

/**
 * slurmrestd refused the token: it has expired, was signed with another key, or names a user the
 * cluster does not know. slurmrestd 24.11 answers such requests with HTTP 511 and Slurm error 1007
 * ("Protocol authentication error"), and a request without a token with HTTP 401.
 */
public final class SlurmAuthenticationException extends SlurmServiceException {

    public SlurmAuthenticationException(String message, int httpStatus, List<SlurmError> errors, List<String> warnings) {
        this(message, httpStatus, errors, warnings, 1, null);
    }

    /** A token that could not be had at all (the key or token file cannot be read). */
    public SlurmAuthenticationException(String message, Throwable cause) {
        this(message, -1, List.of(), List.of(), 1, cause);
    }

    private SlurmAuthenticationException(String message, int httpStatus, List<SlurmError> errors, List<String> warnings,
            int attempts, Throwable cause) {
        super(message, httpStatus, errors, warnings, false, attempts, cause);
    }

    @Override
    public SlurmAuthenticationException withAttempts(int attempts) {
        return sameTrace(new SlurmAuthenticationException(baseMessage(), status(), errors(), warnings(), attempts, getCause()));
    }
}
