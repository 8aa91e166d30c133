package ai.ringrift.slurm.rest;

import java.util.List;

/**
 * The server serves no API version this client speaks (or not the one pinned). The message names
 * the server's Slurm release, the versions it serves and the ones this client speaks.
 */
public final class SlurmVersionException extends SlurmServiceException {

    private final String slurmRelease;
    private final List<String> served;
    private final List<String> spoken;

    public SlurmVersionException(String message, String slurmRelease, List<String> served, List<String> spoken) {
        this(message, slurmRelease, served, spoken, 1);
    }

    private SlurmVersionException(String message, String slurmRelease, List<String> served, List<String> spoken,
            int attempts) {
        super(message, 404, List.of(), List.of(), false, attempts, null);
        this.slurmRelease = slurmRelease == null ? "" : slurmRelease;
        this.served = List.copyOf(served);
        this.spoken = List.copyOf(spoken);
    }

    /** The server's Slurm release, when it said (empty otherwise). */
    public String slurmRelease() {
        return slurmRelease;
    }

    /** The data parser versions the server serves, as far as the client could tell. */
    public List<String> servedVersions() {
        return served;
    }

    /** The versions this client speaks (or the one pinned). */
    public List<String> spokenVersions() {
        return spoken;
    }

    @Override
    SlurmVersionException withAttempts(int attempts) {
        return sameTrace(new SlurmVersionException(baseMessage(), slurmRelease, served, spoken, attempts));
    }
}
