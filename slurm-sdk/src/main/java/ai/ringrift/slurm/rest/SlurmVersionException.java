package ai.ringrift.slurm.rest;

import java.util.List;

/**
 * The server serves no API version this client speaks (or not the one pinned). The message names
 * the server's Slurm release and what to do: the versions both sides speak to pin, or the Slurm
 * release that would bring one.
 */
public final class SlurmVersionException extends SlurmServiceException {

    private final String fix;
    private final String slurmRelease;
    private final List<ApiVersion> served;
    private final List<ApiVersion> spoken;

    public SlurmVersionException(String message, String fix, String slurmRelease, List<ApiVersion> served,
            List<ApiVersion> spoken) {
        this(message, fix, slurmRelease, served, spoken, 1);
    }

    private SlurmVersionException(String message, String fix, String slurmRelease, List<ApiVersion> served,
            List<ApiVersion> spoken, int attempts) {
        super(message, 404, List.of(), List.of(), false, attempts, null);
        this.fix = fix == null ? "" : fix;
        this.slurmRelease = slurmRelease == null ? "" : slurmRelease;
        this.served = List.copyOf(served);
        this.spoken = List.copyOf(spoken);
    }

    /** What to do, as one sentence (also the end of the message). */
    public String fix() {
        return fix;
    }

    /** The server's Slurm release, when it said (empty otherwise). */
    public String slurmRelease() {
        return slurmRelease;
    }

    /** The data parser versions the server serves, as far as the client could tell (those this client does not speak too). */
    public List<ApiVersion> servedVersions() {
        return served;
    }

    /** The versions this client speaks (or the one pinned). */
    public List<ApiVersion> spokenVersions() {
        return spoken;
    }

    /** The versions both the server and this client speak, newest first. */
    public List<ApiVersion> versionsInCommon() {
        return served.stream().filter(ApiVersion::isSupported).sorted(java.util.Comparator.reverseOrder()).toList();
    }

    @Override
    public SlurmVersionException withAttempts(int attempts) {
        return sameTrace(new SlurmVersionException(baseMessage(), fix, slurmRelease, served, spoken, attempts));
    }
}
