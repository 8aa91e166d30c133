package ai.ringrift.slurm.bench;

import ai.ringrift.slurm.rest.JobStateEntry;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.RetryPolicy;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.TokenSource;
import ai.ringrift.slurm.rest.TokenSources;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
 * Side-by-side figures on the local real cluster, from one run: submission through the SDK, as raw
 * HTTP (OkHttp, the SDK's own transport, with no interceptor, sending the body the SDK sends, byte
 * for byte but the job's name: the ceiling of what the SDK adds) and through sbatch forked per job, each sequential and 16 wide, in blocks whose order is
 * shuffled in each repeat, after a warm-up block each; one tracking round through the SDK and as
 * the same raw request, alternating; and the heap for tracked jobs. Every figure is a median with
 * p10 and p90. Prints a markdown table, writes it to a file and the rows to
 * {@code benchmark/results.json} beside it. Every job it submits is held, and cancelled after its
 * block (the tracking rounds' at the end).
 *
 * <p>The full run exits with status 3 after writing its results when a target is missed (SDK / raw
 * per job above {@value #PER_JOB_TARGET}x, or 16 SDK submitters below {@value #WIDE_TARGET} of 16 raw);
 * the quick run's blocks are too small for that and only print them.
 *
 * <pre>java -cp ringrift-slurm.jar ai.ringrift.slurm.bench.Benchmark [--quick] [--out FILE]</pre>
 */
public final class Benchmark {

    private final Map<String, String> facts;
    private final SlurmClient client;
    private final TokenSource tokens;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The targets: SDK / raw per job at most this (median p50) ... */
    static final double PER_JOB_TARGET = 1.10;
    /** ... and 16 SDK submitters at least this share of 16 raw ones' rate. */
    static final double WIDE_TARGET = 0.90;
    private final RawHttp raw;
    private String version;
    /** The body the SDK sends for heldJob(0), captured on a loopback server; the raw way sends it with its own name. */
    private String rawBody;
    private final List<String> missed = new ArrayList<>();
    private final List<Long> submitted = Collections.synchronizedList(new ArrayList<>());
    private final StringBuilder table = new StringBuilder();

    private Benchmark(Map<String, String> facts) {
        this.facts = facts;
        this.tokens = TokenSources.jwtKey(Path.of(facts.get("SLURM_JWT_KEY_FILE")), facts.get("SLURM_CLUSTER_USER"),
                Duration.ofHours(2), Clock.systemUTC());
        this.client = SlurmClient.builder().baseUrl(facts.get("SLURM_REST_URL")).tokenSource(tokens)
                .connectionPool(32, Duration.ofMinutes(5)).retryPolicy(RetryPolicy.defaults()).build();
        this.raw = new RawHttp(facts.get("SLURM_REST_URL"), tokens);
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
        Map<String, String> facts = ai.ringrift.slurm.testsupport.LocalCluster.require().facts();
        Benchmark b = new Benchmark(facts);
        try {
            b.client.checkVersion();
            b.version = b.client.apiVersion().text(); // raw HTTP speaks the same data parser version as the SDK
            try (OverheadProbe probe = OverheadProbe.create(1, b.version)) {
                b.rawBody = probe.wireBodyOf(b.heldJob(0));
            }
            if (!b.rawBody.contains("\"name\":\"bench-0\"")) {
                throw new IllegalStateException("the SDK's submit body has no \"name\":\"bench-0\": " + b.rawBody);
            }
            int cores = Runtime.getRuntime().availableProcessors();
            b.line("# ringrift-slurm benchmark (%s, %d cores, %s)%n", quick ? "quick" : "full", cores, b.version);
            b.figure("run cores", cores, "cores");
            b.submission(quick ? 10 : 100, quick ? 2 : 5);
            b.tracking(quick ? List.of(20) : List.of(100, 1000, 5000), quick ? 3 : 7, !quick);
            b.clusterCost(quick ? 8 : 40);
            b.line("%n## Memory%n");
            b.line("| tracked jobs | heap retained by the tracker |%n|---|---|%n");
            int tracked = quick ? 10_000 : 100_000;
            long bytes = TrackerMemoryProbe.retainedBytes(tracked);
            b.line("| %,d | %.1f MB |%n", tracked, bytes / 1e6);
            b.figure("memory tracked jobs", tracked, "jobs");
            b.figure("memory heap retained", bytes / 1e6, "MB");
        } finally {
            b.cancelAll();
            b.client.close();
            b.raw.close();
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, b.table.toString());
        Path json = out.toAbsolutePath().getParent().resolve("benchmark").resolve("results.json");
        Files.createDirectories(json.getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), b.results);
        // the version the SDK negotiated, for the JMH run that follows (scripts/benchmark.sh: -p version=...)
        Files.writeString(json.getParent().resolve("api-version"), b.version + "\n");
        System.out.println("written to " + out.toAbsolutePath() + " and " + json);
        if (!quick && !b.missed.isEmpty()) {
            System.err.println("[benchmark] missed targets: " + String.join("; ", b.missed));
            System.exit(3);
        }
    }

    // ---------------------------------------------------------------- submission

    private JobSubmission heldJob(int i) {
        return JobSubmission.builder().name("bench-" + i).script("#!/bin/bash\ntrue\n").partition("cpu-eval")
                .account(facts.get("SLURM_CLUSTER_ACCOUNT")).cpusPerTask(1).memoryPerNodeMb(64)
                .timeLimit(Duration.ofMinutes(5)).workingDirectory("/tmp").standardOutput("/dev/null").hold(true).build();
    }

    /** One way to submit a job: sequential calls of it, or 16 threads calling it. */
    record Way(String name, int width, Op op) {}

    /**
     * Submission, each way in blocks of {@code block} held jobs: a warm-up block each, then
     * {@code repeats} rounds in which the ways run in a shuffled order; every block's jobs are
     * cancelled before the next block starts (nothing of one way is queued under another).
     */
    private void submission(int block, int repeats) throws Exception {
        List<Way> ways = List.of(
                new Way("SDK", 1, i -> mine(client.submit(heldJob(i)).jobId())),
                new Way("raw HTTP", 1, this::rawSubmit),
                new Way("sbatch", 1, this::sbatch),
                new Way("SDK", 16, i -> mine(client.submit(heldJob(i)).jobId())),
                new Way("raw HTTP", 16, this::rawSubmit),
                new Way("sbatch", 16, this::sbatch));
        Map<Way, List<Result>> results = new LinkedHashMap<>();
        for (Way w : ways) {
            run(w, block); // warm-up: the JVM, the connections, sbatch's page cache
            cancelBlock();
            results.put(w, new ArrayList<>());
        }
        java.util.Random order = new java.util.Random(42);
        for (int r = 0; r < repeats; r++) {
            List<Way> shuffled = new ArrayList<>(ways);
            Collections.shuffle(shuffled, order);
            for (Way w : shuffled) {
                results.get(w).add(run(w, block));
                cancelBlock();
            }
        }
        line("%n## Submission: blocks of %d held jobs, %d repeats in shuffled order after a warm-up block each%n%n", block, repeats);
        figure("submission block", block, "jobs");
        figure("submission repeats", repeats, "repeats");
        ways.stream().mapToInt(Way::width).distinct().forEach(w -> figure("submission submitters", w, "threads"));
        line("| way | submitters | jobs/s median (p10-p90) | ms per job, median of the blocks' p50 (p10-p90) |%n|---|---|---|---|%n");
        for (Way w : ways) {
            Spread rate = Spread.of(results.get(w).stream().mapToDouble(Result::jobsPerSecond).toArray());
            Spread p50 = Spread.of(results.get(w).stream().mapToDouble(Result::p50).toArray());
            line("| %s | %d | %.0f (%.0f-%.0f) | %.2f (%.2f-%.2f) |%n", w.name(), w.width(), rate.median(), rate.p10(), rate.p90(),
                    p50.median(), p50.p10(), p50.p90());
            String name = "submit " + w.name() + " x" + w.width();
            result(name + " rate", block, rate, "jobs/s");
            result(name + " latency p50", block, p50, "ms");
        }
        double perJob = median(results, ways.get(0), Result::p50) / median(results, ways.get(1), Result::p50);
        double wide = median(results, ways.get(3), Result::jobsPerSecond) / median(results, ways.get(4), Result::jobsPerSecond);
        double sbatchWide = median(results, ways.get(3), Result::jobsPerSecond) / median(results, ways.get(5), Result::jobsPerSecond);
        line("%nSDK / raw HTTP per job (median p50): **%.2fx** (target at most 1.10x); 16 SDK submitters / 16 raw: **%.0f %%** "
                + "(target at least 90 %%); 16 SDK submitters / 16 sbatch: %.1fx%n", perJob, wide * 100, sbatchWide);
        figure("submit SDK/raw per job", perJob, "ratio");
        figure("submit 16 SDK/16 raw rate", wide * 100, "%");
        figure("submit 16 SDK/16 sbatch rate", sbatchWide, "ratio");
        figure("target SDK/raw per job at most", PER_JOB_TARGET, "ratio");
        figure("target 16 SDK/16 raw rate at least", WIDE_TARGET * 100, "%");
        if (perJob > PER_JOB_TARGET) {
            missed.add(String.format("SDK / raw per job %.2fx, target at most %.2fx", perJob, PER_JOB_TARGET));
        }
        if (wide < WIDE_TARGET) {
            missed.add(String.format("16 SDK / 16 raw %.0f %%, target at least %.0f %%", wide * 100, WIDE_TARGET * 100));
        }
    }

    private static double median(Map<Way, List<Result>> results, Way w, java.util.function.ToDoubleFunction<Result> f) {
        return Spread.of(results.get(w).stream().mapToDouble(f).toArray()).median();
    }

    private Result run(Way w, int n) throws Exception {
        if (w.width() == 1) {
            return timed(n, w.op());
        }
        ExecutorService pool = Executors.newFixedThreadPool(w.width());
        try {
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            long start = System.nanoTime();
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                all.add(pool.submit(() -> {
                    long t = System.nanoTime();
                    w.op().run(k);
                    latencies.add(System.nanoTime() - t);
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
            return new Result(n, System.nanoTime() - start, latencies);
        } finally {
            pool.shutdownNow(); // a failed submit must not leave threads that keep the JVM alive
        }
    }

    private final List<Long> block = Collections.synchronizedList(new ArrayList<>());

    private void mine(long jobId) {
        submitted.add(jobId);
        block.add(jobId);
    }

    /**
     * Waits (at most 3 minutes) until slurmctld has let go of the jobs that ended: it keeps them for
     * MinJobAge, and the rows a tracking round reads should be the jobs it tracks.
     */
    private void drain() throws InterruptedException {
        long deadline = System.nanoTime() + 180_000_000_000L;
        int rows = client.jobStates().size();
        while (rows > 50 && System.nanoTime() < deadline) {
            Thread.sleep(2_000);
            rows = client.jobStates().size();
        }
        line("%n(before the tracking rounds slurmctld holds %d other jobs' records)%n", rows);
        figure("tracking other jobs in slurmctld", rows, "jobs");
    }

    /** Cancels the jobs of the block just measured, in one request per 200. */
    private void cancelBlock() throws IOException, InterruptedException {
        scancelSbatchJobs();
        List<Long> ids;
        synchronized (block) {
            ids = new ArrayList<>(block);
            block.clear();
        }
        for (int i = 0; i < ids.size(); i += 200) {
            client.cancel(ids.subList(i, Math.min(ids.size(), i + 200)));
        }
    }

    private void rawSubmit(int i) throws Exception {
        String answer = raw.post("/slurm/" + version + "/job/submit", rawBody.replace("\"name\":\"bench-0\"", "\"name\":\"bench-raw-" + i + "\""));
        mine(JSON.readTree(answer).path("job_id").asLong());
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
        long id = Long.parseLong(out.split(";")[0]);
        submitted.add(id);
        sbatchJobs.add(id);
    }

    /** Jobs sbatch submitted: they are root's, so the SDK's user cannot cancel them; scancel does. */
    private final List<Long> sbatchJobs = Collections.synchronizedList(new ArrayList<>());

    private void scancelSbatchJobs() throws IOException, InterruptedException {
        List<Long> ids;
        synchronized (sbatchJobs) {
            ids = new ArrayList<>(sbatchJobs);
            sbatchJobs.clear();
        }
        for (int i = 0; i < ids.size(); i += 500) {
            List<String> command = new ArrayList<>(List.of("chroot", facts.get("SLURM_CLUSTER_ROOT"), "scancel"));
            ids.subList(i, Math.min(ids.size(), i + 500)).forEach(id -> command.add(String.valueOf(id)));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("scancel of the sbatch jobs failed: " + out);
            }
        }
    }

    // ---------------------------------------------------------------- tracking

    /**
     * One tracking round for {@code size} held jobs: the SDK's state read (all jobs' rows above 100
     * ids, as the watcher does) against the same request as raw HTTP without parsing, each warmed
     * up, {@code repeats} times alternating.
     */
    private void tracking(List<Integer> sizes, int repeats, boolean drainFirst) throws Exception {
        if (drainFirst) {
            drain();
        }
        line("%n## One tracking round (the /jobs/state/ read), %d repeats alternating after a warm-up each%n%n", repeats);
        figure("tracking repeats", repeats, "repeats");
        line("| held jobs | rows | bytes | SDK ms median (p10-p90) | raw HTTP ms median (p10-p90) | SDK / raw |%n"
                + "|---|---|---|---|---|---|%n");
        List<Long> ids = new ArrayList<>();
        for (int size : sizes) {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<Long>> more = new ArrayList<>();
                for (int i = ids.size(); i < size; i++) {
                    int k = i;
                    more.add(pool.submit(() -> client.submit(heldJob(100_000 + k)).jobId()));
                }
                for (Future<Long> f : more) {
                    ids.add(f.get());
                    submitted.add(ids.get(ids.size() - 1));
                }
            } finally {
                pool.shutdownNow();
            }
            String path = "/slurm/" + version + "/jobs/state/" + (ids.size() <= 100 ? "?" + idQuery(ids) : "");
            List<Long> asked = ids.size() <= 100 ? ids : List.of();
            client.jobStates(asked);
            long bytes = raw.get(path).length;
            double[] sdk = new double[repeats];
            double[] rawMs = new double[repeats];
            int rows = 0;
            for (int r = 0; r < repeats; r++) {
                long t = System.nanoTime();
                List<JobStateEntry> states = client.jobStates(asked);
                sdk[r] = (System.nanoTime() - t) / 1e6;
                rows = states.size();
                t = System.nanoTime();
                raw.get(path);
                rawMs[r] = (System.nanoTime() - t) / 1e6;
            }
            if (rows < size) {
                throw new IllegalStateException("the state round saw " + rows + " of " + size + " jobs");
            }
            Spread a = Spread.of(sdk);
            Spread b = Spread.of(rawMs);
            line("| %,d | %,d | %,d | %.1f (%.1f-%.1f) | %.1f (%.1f-%.1f) | %.2fx |%n", size, rows, bytes, a.median(), a.p10(), a.p90(),
                    b.median(), b.p10(), b.p90(), a.median() / b.median());
            result("tracking round SDK " + size + " jobs", size, a, "ms");
            result("tracking round raw " + size + " jobs", size, b, "ms");
            figure("tracking round " + size + " jobs rows", rows, "rows");
            figure("tracking round " + size + " jobs bytes", bytes, "bytes");
            figure("tracking round " + size + " jobs SDK/raw", a.median() / b.median(), "ratio");
        }
    }

    // ---------------------------------------------------------------- what slurmctld pays

    /** {@link ClusterCost}: slurmctld's RPCs for the same {@code n} jobs submitted and followed three ways. */
    private void clusterCost(int n) throws Exception {
        List<ClusterCost.Cost> costs = new ClusterCost(facts, tokens, version, submitted).measure(n);
        line("%n## What slurmctld pays: %d one-second jobs submitted, then followed to their end with a round a second%n%n", n);
        figure("cost jobs", n, "jobs");
        line("slurmctld's RPCs of the job user (sdiag, read as root before and after each phase); HTTP requests, connections "
                + "and answer bytes counted by a proxy on the wire; the CLI way's processes forked (sacct's reads go to slurmdbd, "
                + "not slurmctld).%n%n");
        line("| way | phase | slurmctld RPCs | HTTP requests | connections | answer bytes | processes |%n|---|---|---|---|---|---|---|%n");
        for (ClusterCost.Cost c : costs) {
            line("| %s | %s | %d | %d | %d | %d | %d |%n", c.way(), c.phase(), c.rpcs(), c.requests(), c.connects(), c.answerBytes(),
                    c.processes());
            String name = "cost " + c.way() + " " + c.phase();
            figure(name + " slurmctld RPCs", c.rpcs(), "RPCs");
            figure(name + " HTTP requests", c.requests(), "requests");
            figure(name + " connections", c.connects(), "connections");
            figure(name + " answer bytes", c.answerBytes(), "bytes");
            figure(name + " processes", c.processes(), "processes");
        }
    }

    private static String idQuery(List<Long> ids) {
        StringBuilder q = new StringBuilder();
        for (long id : ids) {
            q.append(q.length() == 0 ? "" : "&").append("job_id=").append(id);
        }
        return q.toString();
    }

    /**
     * One row of results.json: a measured spread, or one figure (median, p10 and p90 the same, n 1).
     * Every number the page shows is a row's value, rounded as printed (checked by {@link DocFigures}).
     */
    record Row(String name, int n, double median, double p10, double p90, String unit) {}

    private final List<Row> results = new ArrayList<>();

    private void result(String name, int n, Spread s, String unit) {
        results.add(new Row(name, n, s.median(), s.p10(), s.p90(), unit));
    }

    /** One figure the page shows that is not a spread: a run parameter, a ratio, a count. */
    private void figure(String name, double value, String unit) {
        results.add(new Row(name, 1, value, value, value, unit));
    }

    // ---------------------------------------------------------------- helpers

    interface Op {
        void run(int i) throws Exception;
    }

    record Result(int n, long nanos, List<Long> latencies) {
        double jobsPerSecond() {
            return n / (nanos / 1e9);
        }

        double p50() {
            return percentile(0.50);
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


    private void line(String format, Object... args) {
        String text = String.format(format, args);
        table.append(text);
        System.out.print(text);
    }

    private void cancelAll() throws IOException, InterruptedException {
        scancelSbatchJobs();
        List<Long> ids;
        synchronized (submitted) {
            ids = new ArrayList<>(submitted);
        }
        for (int i = 0; i < ids.size(); i += 1000) {
            client.cancel(ids.subList(i, Math.min(ids.size(), i + 1000)));
        }
        System.out.println("cancelled " + ids.size() + " benchmark jobs");
    }
}
