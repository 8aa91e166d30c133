package ai.ringrift.slurm.rest.internal;


import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * How long a submit is waited for: longer than other requests. Under slurmctld's RPC rate limit the
 * Slurm library inside slurmrestd sleeps 1, 2, 3... seconds between tries, with no end, and a
 * submit that loses the race again and again is answered minutes later, after a client with a
 * short timeout has looked for it, found nothing and perhaps submitted it again (seen on the local
 * cluster: 10,000 submits from 16 threads under a bucket of 30 refilled by 40 a second, 18 waited
 * over 60 s, one 215 s). Waiting for the answer is the only way to know; a slurmrestd that dies
 * closes the connection, which needs no timeout to be noticed. Every submit is a POST, and every
 * POST is a submit.
 */
public final class SubmitPatience implements Interceptor {

    private final Duration timeout;

    SubmitPatience(Duration timeout) {
        this.timeout = timeout;
    }

    static boolean isSubmit(Request request) {
        return "POST".equals(request.method());
    }

    /** The whole-call deadline of a submit ({@code callTimeout}: its call's); set before the call is executed. */
    void extend(Request request, okio.Timeout callTimeout) {
        if (isSubmit(request)) {
            callTimeout.timeout(timeout.toMillis() + 30_000, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        if (!isSubmit(chain.request())) {
            return chain.proceed(chain.request());
        }
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        return chain.withReadTimeout(ms, TimeUnit.MILLISECONDS).withWriteTimeout(ms, TimeUnit.MILLISECONDS)
                .proceed(chain.request());
    }
}
