package ai.ringrift.slurm.rest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A clock that only moves when told, and a retry scheduler that, instead of waiting, moves that
 * clock by the wait and runs the task at once: backoff is tested without real waiting, and the
 * waits asked for are recorded.
 */
final class VirtualTime extends Clock {

    private volatile Instant now;
    final List<Duration> waits = new CopyOnWriteArrayList<>();
    final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1) {
        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            Duration wait = Duration.ofNanos(unit.toNanos(delay));
            waits.add(wait);
            advance(wait);
            return super.schedule(command, 0, TimeUnit.NANOSECONDS);
        }
    };

    VirtualTime(Instant start) {
        this.now = start;
    }

    synchronized void advance(Duration d) {
        now = now.plus(d);
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
