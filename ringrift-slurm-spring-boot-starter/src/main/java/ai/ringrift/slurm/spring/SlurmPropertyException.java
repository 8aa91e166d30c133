package ai.ringrift.slurm.spring;

/**
 * A {@code slurm.rest.*} property that cannot be used: thrown at start-up, naming the property and
 * what to set instead. The value of a secret is never part of the message.
 */
public final class SlurmPropertyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String property;
    private final String problem;

    public SlurmPropertyException(String property, String problem) {
        super(property + ": " + problem);
        this.property = property;
        this.problem = problem;
    }

    /** The property, e.g. {@code slurm.rest.url}. */
    public String property() {
        return property;
    }

    /** What is wrong with it and what to set. */
    public String problem() {
        return problem;
    }
}
