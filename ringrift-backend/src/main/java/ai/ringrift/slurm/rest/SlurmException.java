package ai.ringrift.slurm.rest;

import java.util.List;
import java.util.OptionalInt;

/**
 * The one root of every error this SDK throws. Unchecked.
 *
 * <p>Its subclasses say what went wrong: {@link SlurmRejectedException} (slurmrestd answered with an
 * error), {@link SlurmAuthenticationException} (the token was refused), {@link
 * SlurmUnreachableException} (no answer), {@link SlurmResponseException} (an answer that could not
 * be read), {@link SlurmVersionException} (the server lacks the API version) and {@link
 * SlurmUsageException} (the client was set up wrongly). Each keeps the HTTP status, the
 * server's {@code errors[]} and {@code warnings[]}, and how many requests were sent.
 */
public class SlurmException extends RuntimeException {

    private final int httpStatus;
    private final List<SlurmError> errors;
    private final List<String> warnings;
    private final boolean retryable;
    private volatile int attempts = 1;

    protected SlurmException(String message, int httpStatus, List<SlurmError> errors, List<String> warnings,
            boolean retryable, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
        this.warnings = warnings == null ? List.of() : List.copyOf(warnings);
        this.retryable = retryable;
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

    /** Whether a second try could succeed (the SDK's retries already acted on this). */
    public boolean isRetryable() {
        return retryable;
    }

    /** How many requests were sent for the call that failed, retries included. */
    public int attempts() {
        return attempts;
    }

    /** True when any of the server's errors has this Slurm error number. */
    public boolean hasErrorNumber(int errorNumber) {
        return errors.stream().anyMatch(e -> e.errorNumber() == errorNumber);
    }

    /** Set by the retry layer once the call is over. */
    void recordAttempts(int attempts) {
        this.attempts = attempts;
    }

    @Override
    public String getMessage() {
        String message = super.getMessage();
        return attempts > 1 ? message + " (after " + attempts + " attempts)" : message;
    }
}
