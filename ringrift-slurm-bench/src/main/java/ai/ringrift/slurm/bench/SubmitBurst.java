package ai.ringrift.slurm.bench;

import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.SubmittedJob;
import ai.ringrift.slurm.rest.TokenSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N submitters submitting M jobs through one SDK client (most held, every {@code shortEvery}-th a
 * short job that runs), optionally with slurmrestd killed and restarted in the middle; then every
 * job is checked against slurmdbd: each acknowledged submission is there exactly once under its
 * id, no job was created twice, and none was created for a submission reported as failed.
 *
 * <p>The check reads slurmdbd for every job id from a probe job submitted before the burst to one
 * submitted after it (job ids grow): a duplicate, whose id nobody was told, is found by its name.
 */
final class SubmitBurst {

    record Options(String name, int submitters, int jobs, Duration readTimeout, int maxInFlight, int killAfterJobs,
            Duration downFor, int shortEvery, Duration settle, Duration submitSettle, Duration submitTimeout) {}

    /** What one submission ended as. */
    private record Outcome(long jobId, long nanos, boolean adopted, String failure) {}

    private final Options o;
    private final Map<String, String> facts;
    private final WireCount wire = new WireCount();
    private final String run = UUID.randomUUID().toString().substring(0, 6);

    SubmitBurst(Options options, Map<String, String> facts) {
        this.o = options;
        this.facts = facts;
    }

    private String prefix() {
        return "pr-" + o.name() + "-" + run + "-";
    }

    private JobSubmission job(int i, boolean held) {
        return JobSubmission.builder().name(prefix() + i).script("#!/bin/bash\ntrue\n").partition("cpu-eval")
                .account(facts.get("SLURM_CLUSTER_ACCOUNT")).cpusPerTask(1).memoryPerNodeMb(16)
                .timeLimit(Duration.ofMinutes(5)).workingDirectory("/tmp").standardOutput("/dev/null").hold(held)
                .submitKey(prefix() + i).build();
    }

    private boolean held(int i) {
        return o.shortEvery() <= 0 || i % o.shortEvery() != 0;
    }

    /** Runs the burst and the check; returns the figures (with "lost" and "duplicated"). */
    Map<String, Object> run() throws Exception {
        SlurmClient.Builder b = SlurmClient.builder().baseUrl(facts.get("SLURM_REST_URL"))
                .tokenSource(TokenSources.jwtKey(Path.of(facts.get("SLURM_JWT_KEY_FILE")), facts.get("SLURM_CLUSTER_USER"),
                        Duration.ofHours(2), Clock.systemUTC()))
                .readTimeout(o.readTimeout()).callTimeout(o.readTimeout().plusSeconds(30))
                .maxInFlight(o.maxInFlight()).connectionPool(Math.max(8, o.submitters()), Duration.ofMinutes(5)).metrics(wire);
        if (o.submitSettle() != null) {
            b.submitSettleTime(o.submitSettle());
        }
        if (o.submitTimeout() != null) {
            b.submitTimeout(o.submitTimeout());
        }
        try (SlurmClient client = b.build()) {
            client.checkVersion();
            long floor = probe(client);
            long postsBefore = wire.requests("POST ");
            long requestsBefore = wire.requests();
            Outcome[] outcomes = new Outcome[o.jobs()];
            AtomicInteger next = new AtomicInteger();
            AtomicLong killedAt = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(o.submitters() + 1);
            long started = System.nanoTime();
            try {
                if (o.killAfterJobs() > 0) {
                    pool.submit(() -> killAndRestart(outcomes, killedAt, started));
                }
                List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < o.submitters(); w++) {
                    workers.add(pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < o.jobs(); i = next.getAndIncrement()) {
                            long t = System.nanoTime();
                            try {
                                SubmittedJob job = client.submit(job(i, held(i)));
                                outcomes[i] = new Outcome(job.jobId(), System.nanoTime() - t, job.adopted(), null);
                            } catch (RuntimeException e) {
                                outcomes[i] = new Outcome(0, System.nanoTime() - t, false,
                                        e.getClass().getSimpleName() + ": " + e.getMessage());
                            }
                        }
                        return null;
                    }));
                }
                for (var f : workers) {
                    f.get();
                }
            } finally {
                pool.shutdown();
                pool.awaitTermination(2, TimeUnit.MINUTES);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long submitRequests = wire.requests("POST ") - postsBefore;
            long requestsDuringBurst = wire.requests() - requestsBefore;

            // the held jobs go; late requests still inside slurmrestd get time to land before the ceiling probe
            List<Long> acknowledged = Arrays.stream(outcomes).filter(x -> x.failure() == null).map(Outcome::jobId).toList();
            cancel(client, acknowledged);
            Thread.sleep(o.settle().toMillis());
            long ceiling = probe(client);
            Check check = check(client, outcomes, floor, ceiling);

            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", o.name());
            r.put("apiVersion", client.apiVersion().text());
            r.put("slurm", facts.getOrDefault("SLURM_RELEASE", "24.11"));
            r.put("submitters", o.submitters());
            r.put("jobs", o.jobs());
            r.put("shortJobs", o.shortEvery() <= 0 ? 0 : (o.jobs() + o.shortEvery() - 1) / o.shortEvery());
            r.put("readTimeoutMs", o.readTimeout().toMillis());
            r.put("submitTimeoutMs", o.submitTimeout() == null ? 300_000 : o.submitTimeout().toMillis());
            r.put("maxInFlight", o.maxInFlight());
            r.put("slurmrestdKilledAfterJobs", o.killAfterJobs() > 0 ? o.killAfterJobs() : null);
            r.put("slurmrestdKilledAtS", o.killAfterJobs() > 0 ? round(killedAt.get() / 1e9) : null);
            r.put("slurmrestdDownForS", o.killAfterJobs() > 0 ? o.downFor().toSeconds() : null);
            r.put("seconds", round(seconds));
            r.put("jobsPerSecond", round(acknowledged.size() / seconds));
            double[] ms = Arrays.stream(outcomes).filter(x -> x.failure() == null).mapToDouble(x -> x.nanos() / 1e6).sorted().toArray();
            r.put("submitMsP50", ms.length == 0 ? null : round(Spread.rank(ms, 0.50)));
            r.put("submitMsP90", ms.length == 0 ? null : round(Spread.rank(ms, 0.90)));
            r.put("submitMsP99", ms.length == 0 ? null : round(Spread.rank(ms, 0.99)));
            r.put("submitMsMax", ms.length == 0 ? null : round(ms[ms.length - 1]));
            r.put("acknowledged", acknowledged.size());
            r.put("adopted", Arrays.stream(outcomes).filter(Outcome::adopted).count());
            r.put("failed", o.jobs() - acknowledged.size());
            r.put("failures", failureKinds(outcomes));
            r.put("submitPosts", submitRequests);
            r.put("requestsDuringBurst", requestsDuringBurst);
            r.put("requestsByKind", wire.byRequest());
            r.put("retries", wire.retries());
            r.put("slurmdbdRecords", check.records());
            r.put("lost", check.lost());
            r.put("createdButReportedFailed", check.createdForFailed());
            r.put("duplicated", check.duplicated());
            r.put("lostExamples", check.examples());
            return r;
        }
    }

    /** A held job submitted and cancelled at once: its id bounds this burst's ids. */
    private long probe(SlurmClient client) {
        long id = client.submit(JobSubmission.builder().name("pr-probe").script("#!/bin/bash\ntrue\n").partition("cpu-eval")
                .account(facts.get("SLURM_CLUSTER_ACCOUNT")).cpusPerTask(1).memoryPerNodeMb(16).timeLimit(Duration.ofMinutes(1))
                .workingDirectory("/tmp").standardOutput("/dev/null").hold(true).build()).jobId();
        client.cancel(id);
        return id;
    }

    private static void cancel(SlurmClient client, List<Long> ids) {
        for (int i = 0; i < ids.size(); i += 1000) {
            client.cancel(ids.subList(i, Math.min(ids.size(), i + 1000)));
        }
    }

    /** Once {@code killAfterJobs} submissions were answered: SIGKILL to slurmrestd, then up again after downFor. */
    private void killAndRestart(Outcome[] outcomes, AtomicLong killedAt, long started) {
        try {
            while (Arrays.stream(outcomes).filter(x -> x != null && x.failure() == null).count() < o.killAfterJobs()) {
                Thread.sleep(5);
            }
            Path pidFile = Path.of(facts.get("SLURM_CLUSTER_ROOT")).getParent().resolve("run").resolve("slurmrestd.pid");
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle h = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("slurmrestd is not running"));
            h.destroyForcibly(); // SIGKILL: requests in flight get no answer
            h.onExit().get(30, TimeUnit.SECONDS);
            killedAt.set(System.nanoTime() - started);
            System.out.printf("[pressure] %s: slurmrestd (pid %d) killed after %d answered submissions, at %.1f s%n", o.name(), pid,
                    o.killAfterJobs(), killedAt.get() / 1e9);
            Thread.sleep(o.downFor().toMillis());
            Process up = new ProcessBuilder("bash", "scripts/local-slurm.sh", "up").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (up.waitFor() != 0) {
                throw new IllegalStateException("scripts/local-slurm.sh up failed after killing slurmrestd");
            }
            System.out.printf("[pressure] %s: slurmrestd back after %.1f s%n", o.name(), (System.nanoTime() - started) / 1e9);
        } catch (Exception e) {
            throw new IllegalStateException("could not kill and restart slurmrestd: " + e, e);
        }
    }

    record Check(int records, int lost, int createdForFailed, int duplicated, List<String> examples) {}

    /**
     * slurmdbd's records for every id between the probes, this burst's by name: waits (at most 3
     * minutes) until each acknowledged job has its record.
     */
    private Check check(SlurmClient client, Outcome[] outcomes, long floor, long ceiling) throws InterruptedException {
        List<Long> range = new ArrayList<>();
        for (long id = floor + 1; id < ceiling; id++) {
            range.add(id);
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        Map<String, List<JobInfo>> byName;
        while (true) {
            byName = new HashMap<>();
            for (JobInfo j : client.accountingJobs(range)) {
                if (j.name() != null && j.name().startsWith(prefix())) {
                    byName.computeIfAbsent(j.name(), k -> new ArrayList<>()).add(j);
                }
            }
            int missing = 0;
            for (int i = 0; i < outcomes.length; i++) {
                if (outcomes[i].failure() == null && !byName.containsKey(prefix() + i)) {
                    missing++;
                }
            }
            if (missing == 0 || System.nanoTime() > deadline) {
                break;
            }
            System.out.printf("[pressure] %s: %d acknowledged jobs not in slurmdbd yet; looking again in 5 s%n", o.name(), missing);
            Thread.sleep(5000);
        }
        int records = 0;
        int lost = 0;
        int createdForFailed = 0;
        int duplicated = 0;
        List<String> examples = new ArrayList<>();
        List<Long> strays = new ArrayList<>();
        for (int i = 0; i < outcomes.length; i++) {
            List<JobInfo> found = byName.getOrDefault(prefix() + i, List.of());
            records += found.size();
            // each record of a job id once (a requeued job keeps its id)
            long distinct = found.stream().mapToLong(JobInfo::jobId).distinct().count();
            duplicated += (int) Math.max(0, distinct - 1);
            if (outcomes[i].failure() == null) {
                long id = outcomes[i].jobId();
                if (found.stream().noneMatch(j -> j.jobId() == id)) {
                    lost++;
                    example(examples, "job " + i + ": acknowledged as " + id + ", slurmdbd has " + ids(found));
                }
            } else if (!found.isEmpty()) {
                createdForFailed++;
                example(examples, "job " + i + ": reported failed (" + outcomes[i].failure() + ") but slurmdbd has " + ids(found));
            }
            if (distinct > 1) {
                example(examples, "job " + i + ": " + distinct + " jobs " + ids(found));
            }
            found.stream().filter(j -> !j.isFinal()).forEach(j -> strays.add(j.jobId()));
        }
        cancel(client, strays); // held duplicates or orphans must not stay queued
        return new Check(records, lost, createdForFailed, duplicated, examples);
    }

    private static String ids(List<JobInfo> found) {
        return found.stream().map(j -> j.jobId() + " " + j.state()).toList().toString();
    }

    private static void example(List<String> examples, String text) {
        if (examples.size() < 10) {
            examples.add(text);
        }
    }

    private static Map<String, Integer> failureKinds(Outcome[] outcomes) {
        Map<String, Integer> kinds = new TreeMap<>();
        for (Outcome x : outcomes) {
            if (x.failure() != null) {
                String kind = x.failure().length() > 200 ? x.failure().substring(0, 200) + "..." : x.failure();
                kinds.merge(kind.replaceAll("\\b\\d+\\b", "N").replace("'", ""), 1, Integer::sum);
            }
        }
        return kinds;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
