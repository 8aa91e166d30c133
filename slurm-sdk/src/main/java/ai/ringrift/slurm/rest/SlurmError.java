package ai.ringrift.slurm.rest;

/**
 * One entry of the {@code errors[]} array that slurmrestd puts in its answers.
 *
 * @param errorNumber Slurm's error number (for example 2000, "Invalid partition name specified");
 *     -1 when Slurm did not say
 * @param error Slurm's text for that number
 * @param description what slurmrestd was doing
 * @param source the Slurm function that failed
 */
public record SlurmError(int errorNumber, String error, String description, String source) {

    public SlurmError {
        error = error == null ? "" : error;
        description = description == null ? "" : description;
        source = source == null ? "" : source;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(error.isEmpty() ? description : error);
        text.append(" [error ").append(errorNumber);
        if (!source.isEmpty()) {
            text.append(", ").append(source);
        }
        text.append(']');
        if (!description.isEmpty() && !error.isEmpty()) {
            text.append(": ").append(description);
        }
        return text.toString();
    }
}
