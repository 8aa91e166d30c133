package ai.ringrift.slurm.rest;

import java.util.List;

/** slurmrestd's answer could not be read: not JSON, cut short, or missing what it must hold. */
public class SlurmResponseException extends SlurmException {

    public SlurmResponseException(String message, int httpStatus, Throwable cause) {
        super(message, httpStatus, List.of(), List.of(), false, cause);
    }
}
