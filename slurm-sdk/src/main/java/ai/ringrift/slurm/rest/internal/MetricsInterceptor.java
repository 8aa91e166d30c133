package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.SlurmMetrics;

import java.io.IOException;
import java.time.Duration;
import java.util.regex.Pattern;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/** Reports every HTTP request the client sends to {@link SlurmMetrics}: endpoint, outcome, status, time. */
public final class MetricsInterceptor implements Interceptor {

    /** A path segment that is an id (17, 14_3, 15+1): replaced, so endpoints stay few. */
    private static final Pattern ID_SEGMENT = Pattern.compile("/\\d[^/]*");

    private final SlurmMetrics metrics;

    MetricsInterceptor(SlurmMetrics metrics) {
        this.metrics = metrics;
    }

    /** {@code /slurm/v0.0.40/job/17} becomes {@code /slurm/v0.0.40/job/{id}}; the version stays. */
    static String endpoint(String path) {
        String templated = ID_SEGMENT.matcher(path.replace("/v0.0.", "/v0_0_")).replaceAll("/{id}");
        return templated.replace("/v0_0_", "/v0.0.");
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        long start = System.nanoTime();
        String endpoint = endpoint(request.url().encodedPath());
        try {
            Response response = chain.proceed(request);
            int code = response.code();
            String outcome = code < 400 ? "success" : code < 500 ? "client_error" : "server_error";
            long bytes = response.body() == null ? -1 : response.body().contentLength();
            metrics.request(request.method(), endpoint, outcome, code, bytes, Duration.ofNanos(System.nanoTime() - start));
            return response;
        } catch (IOException | RuntimeException e) {
            metrics.request(request.method(), endpoint, "io_error", 0, -1, Duration.ofNanos(System.nanoTime() - start));
            throw e;
        }
    }
}
