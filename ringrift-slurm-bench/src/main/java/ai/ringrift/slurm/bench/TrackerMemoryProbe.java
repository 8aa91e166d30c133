package ai.ringrift.slurm.bench;

import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.rest.JobWatcher;
import ai.ringrift.slurm.rest.RetryPolicy;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.TokenSources;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Heap the SDK's job watcher keeps for N live jobs, through its public API, measured with a
 * synthetic /jobs/state/ answer served on loopback (the real cluster is not asked to hold 100,000
 * jobs).
 */
public final class TrackerMemoryProbe {

    private TrackerMemoryProbe() {}

    public static long retainedBytes(int jobs) throws Exception {
        StringBuilder body = new StringBuilder("{\"jobs\":[");
        for (int i = 0; i < jobs; i++) {
            body.append(i == 0 ? "" : ",").append("{\"job_id\":\"").append(1_000_000 + i).append("\",\"state\":[\"RUNNING\"]}");
        }
        byte[] answer = body.append("],\"errors\":[],\"warnings\":[]}").toString().getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/slurm/v0.0.40/jobs/state/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
        try (SlurmClient client = SlurmClient.builder()
                .baseUrl("http://127.0.0.1:" + server.getAddress().getPort())
                .tokenSource(TokenSources.fixed("probe")).retryPolicy(RetryPolicy.none()).checkVersion(false).apiVersion(ApiVersion.of("v0.0.40")).build();
             JobWatcher watcher = JobWatcher.builder(client).polling(false).build()) {
            long before = usedAfterGc();
            for (int i = 0; i < jobs; i++) {
                watcher.watch(1_000_000 + i, 0, (task, info, neverRan) -> { });
            }
            watcher.pollOnce(); // one round over all of them
            long after = usedAfterGc();
            if (watcher.liveJobIds().size() != jobs) {
                throw new IllegalStateException("the watcher lost jobs: " + watcher.liveJobIds().size());
            }
            return after - before;
        } finally {
            server.stop(0);
        }
    }

    /** Heap in use after three collections (the probes' one measure of retained memory). */
    static long usedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
