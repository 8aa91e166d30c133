package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.rest.ApiVersion;
import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.TokenSources;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The client's limit on requests in flight, seen where it matters: at the server. A loopback
 * server that works 100 ms on each request counts how many it works on at once while 32 threads
 * of one client read job states.
 */
class InFlightLimitTest {

    /** The client connections (their ports) the server saw in the last {@link #mostAtOnce} run. */
    private static final java.util.Set<Integer> connections = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The most requests the server held at once while 32 callers each made 3 calls. */
    private static int mostAtOnce(int limit) throws Exception {
        connections.clear();
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(Executors.newFixedThreadPool(64));
        server.createContext("/", exchange -> {
            connections.add(exchange.getRemoteAddress().getPort());
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                Thread.sleep(100);
                now.decrementAndGet(); // the work is done; the answer goes out
                byte[] body = "{\"jobs\":[],\"errors\":[],\"warnings\":[]}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        server.start();
        ExecutorService callers = Executors.newFixedThreadPool(32);
        try (SlurmClient client = SlurmClient.builder().baseUrl("http://127.0.0.1:" + server.getAddress().getPort())
                .tokenSource(TokenSources.fixed("t0k3n")).apiVersion(ApiVersion.of("v0.0.40")).checkVersion(false)
                .connectionPool(64, java.time.Duration.ofMinutes(1)).maxInFlight(limit).build()) {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                calls.add(callers.submit(() -> {
                    for (int k = 0; k < 3; k++) {
                        client.jobStates(List.of(1L));
                    }
                }));
            }
            for (Future<?> f : calls) {
                f.get();
            }
        } finally {
            callers.shutdown();
            server.stop(0);
        }
        return most.get();
    }

    @Test
    void noMoreRequestsReachTheServerAtOnceThanTheLimit() throws Exception {
        assertThat(mostAtOnce(4)).isEqualTo(4);
        // nor more connections: a place is free only once its answer was read, when its connection
        // is back in the pool (with --max-connections every connection holds a slot of slurmrestd's)
        assertThat(connections).hasSizeLessThanOrEqualTo(4);
        // without a tight limit the same callers put far more on the server at once
        assertThat(mostAtOnce(64)).isGreaterThan(16);
    }
}
