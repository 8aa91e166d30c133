package ai.ringrift.slurm.rest;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * At most N requests of one client at slurmrestd at a time: slurmrestd serves a fixed number of
 * connections with a few threads (its {@code -t} and {@code --max-connections}), and every request
 * it takes in costs slurmctld an RPC. A request waits for a free place before it is sent, for at
 * most the call timeout, and holds it until the answer's head arrives (slurmrestd has done the
 * work by then). One that waited in vain was never sent, so it is safe to send again.
 */
final class InFlightLimit implements Interceptor {

    /** A request that found no free place in time: nothing reached the server. */
    static final class Full extends IOException {
        Full(String message) {
            super(message);
        }
    }

    private final Semaphore places;
    private final int limit;
    private final Duration wait;

    InFlightLimit(int limit, Duration wait) {
        this.places = new Semaphore(limit, true);
        this.limit = limit;
        this.wait = wait;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        try {
            if (!places.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new Full("all " + limit + " places for requests in flight stayed taken for " + wait.toSeconds()
                        + " s; nothing was sent");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for a place to send a request");
        }
        try {
            return chain.proceed(chain.request());
        } finally {
            places.release();
        }
    }

    /** Requests in flight now. */
    int inFlight() {
        return limit - places.availablePermits();
    }
}
