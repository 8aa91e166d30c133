package ai.ringrift.slurm.bench;

import ai.ringrift.slurm.rest.JobState;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.JobWatcher;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.SlurmMetrics;
import ai.ringrift.slurm.rest.TokenSources;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The SDK's job watcher over many live jobs on the real cluster: N held jobs watched for some
 * rounds at a fixed interval (requests, bytes and time per round from the wire, the gap between
 * rounds, the heap the watcher retains), then all cancelled and watched until every one has its
 * final record (rounds and requests that took). Every job must end CANCELLED, each reported once:
 * a job not CANCELLED, or without a final record when the drain timeout ends, fails the scenario
 * (named, with its state).
 */
final class TrackingPressure {

    private final String name;
    private final int jobs;
    private final Duration interval;
    private final int steadyRounds;
    private final Duration drainTimeout;
    private final String plantFault;
    private final Map<String, String> facts;

    /** {@code plantFault} "leave-running" (test only): one job is left out of the cancels, so it never reaches CANCELLED. */
    TrackingPressure(String name, int jobs, Duration interval, int steadyRounds, Duration drainTimeout, String plantFault,
            Map<String, String> facts) {
        this.drainTimeout = drainTimeout;
        this.plantFault = plantFault;
        this.name = name;
        this.jobs = jobs;
        this.interval = interval;
        this.steadyRounds = steadyRounds;
        this.facts = facts;
    }

    /** The tracking GETs on the wire, cut into rounds where the watcher reports one. */
    private static final class Rounds implements SlurmMetrics {
        record Round(long endNanos, long tookNanos, long requests, long bytes) {}

        final List<Round> rounds = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong requests = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();

        @Override
        public void request(String method, String endpoint, String outcome, int status, long size, Duration took) {
            if (method.equals("GET")) {
                requests.incrementAndGet();
                bytes.addAndGet(Math.max(0, size));
            }
        }

        @Override
        public void trackingRound(Duration took, Map<String, Integer> byState) {
            rounds.add(new Round(System.nanoTime(), took.toNanos(), requests.getAndSet(0), bytes.getAndSet(0)));
        }

        void reset() {
            requests.set(0);
            bytes.set(0);
            rounds.clear();
        }
    }

    Map<String, Object> run() throws Exception {
        Rounds meter = new Rounds();
        String run = UUID.randomUUID().toString().substring(0, 6);
        Map<String, Object> r = new LinkedHashMap<>();
        try (SlurmClient client = SlurmClient.builder().baseUrl(facts.get("SLURM_REST_URL"))
                .tokenSource(TokenSources.jwtKey(Path.of(facts.get("SLURM_JWT_KEY_FILE")), facts.get("SLURM_CLUSTER_USER"),
                        Duration.ofHours(2), Clock.systemUTC()))
                .connectionPool(16, Duration.ofMinutes(5)).metrics(meter).build()) {
            client.checkVersion();
            r.put("name", name);
            r.put("apiVersion", client.apiVersion().text());
            r.put("slurm", facts.getOrDefault("SLURM_RELEASE", "24.11"));
            r.put("jobs", jobs);
            r.put("intervalMs", interval.toMillis());

            long t0 = System.nanoTime();
            List<Long> ids = submitHeld(client, "pr-" + name + "-" + run + "-");
            r.put("submitSeconds", SubmitBurst.round((System.nanoTime() - t0) / 1e9));

            long heapBefore = TrackerMemoryProbe.usedAfterGc();
            AtomicInteger finals = new AtomicInteger();
            Map<Long, String> endedAs = new java.util.concurrent.ConcurrentHashMap<>();
            List<CompletableFuture<Void>> done = new ArrayList<>(ids.size());
            meter.reset();
            List<Long> cancelled = new ArrayList<>(ids);
            if ("leave-running".equals(plantFault)) {
                System.out.printf("[pressure] %s: PLANTED FAULT leave-running: job %d is not cancelled%n", name, ids.get(0));
                cancelled.remove(0);
            }
            try (JobWatcher watcher = JobWatcher.builder(client).minInterval(interval).maxInterval(interval).build()) {
                for (long id : ids) {
                    done.add(watcher.watch(id, 0, (task, info, neverRan) -> {
                        finals.incrementAndGet();
                        endedAs.merge(id, String.valueOf(info.state()), (x, y) -> x + "," + y);
                    }));
                }
                waitFor(() -> meter.rounds.size() >= steadyRounds, Duration.ofMinutes(5), "steady rounds");
                long heapWatching = TrackerMemoryProbe.usedAfterGc();
                List<Rounds.Round> steady = new ArrayList<>(meter.rounds);
                r.put("steady", summary(steady));
                r.put("watcherHeapMB", SubmitBurst.round((heapWatching - heapBefore) / 1e6));

                meter.reset();
                long c0 = System.nanoTime();
                for (int i = 0; i < cancelled.size(); i += 1000) {
                    client.cancel(cancelled.subList(i, Math.min(cancelled.size(), i + 1000)));
                }
                meter.reset(); // the cancels are not tracking
                try {
                    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // the jobs without a final record are named below
                }
                r.put("drainSeconds", SubmitBurst.round((System.nanoTime() - c0) / 1e9));
                r.put("drain", summary(new ArrayList<>(meter.rounds)));
            }
            // every job driven to CANCELLED must have ended so, reported once
            List<String> examples = new ArrayList<>();
            int notInFinalState = 0;
            for (long id : ids) {
                String as = endedAs.get(id);
                if (as == null || !as.equals(String.valueOf(JobState.CANCELLED))) {
                    notInFinalState++;
                    if (examples.size() < 10) {
                        String now = client.jobStates(List.of(id)).stream().map(e -> String.valueOf(e.state())).findFirst()
                                .orElse("not in slurmctld");
                        examples.add("job " + id + " was driven to CANCELLED but " + (as == null
                                ? "had no final record after " + drainTimeout.toSeconds() + " s (slurmctld: " + now + ")"
                                : "ended " + as));
                    }
                }
            }
            client.cancel(ids.get(0)); // a planted job must not stay queued
            r.put("finalRecords", finals.get());
            r.put("notInFinalState", notInFinalState);
            r.put("examples", examples);
            r.put("plantedFault", plantFault);
            r.put("lost", jobs - endedAs.size());
            r.put("duplicated", Math.max(0, finals.get() - endedAs.size()));
        }
        return r;
    }

    private List<Long> submitHeld(SlurmClient client, String prefix) throws Exception {
        Long[] ids = new Long[jobs];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 16; w++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < jobs; i = next.getAndIncrement()) {
                        ids[i] = client.submit(JobSubmission.builder().name(prefix + i).script("#!/bin/bash\ntrue\n")
                                .partition("cpu-eval").account(facts.get("SLURM_CLUSTER_ACCOUNT")).cpusPerTask(1)
                                .memoryPerNodeMb(16).timeLimit(Duration.ofMinutes(5)).workingDirectory("/tmp")
                                .standardOutput("/dev/null").hold(true).build()).jobId();
                    }
                    return null;
                }));
            }
            for (var f : workers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return List.of(ids);
    }

    private Map<String, Object> summary(List<Rounds.Round> rounds) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("rounds", rounds.size());
        if (rounds.isEmpty()) {
            return s;
        }
        double[] req = rounds.stream().mapToDouble(Rounds.Round::requests).sorted().toArray();
        double[] kb = rounds.stream().mapToDouble(x -> x.bytes() / 1e3).sorted().toArray();
        double[] ms = rounds.stream().mapToDouble(x -> x.tookNanos() / 1e6).sorted().toArray();
        List<Double> gaps = new ArrayList<>();
        for (int i = 1; i < rounds.size(); i++) {
            long startThis = rounds.get(i).endNanos() - rounds.get(i).tookNanos();
            long startPrev = rounds.get(i - 1).endNanos() - rounds.get(i - 1).tookNanos();
            gaps.add((startThis - startPrev) / 1e6);
        }
        s.put("requestsPerRoundMedian", Spread.rank(req, 0.5));
        s.put("requestsPerRoundMax", req[req.length - 1]);
        s.put("requestsTotal", (long) java.util.Arrays.stream(req).sum());
        s.put("kbPerRoundMedian", SubmitBurst.round(Spread.rank(kb, 0.5)));
        s.put("kbPerRoundMax", SubmitBurst.round(kb[kb.length - 1]));
        s.put("roundMsMedian", SubmitBurst.round(Spread.rank(ms, 0.5)));
        s.put("roundMsP90", SubmitBurst.round(Spread.rank(ms, 0.9)));
        s.put("roundMsMax", SubmitBurst.round(ms[ms.length - 1]));
        if (!gaps.isEmpty()) {
            double[] g = gaps.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            s.put("msBetweenRoundStartsMedian", SubmitBurst.round(Spread.rank(g, 0.5)));
            s.put("msBetweenRoundStartsMax", SubmitBurst.round(g[g.length - 1]));
        }
        return s;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Duration max, String what) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + what + " within " + max);
            }
            Thread.sleep(100);
        }
    }
}
