package ai.ringrift.slurm.rest;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** slurmrestd answered, and its answer is an error: an unknown partition, an invalid account, ... */
public final class SlurmRejectedException extends SlurmServiceException {

    private final Duration retryAfter;

    public SlurmRejectedException(String message, int httpStatus, List<SlurmError> errors, List<String> warnings,
            boolean retryable, Duration retryAfter) {
        this(message, httpStatus, errors, warnings, retryable, retryAfter, 1);
    }

    private SlurmRejectedException(String message, int httpStatus, List<SlurmError> errors, List<String> warnings,
            boolean retryable, Duration retryAfter, int attempts) {
        super(message, httpStatus, errors, warnings, retryable, attempts, null);
        this.retryAfter = retryAfter;
    }

    /** The server's Retry-After, when it sent one (429, 503). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The same refusal with {@code fix} added to its message (what the caller can do about it). */
    public SlurmRejectedException withFix(String fix) {
        return sameTrace(new SlurmRejectedException(baseMessage() + ". " + fix, status(), errors(), warnings(),
                isRetryable(), retryAfter, attempts()));
    }

    @Override
    public SlurmRejectedException withAttempts(int attempts) {
        return sameTrace(new SlurmRejectedException(baseMessage(), status(), errors(), warnings(), isRetryable(),
                retryAfter, attempts));
    }
}
