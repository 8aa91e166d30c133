package ai.ringrift.slurm.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CountingProxyTest {

    @Test
    void countsConnectsAndEachRequestOnAKeptAliveConnectionAndPassesBytesUnchanged() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", x -> {
            byte[] body = x.getRequestBody().readAllBytes();
            byte[] answer = (x.getRequestMethod() + " " + x.getRequestURI() + " " + body.length).getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, answer.length);
            x.getResponseBody().write(answer);
            x.close();
        });
        server.start();
        try (CountingProxy proxy = CountingProxy.to(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(proxy.url() + "/slurm/v0.0.42/jobs/state/?job_id=1," + i))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.body()).isEqualTo("GET /slurm/v0.0.42/jobs/state/?job_id=1," + i + " 0");
            }
            String big = "x".repeat(100_000);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(proxy.url() + "/slurm/v0.0.40/job/submit"))
                    .POST(HttpRequest.BodyPublishers.ofString(big)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).isEqualTo("POST /slurm/v0.0.40/job/submit 100000");
            http.send(HttpRequest.newBuilder(URI.create(proxy.url() + "/slurm/v0.0.40/job/12345")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(proxy.requests()).containsOnly(
                    java.util.Map.entry("GET /slurm/{v}/jobs/state/", 3L),
                    java.util.Map.entry("POST /slurm/{v}/job/submit", 1L),
                    java.util.Map.entry("GET /slurm/{v}/job/{id}", 1L));
            assertThat(proxy.connects()).isEqualTo(1); // one kept-alive connection for all five
            assertThat(proxy.answerBytes()).isGreaterThan(5 * "GET /slurm/v0.0.40/job/12345 0".length());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void keysTakeIdsAndVersionsOut() {
        assertThat(CountingProxy.key("GET /slurmdb/v0.0.44/jobs/?job=1,2 HTTP/1.1")).isEqualTo("GET /slurmdb/{v}/jobs/");
        assertThat(CountingProxy.key("DELETE /slurm/v0.0.40/job/77 HTTP/1.1")).isEqualTo("DELETE /slurm/{v}/job/{id}");
    }
}
