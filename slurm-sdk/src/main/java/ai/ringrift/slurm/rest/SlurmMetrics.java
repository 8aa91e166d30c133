package ai.ringrift.slurm.rest;

import java.time.Duration;
import java.util.Map;

/**
 * What the SDK reports as it works, for a metrics system to record. Every method has an empty
 * default, so {@link #NONE} costs nothing; {@code ai.ringrift.slurm.metrics.MicrometerSlurmMetrics}
 * records them with Micrometer (an optional dependency: without it on the class path nothing of
 * Micrometer is loaded). Implementations must be thread-safe and quick: they run on the request path.
 */
public interface SlurmMetrics {

    /** Records nothing. */
    SlurmMetrics NONE = new SlurmMetrics() { };

    /**
     * One HTTP request to slurmrestd, as sent on the wire (a retry is another request).
     *
     * @param method GET, POST or DELETE
     * @param endpoint the path with ids replaced, e.g. {@code /slurm/v0.0.40/job/{id}}
     * @param outcome {@code success}, {@code client_error} (4xx), {@code server_error} (5xx) or
     *     {@code io_error} (no answer)
     * @param status the HTTP status, 0 when there was no answer
     * @param bytes the answer's body as sent (Content-Length), -1 when unknown or none
     * @param took how long the request took
     */
    default void request(String method, String endpoint, String outcome, int status, long bytes, Duration took) { }

    /**
     * A retry of a failed call.
     *
     * @param operation what was retried, without ids or names, e.g. {@code get job}
     * @param reason the failure's category, e.g. {@code SlurmUnreachableException}
     */
    default void retry(String operation, String reason) { }

    /**
     * A submission that ended.
     *
     * @param outcome {@code created}, {@code adopted} (an earlier attempt's job, found by its submit
     *     key after a lost answer: a duplicate avoided) or {@code failed}
     */
    default void submission(String outcome) { }

    /**
     * One tracking round of a job tracker.
     *
     * @param took how long the round took, requests included
     * @param trackedByState the tracked jobs' rows by Slurm base state after the round
     */
    default void trackingRound(Duration took, Map<String, Integer> trackedByState) { }
}
