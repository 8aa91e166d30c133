package ai.ringrift.slurm.rest;

/**
 * No usable answer came back: the connection was refused or reset, or a timeout passed. When
 * {@link #mayHaveReachedServer()} is true the server may have acted on the request (for a
 * submission: the job may exist), so the SDK looks before it sends the request again.
 */
public final class SlurmUnreachableException extends SlurmClientException {

    private final boolean mayHaveReachedServer;

    public SlurmUnreachableException(String message, boolean mayHaveReachedServer, Throwable cause) {
        this(message, mayHaveReachedServer, cause, 1);
    }

    private SlurmUnreachableException(String message, boolean mayHaveReachedServer, Throwable cause, int attempts) {
        super(message, true, attempts, cause);
        this.mayHaveReachedServer = mayHaveReachedServer;
    }

    public boolean mayHaveReachedServer() {
        return mayHaveReachedServer;
    }

    @Override
    public SlurmUnreachableException withAttempts(int attempts) {
        return sameTrace(new SlurmUnreachableException(baseMessage(), mayHaveReachedServer, getCause(), attempts));
    }
}
