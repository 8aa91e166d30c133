package ai.ringrift.slurm.bench;

import ai.ringrift.slurm.rest.TokenSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * slurmrestd without the SDK, for the benchmark's raw ways: OkHttp, the SDK's own transport, with a
 * pool as large as the benchmark's SDK client (32 connections) and no interceptor; the token in its
 * header and nothing else. An answer other than 200 is an error naming the request.
 */
final class RawHttp implements AutoCloseable {

    private static final MediaType APPLICATION_JSON = MediaType.get("application/json");

    private final OkHttpClient http = new OkHttpClient.Builder().connectionPool(new ConnectionPool(32, 5, TimeUnit.MINUTES)).build();
    private final String baseUrl;
    private final TokenSource tokens;

    /** {@code baseUrl}: slurmrestd's (or a proxy's), without a trailing slash. */
    RawHttp(String baseUrl, TokenSource tokens) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.tokens = tokens;
    }

    /** The answer to {@code POST path} with a JSON body. */
    String post(String path, String json) throws IOException {
        return new String(send("POST", path, json(json)), StandardCharsets.UTF_8);
    }

    /** The answer to {@code GET path}, as it came. */
    byte[] get(String path) throws IOException {
        return send("GET", path, null);
    }

    /**
     * A JSON request body as slurmrestd takes it: Content-Type {@code application/json} without a
     * charset (with "; charset=utf-8", which OkHttp adds to a String body, it answers 400 "Unable to
     * parse query"), as the SDK sends it.
     */
    static RequestBody json(String body) {
        return RequestBody.create(body.getBytes(StandardCharsets.UTF_8), APPLICATION_JSON);
    }

    private byte[] send(String method, String path, RequestBody body) throws IOException {
        Request request = new Request.Builder().url(baseUrl + path).header("X-SLURM-USER-TOKEN", tokens.current().value())
                .method(method, body).build();
        try (Response r = http.newCall(request).execute()) {
            byte[] answer = r.body().bytes();
            if (r.code() != 200) {
                throw new IllegalStateException("raw " + method + " " + path + ": HTTP " + r.code() + " "
                        + new String(answer, StandardCharsets.UTF_8));
            }
            return answer;
        }
    }

    @Override
    public void close() {
        http.connectionPool().evictAll();
    }
}
