package ai.ringrift.slurm.rest;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.testsupport.LocalCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What finding a job after a lost submit answer costs on the wire, on an idle cluster and with
 * 5,000 other jobs queued: the answer to a submit is dropped by a proxy after slurmctld created the
 * job, the client looks for its submit key and adopts the job. Every request the client sends is
 * counted where OkHttp puts it on the connection (the SDK's network interceptor), with its answer's
 * bytes and its time. Reading every job slurmctld holds (what the lookup did before) is measured
 * beside it, with the same queue.
 */
class LostAnswerLookupRealClusterIT {

    private static final int QUEUED = 5_000;

    /** The requests of one lookup: count, bytes of the answers, time on the wire. */
    record Cost(int requests, long bytes, Duration took) {}

    /** Counts the GETs (the lookup's requests) from the moment it is armed. */
    static final class Wire implements SlurmMetrics {
        private final List<long[]> gets = Collections.synchronizedList(new ArrayList<>()); // {bytes, nanos}
        private volatile boolean counting;

        @Override
        public void request(String method, String endpoint, String outcome, int status, long bytes, Duration took) {
            if (counting && method.equals("GET")) {
                gets.add(new long[] {Math.max(0, bytes), took.toNanos()});
            }
        }

        Cost cost() {
            synchronized (gets) {
                return new Cost(gets.size(), gets.stream().mapToLong(g -> g[0]).sum(),
                        Duration.ofNanos(gets.stream().mapToLong(g -> g[1]).sum()));
            }
        }
    }

    @Test
    void theLookupCostsAboutTheSameOnAnIdleAndABusyCluster() throws Exception {
        LocalCluster cluster = LocalCluster.require();
        List<Long> queued = Collections.synchronizedList(new ArrayList<>());
        try (SlurmClient client = client(cluster, cluster.restUrl().toString(), SlurmMetrics.NONE)) {
            try {
                // slurmctld keeps ended jobs for MinJobAge; room for 5,000 more below its MaxJobCount (10,000)
                java.time.Instant deadline = java.time.Instant.now().plusSeconds(180);
                while (client.jobStates().size() > 3_000 && java.time.Instant.now().isBefore(deadline)) {
                    Thread.sleep(2_000);
                }
                Cost idle = lostAnswer(cluster, client.apiVersion().text());

                ExecutorService pool = Executors.newFixedThreadPool(16);
                List<Future<?>> submits = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int i = 0; i < QUEUED; i++) {
                    submits.add(pool.submit(() -> queued.add(client.submit(held(cluster, "lookup-queue")).jobId())));
                }
                for (Future<?> f : submits) {
                    f.get();
                }
                pool.shutdown();
                System.out.printf("LOOKUP: %d held jobs queued in %.1f s%n", QUEUED, (System.nanoTime() - t0) / 1e9);

                Cost busy = lostAnswer(cluster, client.apiVersion().text());
                Cost everyJob = readEveryJob(cluster, client.apiVersion().text());
                System.out.printf("LOOKUP after a lost submit answer (%s): idle %d requests, %d bytes, %.1f ms; "
                        + "with %d jobs queued %d requests, %d bytes, %.1f ms; reading every job instead (as before): "
                        + "%d bytes, %.1f ms%n", client.apiVersion(), idle.requests(), idle.bytes(), idle.took().toNanos() / 1e6,
                        QUEUED, busy.requests(), busy.bytes(), busy.took().toNanos() / 1e6, everyJob.bytes(),
                        everyJob.took().toNanos() / 1e6);
                // the same requests whatever the queue: the state rows and the newest job; the rows grow
                // with the queue (tens of bytes a job), never the whole job records
                assertThat(busy.requests()).isEqualTo(idle.requests()).isLessThanOrEqualTo(3);
                assertThat(busy.bytes()).isLessThan(everyJob.bytes() / 10);
            } finally {
                for (int i = 0; i < queued.size(); i += 500) {
                    client.cancel(new ArrayList<>(queued.subList(i, Math.min(queued.size(), i + 500))));
                }
            }
        }
    }

    /** A client that has submitted before loses the answer to its next submit; what finding the job costs. */
    private static Cost lostAnswer(LocalCluster cluster, String version) throws Exception {
        Wire wire = new Wire();
        List<Long> mine = new ArrayList<>();
        try (ResponseDroppingProxy proxy = ResponseDroppingProxy.disarmed(cluster.restUrl().getHost(), cluster.restUrl().getPort(),
                "POST /slurm/" + version + "/job/submit");
                SlurmClient viaProxy = client(cluster, proxy.url(), wire)) {
            try {
                mine.add(viaProxy.submit(held(cluster, "lookup-answered")).jobId());
                proxy.arm();
                wire.counting = true;
                String key = "lookup-" + UUID.randomUUID();
                SubmittedJob job = viaProxy.submit(held(cluster, "lookup-lost").toBuilder().submitKey(key).build());
                wire.counting = false;
                mine.add(job.jobId());
                assertThat(proxy.dropped.get()).isEqualTo(1);
                assertThat(job.adopted()).isTrue();
                assertThat(job.attempts()).isEqualTo(1);
                assertThat(viaProxy.job(job.jobId()).orElseThrow().comment()).isEqualTo(SlurmClient.SUBMIT_KEY_PREFIX + key);
                return wire.cost();
            } finally {
                viaProxy.cancel(mine);
            }
        }
    }

    /** GET /slurm/VERSION/jobs/: every job slurmctld holds, the lookup's old first step. */
    private static Cost readEveryJob(LocalCluster cluster, String version) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long t0 = System.nanoTime();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(cluster.restUrl() + "/slurm/" + version + "/jobs/"))
                .header("X-SLURM-USER-TOKEN", cluster.userToken()).build(), HttpResponse.BodyHandlers.ofByteArray());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(r.statusCode()).isEqualTo(200);
        return new Cost(1, r.body().length, took);
    }

    private static SlurmClient client(LocalCluster cluster, String url, SlurmMetrics metrics) {
        return SlurmClient.builder().baseUrl(url)
                .tokenSource(TokenSources.jwtKey(cluster.jwtKeyFile(), cluster.user(), Duration.ofMinutes(30), Clock.systemUTC()))
                .apiVersion(ApiVersion.fromSetting(System.getenv("SLURM_REST_API_VERSION")))
                .metrics(metrics).readTimeout(Duration.ofSeconds(60)).build();
    }

    private static JobSubmission held(LocalCluster cluster, String name) {
        return JobSubmission.builder().name(name).script("#!/bin/bash\necho held\n").partition("cpu-eval")
                .account(cluster.account()).workingDirectory(cluster.sharedDir().toString())
                .standardOutput(cluster.sharedDir().resolve("lookup-%j.out").toString())
                .timeLimit(Duration.ofMinutes(5)).cpusPerTask(1).memoryPerNodeMb(64).hold(true).build();
    }
}
