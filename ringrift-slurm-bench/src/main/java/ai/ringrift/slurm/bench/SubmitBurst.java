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
 * <p>The check reads every job id from a probe job submitted before the burst to a closing probe
 * submitted once the longest time a submit can still land has passed since the last submit (submit
 * timeout plus settle time), in slurmdbd (once it holds the closing probe's record) and in
 * slurmctld: a duplicate, whose id nobody was told, is found by its name; a job whose name cannot
 * be read fails the check. With slurmrestd killed, the scenario fails unless its pid was gone and a
 * new slurmrestd answered.
 */
final class SubmitBurst {

    /**
     * {@code plantFault} (test only: proves the check fails) is null, "late-duplicate" (a copy of job 0
     * sent by plain HTTP, past the SDK, {@code plantAfter} after the last submit) or "no-kill" (the
     * kill of slurmrestd skipped, all else as usual).
     */
    record Options(String name, int submitters, int jobs, Duration readTimeout, int maxInFlight, int killAfterJobs,
            Duration downFor, int shortEvery, Duration submitSettle, Duration submitTimeout, String plantFault,
            Duration plantAfter) {

        /** The SDK's defaults where none was given. */
        Duration effectiveSubmitTimeout() {
            return submitTimeout != null ? submitTimeout : Duration.ofMinutes(5);
        }

        Duration effectiveSubmitSettle() {
            return submitSettle != null ? submitSettle : Duration.ofSeconds(30);
        }

        /** The longest a submit can still land after the last submit returned: submit timeout plus settle time. */
        Duration landingWindow() {
            return effectiveSubmitTimeout().plus(effectiveSubmitSettle());
        }
    }

    /** What one submission ended as. */
    private record Outcome(long jobId, long nanos, boolean adopted, String failure, long endNanos) {}

    private final Options o;
    private final Map<String, String> facts;
    private final WireCount wire = new WireCount();
    private final ai.ringrift.slurm.rest.TokenSource tokens;
    /** Plain HTTP/1.1 past the SDK (slurmrestd does not take the JDK client's HTTP/2 upgrade). */
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    private final String run = UUID.randomUUID().toString().substring(0, 6);

    SubmitBurst(Options options, Map<String, String> facts) {
        this.o = options;
        this.facts = facts;
        this.tokens = TokenSources.jwtKey(Path.of(facts.get("SLURM_JWT_KEY_FILE")), facts.get("SLURM_CLUSTER_USER"),
                Duration.ofHours(2), Clock.systemUTC());
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
                .tokenSource(tokens)
                .readTimeout(o.readTimeout()).callTimeout(o.readTimeout().plusSeconds(30))
                .maxInFlight(o.maxInFlight()).connectionPool(Math.max(8, o.submitters()), Duration.ofMinutes(5)).metrics(wire);
        b.submitSettleTime(o.effectiveSubmitSettle()).submitTimeout(o.effectiveSubmitTimeout());
        try (SlurmClient client = b.build()) {
            client.checkVersion();
            long floor = probe(client);
            long postsBefore = wire.requests("POST ");
            long requestsBefore = wire.requests();
            Outcome[] outcomes = new Outcome[o.jobs()];
            AtomicInteger next = new AtomicInteger();
            AtomicLong killedAt = new AtomicLong();
            java.util.concurrent.atomic.AtomicBoolean burstOver = new java.util.concurrent.atomic.AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(o.submitters() + 1);
            java.util.concurrent.Future<Kill> killer = null;
            Kill kill = null;
            long started = System.nanoTime();
            try {
                if (o.killAfterJobs() > 0) {
                    killer = pool.submit(() -> killAndRestart(client, outcomes, killedAt, started, burstOver));
                }
                List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < o.submitters(); w++) {
                    workers.add(pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < o.jobs(); i = next.getAndIncrement()) {
                            long t = System.nanoTime();
                            try {
                                SubmittedJob job = client.submit(job(i, held(i)));
                                long end = System.nanoTime();
                                outcomes[i] = new Outcome(job.jobId(), end - t, job.adopted(), null, end);
                            } catch (RuntimeException e) {
                                long end = System.nanoTime();
                                outcomes[i] = new Outcome(0, end - t, false, e.getClass().getSimpleName() + ": " + e.getMessage(), end);
                            }
                        }
                        return null;
                    }));
                }
                for (var f : workers) {
                    f.get();
                }
                burstOver.set(true);
                if (killer != null) {
                    kill = killer.get(5, TimeUnit.MINUTES); // the kill's outcome is part of the scenario: never dropped
                }
            } finally {
                burstOver.set(true);
                pool.shutdown();
                pool.awaitTermination(2, TimeUnit.MINUTES);
            }
            long lastSubmit = Arrays.stream(outcomes).mapToLong(Outcome::endNanos).max().orElse(started);
            double seconds = (lastSubmit - started) / 1e9;
            long submitRequests = wire.requests("POST ") - postsBefore;
            long requestsDuringBurst = wire.requests() - requestsBefore;
            List<String> problems = new ArrayList<>();
            if (kill != null && kill.problem() != null) {
                problems.add(kill.problem());
            }

            // the held jobs go; then the closing probe waits for the longest a submit can still land
            // after the last submit returned (an abandoned request slurmrestd may still act on):
            // submit timeout plus settle time
            List<Long> acknowledged = Arrays.stream(outcomes).filter(x -> x.failure() == null).map(Outcome::jobId).toList();
            cancel(client, acknowledged);
            java.util.concurrent.CompletableFuture<Long> planted = plant(client, lastSubmit);
            long probeAt = lastSubmit + o.landingWindow().toNanos();
            long wait = probeAt - System.nanoTime();
            System.out.printf("[pressure] %s: closing probe %.0f s after the last submit (submit timeout %d s + settle %d s); waiting %.0f s%n",
                    o.name(), o.landingWindow().toMillis() / 1e3, o.effectiveSubmitTimeout().toSeconds(),
                    o.effectiveSubmitSettle().toSeconds(), Math.max(0, wait) / 1e9);
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long ceiling = probe(client);
            Check check = check(client, outcomes, floor, ceiling, problems);
            Long plantedId = planted == null ? null : planted.get(5, TimeUnit.MINUTES);
            if (plantedId != null) {
                client.cancel(plantedId);
            }

            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", o.name());
            r.put("apiVersion", client.apiVersion().text());
            r.put("slurm", facts.getOrDefault("SLURM_RELEASE", "24.11"));
            r.put("submitters", o.submitters());
            r.put("jobs", o.jobs());
            r.put("shortJobs", o.shortEvery() <= 0 ? 0 : (o.jobs() + o.shortEvery() - 1) / o.shortEvery());
            r.put("readTimeoutMs", o.readTimeout().toMillis());
            r.put("submitTimeoutMs", o.effectiveSubmitTimeout().toMillis());
            r.put("submitSettleMs", o.effectiveSubmitSettle().toMillis());
            r.put("closingProbeAfterLastSubmitS", round((probeAt - lastSubmit) / 1e9));
            r.put("idsSearched", floor + 1 + ".." + (ceiling - 1));
            r.put("plantedFault", o.plantFault());
            r.put("maxInFlight", o.maxInFlight());
            r.put("slurmrestdKilledAfterJobs", o.killAfterJobs() > 0 ? o.killAfterJobs() : null);
            r.put("slurmrestdKilledAtS", kill == null || kill.killedPid() == 0 ? null : round(killedAt.get() / 1e9));
            r.put("slurmrestdKilledPid", kill == null || kill.killedPid() == 0 ? null : kill.killedPid());
            r.put("slurmrestdBackPid", kill == null || kill.backPid() == 0 ? null : kill.backPid());
            r.put("slurmrestdBackAtS", kill == null || kill.backAtS() == 0 ? null : kill.backAtS());
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
            r.put("slurmctldJobsRead", check.slurmctldJobs());
            r.put("problems", problems);
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

    /** What the kill did: the pid killed (0: none), the pid that came back, when; a problem, if any. */
    record Kill(long killedPid, long backPid, double backAtS, String problem) {}

    /**
     * Once {@code killAfterJobs} submissions were answered: SIGKILL to slurmrestd, then up again after
     * downFor. Checks that it happened: the killed pid is gone, a new slurmrestd has another pid and
     * answers a ping. Anything else is a problem of the scenario (it would pass as a plain burst).
     */
    private Kill killAndRestart(SlurmClient client, Outcome[] outcomes, AtomicLong killedAt, long started,
            java.util.concurrent.atomic.AtomicBoolean burstOver) {
        long pid = 0;
        try {
            long answered;
            while ((answered = Arrays.stream(outcomes).filter(x -> x != null && x.failure() == null).count()) < o.killAfterJobs()) {
                if (burstOver.get()) {
                    return new Kill(0, 0, 0, "slurmrestd was never killed: the burst ended after " + answered
                            + " answered submissions, before the " + o.killAfterJobs() + " the kill waits for");
                }
                Thread.sleep(5);
            }
            Path pidFile = Path.of(facts.get("SLURM_CLUSTER_ROOT")).getParent().resolve("run").resolve("slurmrestd.pid");
            pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle h = ProcessHandle.of(pid).orElse(null);
            if (h == null || !h.isAlive()) {
                return new Kill(0, 0, 0, "slurmrestd was not running (pid " + pid + " from " + pidFile + ") when it was to be killed");
            }
            if ("no-kill".equals(o.plantFault())) {
                System.out.printf("[pressure] %s: PLANTED FAULT no-kill: the SIGKILL to pid %d is not sent%n", o.name(), pid);
            } else {
                h.destroyForcibly(); // SIGKILL: requests in flight get no answer
            }
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // checked below
            }
            killedAt.set(System.nanoTime() - started);
            if (h.isAlive() || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return new Kill(0, 0, 0, "slurmrestd was not killed: pid " + pid + " is still running 30 s after the SIGKILL");
            }
            System.out.printf("[pressure] %s: slurmrestd (pid %d) killed after %d answered submissions, at %.1f s (pid gone)%n", o.name(),
                    pid, o.killAfterJobs(), killedAt.get() / 1e9);
            Thread.sleep(o.downFor().toMillis());
            Process up = new ProcessBuilder("bash", "scripts/local-slurm.sh", "up").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (up.waitFor() != 0) {
                return new Kill(pid, 0, 0, "slurmrestd did not come back: scripts/local-slurm.sh up failed after killing pid " + pid);
            }
            long back = Long.parseLong(Files.readString(pidFile).trim());
            if (back == pid || ProcessHandle.of(back).map(p -> !p.isAlive()).orElse(true)) {
                return new Kill(pid, 0, 0, "slurmrestd did not come back: " + pidFile + " names pid " + back + ", which is "
                        + (back == pid ? "the killed one" : "not running"));
            }
            client.ping(); // answers through the new one (the SDK retries while it starts)
            double backAt = round((System.nanoTime() - started) / 1e9);
            System.out.printf("[pressure] %s: slurmrestd back after %.1f s (pid %d, answering)%n", o.name(), backAt, back);
            return new Kill(pid, back, backAt, null);
        } catch (Exception e) {
            return new Kill(pid, 0, 0, "could not kill and restart slurmrestd: " + e);
        }
    }

    /**
     * Test only ("late-duplicate"): a copy of job 0, same name and submit-key comment, sent by plain
     * HTTP past the SDK {@code plantAfter} after the last submit, as a request slurmrestd acted on
     * late would create it. Returns its id (null without the fault).
     */
    private java.util.concurrent.CompletableFuture<Long> plant(SlurmClient client, long lastSubmit) {
        if (!"late-duplicate".equals(o.plantFault())) {
            return null;
        }
        String version = client.apiVersion().text();
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                long wait = lastSubmit + o.plantAfter().toNanos() - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                String body = "{\"script\":\"#!/bin/bash\\ntrue\\n\",\"job\":{\"name\":\"" + prefix() + 0 + "\",\"comment\":\""
                        + SlurmClient.SUBMIT_KEY_PREFIX + prefix() + 0 + "\",\"partition\":\"cpu-eval\",\"account\":\""
                        + facts.get("SLURM_CLUSTER_ACCOUNT") + "\",\"cpus_per_task\":1,\"memory_per_node\":{\"set\":true,\"number\":16},"
                        + "\"time_limit\":{\"set\":true,\"number\":5},\"current_working_directory\":\"/tmp\","
                        + "\"standard_output\":\"/dev/null\",\"hold\":true,\"environment\":[\"PATH=/usr/bin:/bin\"]}}";
                java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest
                        .newBuilder(java.net.URI.create(facts.get("SLURM_REST_URL") + "/slurm/" + version + "/job/submit"))
                        .header("X-SLURM-USER-TOKEN", tokens.current().value()).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("planted duplicate: HTTP " + r.statusCode());
                }
                long id = Pressure.JSON.readTree(r.body()).path("job_id").asLong();
                System.out.printf("[pressure] %s: PLANTED FAULT late-duplicate: job %d, a copy of %s0, sent by plain HTTP %d s after the last submit%n",
                        o.name(), id, prefix(), o.plantAfter().toSeconds());
                return id;
            } catch (Exception e) {
                throw new IllegalStateException("could not plant the duplicate: " + e, e);
            }
        });
    }

    record Check(int records, int lost, int createdForFailed, int duplicated, int slurmctldJobs, List<String> examples) {}

    /** One job as slurmctld or slurmdbd has it: id, name (null when none could be read), whether final. */
    private record Seen(long jobId, String name, String state, boolean isFinal, String where) {}

    /**
     * Every id between the probes, in slurmdbd once it holds the closing probe's record (and each
     * acknowledged job's), and in slurmctld: this burst's jobs by name, from both. A job in the range
     * whose name cannot be read is a problem, never skipped.
     */
    private Check check(SlurmClient client, Outcome[] outcomes, long floor, long ceiling, List<String> problems)
            throws Exception {
        List<Long> range = new ArrayList<>();
        for (long id = floor + 1; id < ceiling; id++) {
            range.add(id);
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (client.accountingJobs(ceiling).isEmpty()) {
            if (System.nanoTime() > deadline) {
                problems.add("slurmdbd had no record of the closing probe " + ceiling + " after 3 minutes: its records cannot be complete");
                break;
            }
            Thread.sleep(1000);
        }
        List<JobInfo> accounting;
        while (true) {
            accounting = client.accountingJobs(range);
            java.util.Set<String> names = new java.util.HashSet<>();
            accounting.forEach(j -> names.add(j.name()));
            int missing = 0;
            for (int i = 0; i < outcomes.length; i++) {
                if (outcomes[i].failure() == null && !names.contains(prefix() + i)) {
                    missing++;
                }
            }
            if (missing == 0 || System.nanoTime() > deadline) {
                break;
            }
            System.out.printf("[pressure] %s: %d acknowledged jobs not in slurmdbd yet; looking again in 5 s%n", o.name(), missing);
            Thread.sleep(5000);
        }
        List<Seen> seen = new ArrayList<>();
        for (JobInfo j : accounting) {
            seen.add(new Seen(j.jobId(), j.name(), String.valueOf(j.state()), j.isFinal(), "slurmdbd"));
        }
        List<Seen> ctld = slurmctldJobs(client, floor, ceiling);
        seen.addAll(ctld);
        Map<String, List<Seen>> byName = new HashMap<>();
        int unreadable = 0;
        for (Seen j : seen) {
            if (j.name() == null || j.name().isBlank()) {
                unreadable++;
                if (unreadable <= 10) {
                    problems.add("job " + j.jobId() + " in the searched range has no name that can be read in " + j.where()
                            + ": a copy could hide there");
                }
            } else if (j.name().startsWith(prefix())) {
                byName.computeIfAbsent(j.name(), k -> new ArrayList<>()).add(j);
            }
        }
        if (unreadable > 10) {
            problems.add((unreadable - 10) + " more jobs in the searched range without a readable name");
        }
        int records = 0;
        int lost = 0;
        int createdForFailed = 0;
        int duplicated = 0;
        List<String> examples = new ArrayList<>();
        java.util.Set<Long> strays = new java.util.TreeSet<>();
        for (int i = 0; i < outcomes.length; i++) {
            List<Seen> found = byName.getOrDefault(prefix() + i, List.of());
            List<Long> distinctIds = found.stream().map(Seen::jobId).distinct().sorted().toList();
            records += (int) found.stream().filter(j -> j.where().equals("slurmdbd")).count();
            duplicated += Math.max(0, distinctIds.size() - 1);
            if (outcomes[i].failure() == null) {
                long id = outcomes[i].jobId();
                if (found.stream().noneMatch(j -> j.jobId() == id && j.where().equals("slurmdbd"))) {
                    lost++;
                    example(examples, "job " + i + ": acknowledged as " + id + ", slurmdbd has " + ids(found));
                }
            } else if (!found.isEmpty()) {
                createdForFailed++;
                example(examples, "job " + i + ": reported failed (" + outcomes[i].failure() + ") but Slurm has " + ids(found));
            }
            if (distinctIds.size() > 1) {
                example(examples, "job " + i + ": " + distinctIds.size() + " jobs " + ids(found));
            }
            found.stream().filter(j -> !j.isFinal()).forEach(j -> strays.add(j.jobId()));
        }
        cancel(client, new ArrayList<>(strays)); // held duplicates or orphans must not stay queued
        return new Check(records, lost, createdForFailed, duplicated, ctld.size(), examples);
    }

    /**
     * slurmctld's jobs with ids between the probes, through the SDK's own connections (a connection
     * of its own could wait for a slot of a small slurmrestd for ever): the light state of all its
     * jobs in one request, then each one in the range read by id for its name.
     */
    private List<Seen> slurmctldJobs(SlurmClient client, long floor, long ceiling) {
        List<Seen> out = new ArrayList<>();
        java.util.Set<Long> ids = new java.util.TreeSet<>();
        client.jobStates().stream().filter(e -> e.jobId() > floor && e.jobId() < ceiling).forEach(e -> ids.add(e.jobId()));
        for (long id : ids) {
            for (JobInfo j : client.jobs(id)) {
                out.add(new Seen(j.jobId(), j.name(), String.valueOf(j.state()), j.isFinal(), "slurmctld"));
            }
        }
        return out;
    }

    private static String ids(List<Seen> found) {
        return found.stream().map(j -> j.jobId() + " " + j.state() + " (" + j.where() + ")").toList().toString();
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
