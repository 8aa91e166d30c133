package ai.ringrift.slurm.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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
 */
public final class VirtualTime extends Clock {

    private volatile Instant now;
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1) {
        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            Duration wait = Duration.ofNanos(unit.toNanos(delay));
            waits.add(wait);
            advance(wait);
            return super.schedule(command, 0, TimeUnit.NANOSECONDS);
        }
    };

    /** A clock that reads {@code start} until moved. */
    public VirtualTime(Instant start) {
        this.now = start;
    }

    /** Moves the clock forward by {@code d}. */
    public synchronized void advance(Duration d) {
        now = now.plus(d);
    }

    /** The scheduler to give the client as its retry scheduler: it moves the clock instead of waiting. */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Every wait asked of {@link #scheduler()}, in order. */
    public List<Duration> waits() {
        return List.copyOf(waits);
    }

    /** Stops the scheduler's thread. */
    public void shutdown() {
        scheduler.shutdownNow();
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
