package ai.ringrift.slurm.rest;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** slurmrestd answered, and its answer is an error: an unknown partition, an invalid account, ... */
public class SlurmRejectedException extends SlurmException {

    private final Duration retryAfter;

    public SlurmRejectedException(String message, int httpStatus, List<SlurmError> errors, List<String> warnings,
            boolean retryable, Duration retryAfter) {
        super(message, httpStatus, errors, warnings, retryable, null);
        this.retryAfter = retryAfter;
    }

    /** The server's Retry-After, when it sent one (429, 503). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
