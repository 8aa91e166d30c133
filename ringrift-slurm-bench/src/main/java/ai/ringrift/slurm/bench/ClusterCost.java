package ai.ringrift.slurm.bench;

import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.JobWaiter;
import ai.ringrift.slurm.rest.RetryPolicy;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.TokenSource;
import ai.ringrift.slurm.testsupport.CountingProxy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What slurmctld pays for the same work done three ways: {@code n} one-second jobs submitted, then
 * followed to their end with one round a second,
 * <ul>
 * <li>through the SDK: {@code submit} for each, then {@link JobWaiter}'s batched rounds;
 * <li>as raw HTTP: the SDK's own submit body for each, then one {@code /jobs/state/} read of the
 * unfinished jobs a round, and one slurmdbd read of all of them at the end;
 * <li>the CLI way a script without the SDK takes: {@code sbatch} for each, {@code squeue -j} for each
 * unfinished job every round, {@code sacct -j} for each at the end (run as the job user).
 * </ul>
 * slurmctld's RPCs of the job user are read with {@code sdiag}, run as root so that the reads are not
 * counted, before and after each phase; HTTP requests, connections and answer bytes are counted by a
 * proxy on the wire, outside the SDK; the CLI way's cost on this side is the processes it forks.
 */
final class ClusterCost {

    /** One phase of one way: slurmctld's RPCs of the job user, and what this side sent for it. */
    record Cost(String way, String phase, long rpcs, long requests, long connects, long answerBytes, long processes) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY",
            "BOOT_FAIL", "DEADLINE", "PREEMPTED");
    private static final Duration ROUND = Duration.ofSeconds(1);
    private static final Duration DEADLINE = Duration.ofMinutes(5);

    private final Map<String, String> facts;
    private final TokenSource tokens;
    private final String version;
    private final String user;
    private final String root;
    private final List<Long> submitted;

    /** {@code submitted}: every job this run submits goes there too, for the benchmark's final cancel. */
    ClusterCost(Map<String, String> facts, TokenSource tokens, String version, List<Long> submitted) {
        this.facts = facts;
        this.tokens = tokens;
        this.version = ApiVersion.supported(version).text();
        this.user = facts.get("SLURM_CLUSTER_USER");
        this.root = facts.get("SLURM_CLUSTER_ROOT");
        this.submitted = submitted;
    }

    /** The job each way submits: one CPU, one second, its output thrown away. */
    JobSubmission job(String name) {
        return JobSubmission.builder().name(name).script("#!/bin/bash\nsleep 1\n").partition("cpu-eval")
                .account(facts.get("SLURM_CLUSTER_ACCOUNT")).cpusPerTask(1).memoryPerNodeMb(64).timeLimit(Duration.ofMinutes(5))
                .workingDirectory("/tmp").standardOutput("/dev/null").build();
    }

    /** The three ways, each on {@code n} jobs: their submit phase and their tracking phase. */
    List<Cost> measure(int n) throws Exception {
        List<Cost> out = new ArrayList<>();
        out.addAll(throughSdk(n));
        out.addAll(rawHttp(n));
        out.addAll(cli(n));
        return out;
    }

    private List<Cost> throughSdk(int n) throws Exception {
        try (CountingProxy proxy = CountingProxy.to(URI.create(facts.get("SLURM_REST_URL")));
             SlurmClient client = SlurmClient.builder().baseUrl(proxy.url()).tokenSource(tokens).retryPolicy(RetryPolicy.defaults())
                     .apiVersion(ApiVersion.of(version)).build()) {
            client.checkVersion(); // first contact outside the phases
            Phase submit = new Phase(proxy);
            List<JobWaiter.Target> targets = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long id = client.submit(job("cost-sdk-" + i)).jobId();
                submitted.add(id);
                targets.add(JobWaiter.Target.job(id));
            }
            Cost s = submit.end("SDK", "submit", 0);
            Phase track = new Phase(proxy);
            List<JobInfo> done = JobWaiter.builder(client).minInterval(ROUND).maxInterval(ROUND).build().await(targets, DEADLINE);
            requireAll(done.stream().filter(JobInfo::isFinal).count(), n, "SDK");
            return List.of(s, track.end("SDK", "track to the end", 0));
        }
    }

    private List<Cost> rawHttp(int n) throws Exception {
        try (CountingProxy proxy = CountingProxy.to(URI.create(facts.get("SLURM_REST_URL")));
             RawHttp http = new RawHttp(proxy.url(), tokens);
             OverheadProbe probe = OverheadProbe.create(1, version)) {
            String body = probe.wireBodyOf(job("cost-raw-0"));
            Phase submit = new Phase(proxy);
            Set<Long> ids = new LinkedHashSet<>();
            for (int i = 0; i < n; i++) {
                String answer = http.post("/slurm/" + version + "/job/submit", body.replace("\"name\":\"cost-raw-0\"", "\"name\":\"cost-raw-" + i + "\""));
                long id = JSON.readTree(answer).path("job_id").asLong();
                submitted.add(id);
                ids.add(id);
            }
            Cost s = submit.end("raw HTTP", "submit", 0);
            Phase track = new Phase(proxy);
            everyRoundUntilEnded("raw HTTP", ids, open -> {
                String query = open.stream().map(id -> "job_id=" + id).collect(Collectors.joining("&"));
                Set<Long> listed = new LinkedHashSet<>();
                for (JsonNode row : JSON.readTree(http.get("/slurm/" + version + "/jobs/state/?" + query)).path("jobs")) {
                    long id = row.path("job_id").asLong();
                    listed.add(id);
                    if (row.path("state").size() > 0 && FINAL.contains(row.path("state").get(0).asText())) {
                        open.remove(id);
                    }
                }
                open.retainAll(listed); // a job slurmctld no longer lists has ended
                return 0;
            });
            String step = ids.stream().map(id -> "step=" + id).collect(Collectors.joining("&"));
            JsonNode records = JSON.readTree(http.get("/slurmdb/" + version + "/jobs/?skip_steps=true&" + step)).path("jobs");
            requireAll(records.size(), n, "raw HTTP (slurmdbd's records)");
            return List.of(s, track.end("raw HTTP", "track to the end", 0));
        }
    }

    private List<Cost> cli(int n) throws Exception {
        Phase submit = new Phase(null);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String out = asUser("sbatch", "--parsable", "-J", "cost-cli-" + i, "-p", "cpu-eval", "-A", facts.get("SLURM_CLUSTER_ACCOUNT"),
                    "-c", "1", "--mem=64", "-t", "5", "-D", "/tmp", "-o", "/dev/null", "--wrap", "sleep 1");
            long id = Long.parseLong(out.trim().split(";")[0]);
            submitted.add(id);
            ids.add(id);
        }
        Cost s = submit.end("CLI (sbatch, squeue, sacct)", "submit", n);
        Phase track = new Phase(null);
        long forks = everyRoundUntilEnded("CLI", ids, open -> {
            int squeues = 0;
            for (long id : List.copyOf(open)) {
                String state = asUserOrNull("squeue", "-h", "-j", String.valueOf(id), "-o", "%T");
                squeues++;
                if (state == null || state.isBlank() || FINAL.contains(state.trim())) {
                    open.remove(id);
                }
            }
            return squeues;
        });
        int recorded = 0;
        for (long id : ids) {
            String state = asUserOrNull("sacct", "-n", "-X", "-j", String.valueOf(id), "-o", "State");
            forks++;
            if (state != null && !state.isBlank() && FINAL.contains(state.trim().split("\\s+")[0])) {
                recorded++; // "COMPLETED", or "CANCELLED by 0"
            }
        }
        requireAll(recorded, n, "CLI (sacct's records)");
        return List.of(s, track.end("CLI (sbatch, squeue, sacct)", "track to the end", forks));
    }

    /** One round of a way: removes the jobs it finds ended from {@code open}; returns the processes it forked. */
    private interface Round {
        int run(Set<Long> open) throws Exception;
    }

    /** Runs {@code round} once a {@link #ROUND} until every job of {@code ids} has ended; the processes forked in all. */
    private static long everyRoundUntilEnded(String way, java.util.Collection<Long> ids, Round round) throws Exception {
        Set<Long> open = new LinkedHashSet<>(ids);
        long until = System.nanoTime() + DEADLINE.toNanos();
        long forks = 0;
        while (!open.isEmpty()) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException(way + ": " + open.size() + " jobs not final after " + DEADLINE);
            }
            Thread.sleep(ROUND.toMillis());
            forks += round.run(open);
        }
        return forks;
    }

    private static void requireAll(long got, int n, String way) {
        if (got < n) {
            throw new IllegalStateException(way + ": " + got + " of " + n + " jobs final");
        }
    }

    /** A phase's start: slurmctld's RPC count of the job user and the proxy's counts (null: the CLI way, no HTTP). */
    private final class Phase {
        private final CountingProxy proxy;
        private final long rpcs;
        private final long requests;
        private final long connects;
        private final long bytes;

        Phase(CountingProxy proxy) throws IOException, InterruptedException {
            this.proxy = proxy;
            this.rpcs = rpcsOfUser();
            this.requests = proxy == null ? 0 : proxy.totalRequests();
            this.connects = proxy == null ? 0 : proxy.connects();
            this.bytes = proxy == null ? 0 : proxy.answerBytes();
        }

        Cost end(String way, String phase, long processes) throws IOException, InterruptedException {
            long r = rpcsOfUser() - rpcs;
            return proxy == null ? new Cost(way, phase, r, 0, 0, 0, processes)
                    : new Cost(way, phase, r, proxy.totalRequests() - requests, proxy.connects() - connects, proxy.answerBytes() - bytes,
                            processes);
        }
    }

    private static final Pattern USER_LINE = Pattern.compile("^\\s*(\\S+)\\s+\\(\\s*\\d+\\)\\s+count:(\\d+)");

    /** slurmctld's RPC count of the job user since its statistics were last reset (sdiag, as root). */
    long rpcsOfUser() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("chroot", root, "sdiag").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("sdiag failed: " + out);
        }
        return rpcsOf(out, user);
    }

    /** The count of {@code user} in sdiag's "by user" section (0 when it has sent none yet). */
    static long rpcsOf(String sdiag, String user) {
        boolean byUser = false;
        for (String line : sdiag.split("\n")) {
            if (line.startsWith("Remote Procedure Call statistics by user")) {
                byUser = true;
                continue;
            }
            if (byUser && !line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                break; // the next section
            }
            Matcher m = USER_LINE.matcher(line);
            if (byUser && m.find() && m.group(1).equals(user)) {
                return Long.parseLong(m.group(2));
            }
        }
        if (!byUser) {
            throw new IllegalStateException("sdiag printed no 'Remote Procedure Call statistics by user':\n" + sdiag);
        }
        return 0;
    }

    private String asUser(String... command) throws IOException, InterruptedException {
        String out = asUserOrNull(command);
        if (out == null) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
        return out;
    }

    /** A Slurm command in the cluster's root as the job user; its output, or null when it failed. */
    private String asUserOrNull(String... command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("chroot", "--userspec=" + user + ":" + user, root));
        argv.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().remove("SLURM_JWT"); // the commands would try JWT themselves
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? out : null;
    }
}
