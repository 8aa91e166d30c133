package ai.ringrift.slurm.rest;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.testsupport.LocalCluster;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What watching 2,000 jobs costs on the wire until every one is final: 2,000 held jobs are watched,
 * then cancelled together, so all of them end in the same moment (the worst case for reading final
 * records). Every request is counted where OkHttp puts it on the connection, split into the
 * watcher's rounds, with its answer's bytes.
 */
class WatchingManyJobsRealClusterIT {

    private static final int JOBS = 2_000;

    /** Requests and bytes per round, from the SDK's network interceptor. */
    static final class PerRound implements SlurmMetrics {
        final List<long[]> rounds = Collections.synchronizedList(new ArrayList<>()); // {requests, bytes, millis}
        final AtomicLong requests = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        volatile boolean counting;

        @Override
        public void request(String method, String endpoint, String outcome, int status, long size, Duration took) {
            if (counting && method.equals("GET")) {
                requests.incrementAndGet();
                bytes.addAndGet(Math.max(0, size));
            }
        }

        @Override
        public void trackingRound(Duration took, Map<String, Integer> byState) {
            if (counting) {
                rounds.add(new long[] {requests.getAndSet(0), bytes.getAndSet(0), took.toMillis()});
            }
        }
    }

    @Test
    void twoThousandJobsEndingAtOnceCostAFewRequestsARound() throws Exception {
        LocalCluster cluster = LocalCluster.require();
        PerRound wire = new PerRound();
        List<Long> ids = Collections.synchronizedList(new ArrayList<>());
        try (SlurmClient client = SlurmClient.builder().baseUrl(cluster.restUrl().toString())
                .tokenSource(TokenSources.jwtKey(cluster.jwtKeyFile(), cluster.user(), Duration.ofMinutes(30), Clock.systemUTC()))
                .apiVersion(ApiVersion.fromSetting(System.getenv("SLURM_REST_API_VERSION")))
                .metrics(wire).readTimeout(Duration.ofSeconds(60)).build();
                JobWatcher watcher = JobWatcher.builder(client).minInterval(Duration.ofMillis(500)).maxInterval(Duration.ofSeconds(2))
                        .build()) {
            try {
                // slurmctld keeps ended jobs for MinJobAge: room for 2,000 more below its MaxJobCount
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (client.jobStates().size() > 7_000 && System.nanoTime() < deadline) {
                    Thread.sleep(2_000);
                }
                ExecutorService pool = Executors.newFixedThreadPool(16);
                List<Future<?>> submits = new ArrayList<>();
                for (int i = 0; i < JOBS; i++) {
                    submits.add(pool.submit(() -> ids.add(client.submit(JobSubmission.builder().name("watch-many")
                            .script("#!/bin/bash\ntrue\n").partition("cpu-eval").account(cluster.account())
                            .workingDirectory(cluster.sharedDir().toString()).cpusPerTask(1).memoryPerNodeMb(64)
                            .timeLimit(Duration.ofMinutes(5)).hold(true).build()).jobId())));
                }
                for (Future<?> f : submits) {
                    f.get();
                }
                pool.shutdown();
                List<CompletableFuture<Void>> done = new ArrayList<>();
                Map<Long, JobInfo> finals = new java.util.concurrent.ConcurrentHashMap<>();
                wire.counting = true;
                for (long id : ids) {
                    done.add(watcher.watch(id, 0, (task, info, neverRan) -> finals.put(id, info)));
                }
                Thread.sleep(3_000); // a few rounds with every job pending
                for (int i = 0; i < ids.size(); i += 1000) {
                    client.cancel(new ArrayList<>(ids.subList(i, Math.min(ids.size(), i + 1000))));
                }
                CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
                wire.counting = false;
            } finally {
                for (int i = 0; i < ids.size(); i += 1000) {
                    client.cancel(new ArrayList<>(ids.subList(i, Math.min(ids.size(), i + 1000))));
                }
            }
        }
        List<long[]> rounds = new ArrayList<>(wire.rounds);
        long total = rounds.stream().mapToLong(r -> r[0]).sum();
        long max = rounds.stream().mapToLong(r -> r[0]).max().orElse(0);
        long bytes = rounds.stream().mapToLong(r -> r[1]).sum();
        long maxBytes = rounds.stream().mapToLong(r -> r[1]).max().orElse(0);
        long maxMillis = rounds.stream().mapToLong(r -> r[2]).max().orElse(0);
        System.out.printf("WATCHING %d jobs to their final states: %d rounds, %d requests (at most %d in one), %d bytes "
                + "(%d a round on average, at most %d), the slowest round %d ms%n", JOBS, rounds.size(), total, max, bytes,
                bytes / Math.max(1, rounds.size()), maxBytes, maxMillis);
        assertThat(max).as("requests in the costliest round").isLessThanOrEqualTo(2 + JobWatcher.FALLBACK_READS_PER_ROUND);
    }
}
