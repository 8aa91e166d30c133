package ai.ringrift.slurm.testing;

import java.time.Instant;

/**
 * A clock that only moves when told, and a retry scheduler that, instead of waiting, moves that
 * clock by the wait and runs the task at once: backoff and token expiry are tested without real
 * waiting, and the waits asked for are recorded. Give both to the client builder:
 *
 * <pre>{@code
 * VirtualTime time = new VirtualTime(Instant.parse("2026-11-29T12:00:00Z"));
 * SlurmClient client = SlurmClient.builder()...clock(time).retryScheduler(time.scheduler()).build();
 * ...
 * assertThat(time.waits()).containsExactly(Duration.ofSeconds(7)); // the server's Retry-After
 * }</pre>
 *
 * The same virtual time as the project's own tests use ({@code ai.ringrift.slurm.testsupport}),
 * under the test kit's name.
 */
public final class VirtualTime extends ai.ringrift.slurm.testsupport.VirtualTime {

    /** A clock that reads {@code start} until moved. */
    public VirtualTime(Instant start) {
        super(start);
    }
}
