package ai.ringrift.slurm.client.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import okio.Buffer;

/**
 * Keeps the last raw HTTP exchange of each thread so a test can save what the real slurmrestd
 * answered as a WireMock stub mapping ({@code {"request": ..., "response": ...}}).
 *
 * <p>Mappings go to {@code -Dfixtures.record.dir=DIR} when that is set (point it at
 * {@code src/test/resources/slurmrestd/v0.0.40/mappings} to refresh the committed fixtures), else
 * to {@code target/recorded-fixtures/mappings}. Authentication headers are never written.
 */
public final class FixtureRecorder implements Interceptor {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private record Exchange(String method, String pathAndQuery, String requestBody, int status, String responseBody,
            String contentType) {}

    private final ThreadLocal<Exchange> last = new ThreadLocal<>();
    private final Path dir;
    private final String recordedFrom;

    public FixtureRecorder() {
        this(defaultDir(), "slurmrestd 24.11.5 (scripts/local-slurm.sh)");
    }

    /** Mappings go to {@code dir}; {@code recordedFrom} names the server in each one's metadata. */
    public FixtureRecorder(Path dir, String recordedFrom) {
        this.dir = dir;
        this.recordedFrom = recordedFrom;
    }

    private static Path defaultDir() {
        String configured = System.getProperty("fixtures.record.dir");
        return configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of("target", "recorded-fixtures", "mappings");
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        String requestBody = null;
        if (request.body() != null) {
            Buffer buffer = new Buffer();
            request.body().writeTo(buffer);
            requestBody = buffer.readUtf8();
        }
        Response response = chain.proceed(request);
        String body = response.peekBody(64L * 1024 * 1024).string();
        String query = request.url().encodedQuery();
        last.set(new Exchange(request.method(), request.url().encodedPath() + (query == null ? "" : "?" + query),
                requestBody, response.code(), body, response.header("Content-Type", "application/json")));
        return response;
    }

    /** Saves this thread's last exchange as the stub mapping {@code NAME.json}; returns the file. */
    public Path save(String name) {
        Exchange exchange = last.get();
        if (exchange == null) {
            throw new IllegalStateException("no request was sent on this thread yet");
        }
        ObjectNode mapping = JSON.createObjectNode();
        mapping.put("name", name);
        ObjectNode request = mapping.putObject("request");
        request.put("method", exchange.method());
        String path = exchange.pathAndQuery();
        int q = path.indexOf('?');
        request.put("urlPath", q < 0 ? path : path.substring(0, q));
        ObjectNode response = mapping.putObject("response");
        response.put("status", exchange.status());
        response.putObject("headers").put("Content-Type", exchange.contentType()); // as the server sent it
        try {
            JsonNode body = JSON.readTree(exchange.responseBody());
            response.set("jsonBody", body);
        } catch (IOException notJson) {
            response.put("body", exchange.responseBody());
        }
        ObjectNode meta = mapping.putObject("metadata");
        meta.put("recordedFrom", recordedFrom);
        meta.put("requestPathAndQuery", exchange.pathAndQuery());
        if (exchange.requestBody() != null) {
            try {
                meta.set("requestBody", JSON.readTree(exchange.requestBody()));
            } catch (IOException notJson) {
                meta.put("requestBody", exchange.requestBody());
            }
        }
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".json");
            JSON.writeValue(file.toFile(), mapping);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write fixture " + name + " to " + dir, e);
        }
    }

    public int lastStatus() {
        Exchange exchange = last.get();
        return exchange == null ? -1 : exchange.status();
    }

    public String lastBody() {
        Exchange exchange = last.get();
        return exchange == null ? null : exchange.responseBody();
    }
}
