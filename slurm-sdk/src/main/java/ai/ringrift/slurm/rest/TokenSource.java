package ai.ringrift.slurm.rest;

/**
 * Where the client gets the JWT it sends as {@code X-SLURM-USER-TOKEN}. Implementations are
 * thread-safe. See {@link TokenSources} for the ones the SDK has.
 */
public interface TokenSource {

    /** The token to send now. */
    Token current();

    /**
     * Called once when slurmrestd refused {@code rejected}: a source that can get a fresh token
     * returns it, and the request is sent again with it; a fixed one returns {@code null}.
     */
    default Token renew(Token rejected) {
        return null;
    }

    /** Whether {@link #renew} can ever return a new token (false for a fixed token). */
    default boolean renewable() {
        return false;
    }

    /**
     * When slurmrestd refused {@code refused} although it has not expired: what this source knows of
     * why, for the error message (never the token), or null to leave it to the generic text.
     */
    default String explainRefusal(Token refused) {
        return null;
    }

    /** Says where tokens come from, for messages; never the token. */
    String describe();
}
