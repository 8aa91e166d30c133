package ai.ringrift.slurm.rest.internal;


import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;

/**
 * At most N requests of one client at slurmrestd at a time: slurmrestd serves a fixed number of
 * connections with a few threads (its {@code -t} and {@code --max-connections}), and every request
 * it takes in costs slurmctld an RPC. A request waits for a free place before it is sent, for at
 * most the call timeout, and holds it until its answer has been read and closed: only then is its
 * connection free for the next request, so the client never has more connections busy than
 * places, and the pool need not open more (with {@code --max-connections}, every connection of a
 * client holds one of slurmrestd's slots, busy or idle). One that waited in vain was never sent,
 * so it is safe to send again. The SDK closes every answer (Retrofit does, and the one raw call).
 */
public final class InFlightLimit implements Interceptor {

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
        Response response;
        try {
            response = chain.proceed(chain.request());
        } catch (IOException | RuntimeException | Error e) {
            places.release();
            throw e;
        }
        ResponseBody body = response.body();
        if (body == null) {
            places.release();
            return response;
        }
        return response.newBuilder().body(new ReleasingBody(body, places)).build();
    }

    /** The answer's body, which gives its place back (once) when it is closed. */
    private static final class ReleasingBody extends ResponseBody {
        private final ResponseBody body;
        private final Semaphore places;
        private final AtomicBoolean released = new AtomicBoolean();
        private BufferedSource source;

        ReleasingBody(ResponseBody body, Semaphore places) {
            this.body = body;
            this.places = places;
        }

        private void release() {
            if (released.compareAndSet(false, true)) {
                places.release();
            }
        }

        @Override
        public MediaType contentType() {
            return body.contentType();
        }

        @Override
        public long contentLength() {
            return body.contentLength();
        }

        @Override
        public synchronized BufferedSource source() {
            if (source == null) {
                source = Okio.buffer(new ForwardingSource(body.source()) {
                    @Override
                    public void close() throws IOException {
                        try {
                            super.close();
                        } finally {
                            release();
                        }
                    }
                });
            }
            return source;
        }

        @Override
        public void close() {
            try {
                body.close();
            } finally {
                release();
            }
        }
    }

    /** Requests in flight now. */
    int inFlight() {
        return limit - places.availablePermits();
    }
}
