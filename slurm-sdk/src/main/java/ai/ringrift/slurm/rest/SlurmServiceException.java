package ai.ringrift.slurm.rest;

import java.util.List;
import java.util.OptionalInt;

/**
 * slurmrestd answered, and its answer is an error. Keeps the HTTP status and the server's
 * {@code errors[]} and {@code warnings[]}.
 */
public abstract sealed class SlurmServiceException extends SlurmException
        permits SlurmRejectedException, SlurmAuthenticationException, SlurmVersionException {

    private final int httpStatus;
    private final List<SlurmError> errors;
    private final List<String> warnings;

    SlurmServiceException(String message, int httpStatus, List<SlurmError> errors, List<String> warnings,
            boolean retryable, int attempts, Throwable cause) {
        super(message, retryable, attempts, cause);
        this.httpStatus = httpStatus;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
        this.warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** The HTTP status of the answer, if there was one. */
    public OptionalInt httpStatus() {
        return httpStatus > 0 ? OptionalInt.of(httpStatus) : OptionalInt.empty();
    }

    /** The server's {@code errors[]}, empty when it sent none. */
    public List<SlurmError> errors() {
        return errors;
    }

    /** The server's {@code warnings[]} descriptions. */
    public List<String> warnings() {
        return warnings;
    }

    /** True when any of the server's errors has this Slurm error number. */
    public boolean hasErrorNumber(int errorNumber) {
        return errors.stream().anyMatch(e -> e.errorNumber() == errorNumber);
    }

    int status() {
        return httpStatus;
    }
}
