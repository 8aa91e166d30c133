package ai.ringrift.slurm.rest;

import java.util.OptionalInt;

/** slurmrestd's answer could not be read: not JSON, cut short, or missing what it must hold. */
public final class SlurmResponseException extends SlurmClientException {

    private final int httpStatus;

    public SlurmResponseException(String message, int httpStatus, Throwable cause) {
        this(message, httpStatus, cause, 1);
    }

    private SlurmResponseException(String message, int httpStatus, Throwable cause, int attempts) {
        super(message, false, attempts, cause);
        this.httpStatus = httpStatus;
    }

    /** The HTTP status of the unreadable answer. */
    public OptionalInt httpStatus() {
        return httpStatus > 0 ? OptionalInt.of(httpStatus) : OptionalInt.empty();
    }

    @Override
    public SlurmResponseException withAttempts(int attempts) {
        return sameTrace(new SlurmResponseException(baseMessage(), httpStatus, getCause(), attempts));
    }
}
