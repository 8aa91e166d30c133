package ai.ringrift.slurm.rest;

import java.util.List;

/**
 * slurmrestd refused the token: it has expired, was signed with another key, or names a user the
 * cluster does not know. slurmrestd 24.11 answers such requests with HTTP 511 and Slurm error 1007
 * ("Protocol authentication error"), and a request without a token with HTTP 401.
 */
public class SlurmAuthenticationException extends SlurmException {

    public SlurmAuthenticationException(String message, int httpStatus, List<SlurmError> errors, List<String> warnings) {
        super(message, httpStatus, errors, warnings, false, null);
    }

    public SlurmAuthenticationException(String message, Throwable cause) {
        super(message, -1, List.of(), List.of(), false, cause);
    }
}
