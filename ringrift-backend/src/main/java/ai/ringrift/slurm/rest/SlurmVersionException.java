package ai.ringrift.slurm.rest;

import java.util.List;

/** The server does not serve the API version this client speaks (v0.0.40). */
public class SlurmVersionException extends SlurmException {

    public SlurmVersionException(String message) {
        super(message, 404, List.of(), List.of(), false, null);
    }
}
