package ai.ringrift.slurm.bench;

import ai.ringrift.slurm.rest.JobStateEntry;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.RetryPolicy;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.TokenSource;
import ai.ringrift.slurm.rest.TokenSources;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Side-by-side figures on the local real cluster, from one run: submission through the SDK, through
 * sbatch forked per job, and as raw HTTP; the cost of one tracking round three ways; and the heap
 * for 100,000 tracked jobs. Prints a markdown table and writes it to a file. Every job it submits
 * is held and cancelled at the end.
 *
 * <pre>java -cp ringrift-slurm.jar ai.ringrift.slurm.bench.Benchmark [--quick] [--out FILE]</pre>
 */
public final class Benchmark {

    private final Map<String, String> facts;
    private final SlurmClient client;
    private final TokenSource tokens;
    private final HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Long> submitted = Collections.synchronizedList(new ArrayList<>());
    private final StringBuilder table = new StringBuilder();

    private Benchmark(Map<String, String> facts) {
        this.facts = facts;
        this.tokens = TokenSources.jwtKey(Path.of(facts.get("SLURM_JWT_KEY_FILE")), facts.get("SLURM_CLUSTER_USER"),
                Duration.ofHours(2), Clock.systemUTC());
        this.client = SlurmClient.builder().baseUrl(facts.get("SLURM_REST_URL")).tokenSource(tokens)
                .connectionPool(32, Duration.ofMinutes(5)).retryPolicy(RetryPolicy.defaults()).build();
    }

    public static void main(String[] args) throws Exception {
        // held submissions make slurmrestd warn on every job ("Job is in held state"); measuring the
        // hot path, the benchmark keeps only errors in its log
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
        boolean quick = List.of(args).contains("--quick");
        int outIndex = List.of(args).indexOf("--out");
        Path out = Path.of(outIndex >= 0 ? args[outIndex + 1] : "target/benchmark.md");
        Map<String, String> facts = facts();
        Benchmark b = new Benchmark(facts);
        try {
            b.client.checkVersion();
            int n = quick ? 20 : 500;
            b.line("# ringrift-slurm benchmark (%s, %d cores)%n", quick ? "quick" : "full", Runtime.getRuntime().availableProcessors());
            b.submission(n);
            b.tracking(quick ? List.of(20) : List.of(100, 1000, 5000));
            b.line("%n## Memory%n");
            b.line("| tracked jobs | heap retained by the tracker |%n|---|---|%n");
            int tracked = quick ? 10_000 : 100_000;
            long bytes = TrackerMemoryProbe.retainedBytes(tracked);
            b.line("| %,d | %.1f MB |%n", tracked, bytes / 1e6);
        } finally {
            b.cancelAll();
            b.client.close();
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, b.table.toString());
        System.out.println("written to " + out.toAbsolutePath());
    }

    // ---------------------------------------------------------------- submission

    private JobSubmission heldJob(int i) {
        return JobSubmission.builder().name("bench-" + i).script("#!/bin/bash\ntrue\n").partition("cpu-eval")
                .account(facts.get("SLURM_CLUSTER_ACCOUNT")).cpusPerTask(1).memoryPerNodeMb(64)
                .timeLimit(Duration.ofMinutes(5)).workingDirectory("/tmp").standardOutput("/dev/null").hold(true).build();
    }

    private void submission(int n) throws Exception {
        line("%n## Submission: %d held jobs each way%n%n", n);
        line("| way | jobs/s | p50 ms | p99 ms |%n|---|---|---|---|%n");
        // warm up the JVM and the connection a little, as a long-running service would be
        for (int i = 0; i < 10; i++) {
            submitted.add(client.submit(heldJob(i)).jobId());
        }
        Result sdk = timed(n, i -> submitted.add(client.submit(heldJob(i)).jobId()));
        Result rawHttp = timed(n, this::rawSubmit);
        Result sbatch = timed(n, this::sbatch);
        Result sdk4 = concurrent(n, 4);
        Result sdk16 = concurrent(n, 16);
        row("SDK, sequential", sdk);
        row("raw HTTP (JDK HttpClient, kept-alive)", rawHttp);
        row("sbatch --parsable -H, forked per job", sbatch);
        row("SDK, 4 submitters", sdk4);
        row("SDK, 16 submitters", sdk16);
        line("%nSDK per-submission time / raw HTTP: **%.2fx** (p50 %.2fx); sbatch / SDK: **%.1fx**; sbatch / raw HTTP: %.1fx "
                + "(the most any REST client can gain here: slurmrestd + slurmctld take the rest); 16 SDK submitters / sbatch: %.1fx%n",
                sdk.meanMs() / rawHttp.meanMs(), sdk.p50() / rawHttp.p50(), sbatch.meanMs() / sdk.meanMs(),
                sbatch.meanMs() / rawHttp.meanMs(), sdk16.jobsPerSecond() / sbatch.jobsPerSecond());
    }

    private void rawSubmit(int i) throws Exception {
        String body = "{\"script\":\"#!/bin/bash\\ntrue\\n\",\"job\":{\"name\":\"bench-raw-" + i + "\",\"partition\":\"cpu-eval\","
                + "\"account\":\"" + facts.get("SLURM_CLUSTER_ACCOUNT") + "\",\"cpus_per_task\":1,"
                + "\"memory_per_node\":{\"set\":true,\"number\":64},\"time_limit\":{\"set\":true,\"number\":5},"
                + "\"current_working_directory\":\"/tmp\",\"standard_output\":\"/dev/null\",\"hold\":true,"
                + "\"environment\":[\"PATH=/usr/bin:/bin\"]}}";
        HttpResponse<String> r = raw.send(HttpRequest.newBuilder(URI.create(facts.get("SLURM_REST_URL") + "/slurm/v0.0.40/job/submit"))
                .header("X-SLURM-USER-TOKEN", tokens.current().value()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("raw submit: HTTP " + r.statusCode() + " " + r.body());
        }
        submitted.add(new ObjectMapper().readTree(r.body()).path("job_id").asLong());
    }

    private void sbatch(int i) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("chroot", facts.get("SLURM_CLUSTER_ROOT"), "sbatch", "--parsable", "-H", "-J",
                "bench-sbatch-" + i, "-p", "cpu-eval", "-A", facts.get("SLURM_CLUSTER_ACCOUNT"), "-c", "1", "--mem=64", "-t", "5",
                "-D", "/tmp", "-o", "/dev/null", "--wrap", "true").redirectErrorStream(true);
        pb.environment().remove("SLURM_JWT"); // sbatch would try JWT itself
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("sbatch failed: " + out);
        }
        submitted.add(Long.parseLong(out.split(";")[0]));
    }

    private Result concurrent(int n, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            all.add(pool.submit(() -> {
                long t = System.nanoTime();
                submitted.add(client.submit(heldJob(k)).jobId());
                latencies.add(System.nanoTime() - t);
                return null;
            }));
        }
        for (Future<?> f : all) {
            f.get();
        }
        pool.shutdown();
        return new Result(n, System.nanoTime() - start, latencies);
    }

    // ---------------------------------------------------------------- tracking

    private void tracking(List<Integer> sizes) throws Exception {
        line("%n## One tracking round%n%n");
        line("| held jobs | way | requests | bytes | ms |%n|---|---|---|---|---|%n");
        List<Long> ids = new ArrayList<>();
        for (int size : sizes) {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<Long>> more = new ArrayList<>();
            for (int i = ids.size(); i < size; i++) {
                int k = i;
                more.add(pool.submit(() -> client.submit(heldJob(100_000 + k)).jobId()));
            }
            for (Future<Long> f : more) {
                ids.add(f.get());
                submitted.add(ids.get(ids.size() - 1));
            }
            pool.shutdown();
            // (a) the backend's tracker: one /jobs/state/ request for all of them (after one untimed warm-up
            // call, as in a service that has been polling for a while)
            client.jobStates(ids.size() <= 100 ? ids : List.of());
            long t = System.nanoTime();
            List<JobStateEntry> states = ids.size() <= 100 ? client.jobStates(ids) : client.jobStates();
            double trackerMs = (System.nanoTime() - t) / 1e6;
            t = System.nanoTime();
            long trackerBytes = rawGet(ids.size() <= 100 ? "/slurm/v0.0.40/jobs/state/?" + idQuery(ids) : "/slurm/v0.0.40/jobs/state/").length;
            double rawMs = (System.nanoTime() - t) / 1e6;
            line("| %,d | SDK tracker (/jobs/state/, %,d rows) | 1 | %,d | %.1f |%n", size, states.size(), trackerBytes, trackerMs);
            line("| %,d | the same request as raw HTTP, no parsing | 1 | %,d | %.1f |%n", size, trackerBytes, rawMs);
            if (states.size() < size) {
                throw new IllegalStateException("the state round saw " + states.size() + " of " + size + " jobs");
            }
            // (b) one GET /job/{id} per job
            t = System.nanoTime();
            long bytes = 0;
            for (long id : ids) {
                bytes += rawGet("/slurm/v0.0.40/job/" + id).length;
            }
            line("| %,d | GET /job/{id} per job | %,d | %,d | %.1f |%n", size, ids.size(), bytes, (System.nanoTime() - t) / 1e6);
            // (c) the heavy /jobs/
            t = System.nanoTime();
            bytes = rawGet("/slurm/v0.0.40/jobs/").length;
            line("| %,d | GET /jobs/ | 1 | %,d | %.1f |%n", size, bytes, (System.nanoTime() - t) / 1e6);
        }
    }

    private static String idQuery(List<Long> ids) {
        StringBuilder q = new StringBuilder();
        for (long id : ids) {
            q.append(q.length() == 0 ? "" : "&").append("job_id=").append(id);
        }
        return q.toString();
    }

    private byte[] rawGet(String path) throws IOException, InterruptedException {
        return raw.send(HttpRequest.newBuilder(URI.create(facts.get("SLURM_REST_URL") + path))
                .header("X-SLURM-USER-TOKEN", tokens.current().value()).GET().build(), HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    // ---------------------------------------------------------------- helpers

    interface Op {
        void run(int i) throws Exception;
    }

    record Result(int n, long nanos, List<Long> latencies) {
        double jobsPerSecond() {
            return n / (nanos / 1e9);
        }

        double meanMs() {
            return nanos / 1e6 / n;
        }

        double p50() {
            return percentile(0.50);
        }

        double p99() {
            return percentile(0.99);
        }

        private double percentile(double p) {
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
        }
    }

    private static Result timed(int n, Op op) throws Exception {
        List<Long> latencies = new ArrayList<>(n);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            op.run(i);
            latencies.add(System.nanoTime() - t);
        }
        return new Result(n, System.nanoTime() - start, latencies);
    }

    private void row(String way, Result r) {
        line("| %s | %.0f | %.2f | %.2f |%n", way, r.jobsPerSecond(), r.p50(), r.p99());
    }

    private void line(String format, Object... args) {
        String text = String.format(format, args);
        table.append(text);
        System.out.print(text);
    }

    private void cancelAll() {
        List<Long> ids;
        synchronized (submitted) {
            ids = new ArrayList<>(submitted);
        }
        for (int i = 0; i < ids.size(); i += 1000) {
            client.cancel(ids.subList(i, Math.min(ids.size(), i + 1000)));
        }
        System.out.println("cancelled " + ids.size() + " benchmark jobs");
    }

    private static Map<String, String> facts() throws IOException {
        Path file = Path.of(System.getenv().getOrDefault("RINGRIFT_SLURM_ENV_FILE", "/var/lib/ringrift-slurm/cluster.env"));
        if (!Files.isReadable(file)) {
            throw new IllegalStateException("no " + file + ": bring the local cluster up first (scripts/local-slurm.sh up)");
        }
        Map<String, String> facts = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                facts.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return facts;
    }
}
