package ai.ringrift.slurm.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that only moves when told, with a scheduler on the same time: what code that waits (retry
 * backoff, token expiry, polling rounds) is tested on without real waiting. Two ways to run:
 *
 * <ul>
 *   <li>{@link #VirtualTime(Instant)}, moving: a task scheduled with a delay moves the clock by
 *       that delay and runs at once (on the scheduler's thread), so a blocking call that retries
 *       returns at once, and the waits it asked for are recorded ({@link #waits()});
 *   <li>{@link #stepped(Instant)}: a task runs only when {@link #advance} brings the clock to its
 *       time, on the thread that advances, in time order: a poller's rounds happen exactly when the
 *       test says.
 * </ul>
 */
public class VirtualTime extends Clock {

    private volatile Instant now;
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final boolean stepped;
    private final Scheduler scheduler = new Scheduler();

    /** Moving time: scheduled tasks move the clock by their delay and run at once. */
    public VirtualTime(Instant start) {
        this(start, false);
    }

    private VirtualTime(Instant start, boolean stepped) {
        this.now = start;
        this.stepped = stepped;
    }

    /** Stepped time: scheduled tasks run only when {@link #advance} reaches them. */
    public static VirtualTime stepped(Instant start) {
        return new VirtualTime(start, true);
    }

    /**
     * Moves the clock forward by {@code d}; in stepped time, runs each task that falls due on the
     * way, in time order, with the clock at its due time.
     */
    public void advance(Duration d) {
        Instant target;
        synchronized (this) {
            target = now.plus(d);
        }
        if (stepped) {
            Task next;
            while ((next = scheduler.nextDue(target)) != null) {
                synchronized (this) {
                    if (next.due.isAfter(now)) {
                        now = next.due;
                    }
                }
                next.run();
            }
        }
        synchronized (this) {
            if (target.isAfter(now)) {
                now = target;
            }
        }
    }

    /** The scheduler on this time, to give the code under test (a client's retry scheduler, a watcher's). */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Every delay asked of {@link #scheduler()}, in order. */
    public List<Duration> waits() {
        return List.copyOf(waits);
    }

    /** Tasks scheduled and not yet run (stepped time). */
    public int pending() {
        return scheduler.size();
    }

    /** Stops the scheduler: later tasks are refused, waiting ones dropped. */
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

    private final class Task extends FutureTask<Object> implements ScheduledFuture<Object> {
        final Instant due;
        final long order;

        Task(Callable<Object> work, Instant due, long order) {
            super(work);
            this.due = due;
            this.order = order;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(Duration.between(now, due).toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            Task t = (Task) o;
            int c = due.compareTo(t.due);
            return c != 0 ? c : Long.compare(order, t.order);
        }
    }

    /** A scheduler whose delays are this clock's. */
    private final class Scheduler extends AbstractExecutorService implements ScheduledExecutorService {
        private final PriorityQueue<Task> queue = new PriorityQueue<>();
        private final AtomicLong order = new AtomicLong();
        /** Moving time: the one thread that runs the tasks, in the order they were scheduled. */
        private final java.util.concurrent.ExecutorService runner = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "virtual-time");
            t.setDaemon(true);
            return t;
        });
        private volatile boolean shutdown;

        synchronized Task nextDue(Instant until) {
            Task head = queue.peek();
            return head != null && !head.due.isAfter(until) ? queue.poll() : null;
        }

        synchronized int size() {
            return queue.size();
        }

        private ScheduledFuture<Object> submitAt(Callable<Object> work, long delay, TimeUnit unit) {
            if (shutdown) {
                throw new RejectedExecutionException("the virtual scheduler is shut down");
            }
            Duration wait = Duration.ofNanos(Math.max(0, unit.toNanos(delay)));
            waits.add(wait);
            if (!stepped) {
                advance(wait);
                Task task = new Task(work, now, order.incrementAndGet());
                runner.execute(task);
                return task;
            }
            Task task = new Task(work, now.plus(wait), order.incrementAndGet());
            synchronized (this) {
                queue.add(task);
            }
            return task;
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            return submitAt(() -> {
                command.run();
                return null;
            }, delay, unit);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            return (ScheduledFuture<V>) submitAt((Callable<Object>) callable, delay, unit);
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            throw new UnsupportedOperationException("schedule each run on its own");
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
            throw new UnsupportedOperationException("schedule each run on its own");
        }

        @Override
        public void execute(Runnable command) {
            schedule(command, 0, TimeUnit.NANOSECONDS);
        }

        @Override
        public void shutdown() {
            shutdown = true;
            runner.shutdown();
        }

        @Override
        public synchronized List<Runnable> shutdownNow() {
            shutdown = true;
            runner.shutdownNow();
            List<Runnable> dropped = new ArrayList<>(queue);
            queue.clear();
            return dropped;
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public synchronized boolean isTerminated() {
            return shutdown && queue.isEmpty();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return isTerminated();
        }
    }
}
