package ai.ringrift.slurm.rest;

import java.util.List;

/**
 * No usable answer came back: the connection was refused or reset, or a timeout passed. When
 * {@link #mayHaveReachedServer()} is true the server may have acted on the request (for a
 * submission: the job may exist), so the SDK looks before it sends the request again.
 */
public class SlurmUnreachableException extends SlurmException {

    private final boolean mayHaveReachedServer;

    public SlurmUnreachableException(String message, boolean mayHaveReachedServer, Throwable cause) {
        super(message, -1, List.of(), List.of(), true, cause);
        this.mayHaveReachedServer = mayHaveReachedServer;
    }

    public boolean mayHaveReachedServer() {
        return mayHaveReachedServer;
    }
}
