package ai.ringrift.slurm.testing.contract;

import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobStateEntry;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.JobWaiter;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.SlurmException;
import ai.ringrift.slurm.rest.SlurmServiceException;
import ai.ringrift.slurm.rest.SubmittedJob;
import ai.ringrift.slurm.rest.TokenSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scenario's run on one target: the SDK client (through a {@link WireTap}), the steps, and
 * what the SDK returned or threw in each, written down in a form that leaves out what legitimately
 * differs between a fake and a real cluster (job ids become names in order of appearance, times
 * are left out, paths are relative to the shared directory).
 */
final class Ctx implements AutoCloseable {

    private static final Pattern VERSION = Pattern.compile("/(slurm|slurmdb)/v0\\.0\\.\\d+/");
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    final Target target;
    final String scenario;
    final String tag;
    private final WireTap tap;
    private final List<SlurmClient> clients = new ArrayList<>();
    private final SlurmClient client;
    private final Map<Long, String> refs = new HashMap<>();
    private final List<String[]> seen = new ArrayList<>();
    private final List<String> stepOrder = new ArrayList<>();
    private String step = "setup";
    private int unnamed;

    Ctx(Target target, String scenario) {
        this.target = target;
        this.scenario = scenario;
        this.tag = "ct" + UUID.randomUUID().toString().substring(0, 6);
        this.tap = new WireTap(target.url());
        this.client = client(target.tokens());
        stepOrder.add(step);
    }

    SlurmClient client() {
        return client;
    }

    /** Another client of the SDK through the same tap, with other tokens. */
    SlurmClient client(TokenSource tokens) {
        SlurmClient c = target.client(tap, tokens);
        clients.add(c);
        return c;
    }

    void step(String name) {
        step = name;
        tap.step(name);
        stepOrder.add(name);
    }

    void see(String what, Object value) {
        seen.add(new String[] {step, what + " = " + value});
    }

    void loseNextSubmitAnswer() {
        target.loseNextSubmitAnswer(tap);
    }

    /** A small job of this scenario: its own name, the cluster's account, the CPU partition, 64 MB, logs in the shared tree. */
    JobSubmission.Builder job(String label, String script) {
        return JobSubmission.builder().name(tag + "-" + label).script(script).partition("cpu-eval").account(target.account())
                .workingDirectory(target.sharedDir()).standardOutput(target.sharedDir() + "/slurm/logs/%x-%j.out")
                .memoryPerNodeMb(64).putEnvironment("PATH", "/usr/local/bin:/usr/bin:/bin");
    }

    JobWaiter waiter() {
        return JobWaiter.builder(client).minInterval(Duration.ofMillis(250)).maxInterval(Duration.ofSeconds(1)).build();
    }

    /** Names a job id (A, B, ...): the names are what the transcripts hold. */
    String name(long id, String as) {
        refs.put(id, as);
        return as;
    }

    /** Every job id this scenario named (its own jobs). */
    List<Long> named() {
        return List.copyOf(refs.keySet());
    }

    String ref(long id) {
        if (id <= 0) {
            return "-";
        }
        return refs.computeIfAbsent(id, k -> "J" + (++unnamed));
    }

    /** The first step of most scenarios: step "submit", the job submitted, seen as A. */
    SubmittedJob submitAsA(JobSubmission.Builder job) {
        step("submit");
        SubmittedJob j = client().submit(job.build());
        see("submitted", submitted(j, "A"));
        return j;
    }

    String submitted(SubmittedJob j, String as) {
        name(j.jobId(), as);
        return as + " adopted=" + j.adopted() + " attempts=" + j.attempts() + " warnings=" + j.warnings();
    }

    String job(JobInfo j) {
        // a job cancelled or timed out while running ends by the signal or with bash's 143, as the kill
        // races the script (seen on 26.05: TIMEOUT with signal 15 in one run, exit 143 in the next)
        boolean killed = j.state() == ai.ringrift.slurm.rest.JobState.CANCELLED || j.state() == ai.ringrift.slurm.rest.JobState.TIMEOUT;
        return ref(j.jobId()) + " array=" + ref(j.arrayJobId()) + " task=" + j.arrayTaskId() + " name=" + j.name().replace(tag + "-", "")
                + " state=" + j.state() + " names=" + names(j.stateNames()) + " reason=" + j.stateReason()
                + (killed ? "" : " exit=" + j.exitCode() + " signal=" + j.signal())
                + " comment=" + (j.comment().startsWith(SlurmClient.SUBMIT_KEY_PREFIX) ? "<submit key>" : j.comment())
                + " partition=" + j.partition() + " account=" + j.account() + " user=" + j.user() + " source=" + j.source()
                + " tasks=" + j.arrayTasks() + " stdout=" + path(j.standardOutput()) + " stderr=" + path(j.standardError());
    }

    List<String> jobs(List<JobInfo> infos) {
        return infos.stream().sorted(java.util.Comparator.comparingInt(JobInfo::arrayTaskId).thenComparingLong(JobInfo::jobId))
                .map(this::job).toList();
    }

    String row(JobStateEntry e) {
        return ref(e.jobId()) + (e.arrayTaskId() >= 0 ? "_" + e.arrayTaskId() : "") + (e.hetComponent() >= 0 ? "+" + e.hetComponent() : "")
                + (e.arrayTasks().isEmpty() ? "" : "_[" + e.arrayTasks() + "]") + " " + names(e.stateNames());
    }

    /**
     * State names without COMPLETING: the flag of a job whose processes are still being cleaned up
     * after it ended (seconds, up to KillWait), which a read catches or not depending on timing.
     */
    static List<String> names(List<String> names) {
        return names.stream().filter(n -> !n.equals("COMPLETING")).toList();
    }

    private String path(String p) {
        if (p == null || p.isEmpty()) {
            return "''";
        }
        String rel = p.startsWith(target.sharedDir()) ? "<shared>" + p.substring(target.sharedDir().length()) : p;
        rel = rel.replace(tag + "-", "");
        Matcher m = NUMBER.matcher(rel);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = refs.get(Long.parseLong(m.group()));
            m.appendReplacement(sb, name == null ? m.group() : name);
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** What the SDK threw: its class, HTTP status and Slurm error numbers (messages name URLs and times). */
    String error(Throwable t) {
        if (t instanceof SlurmServiceException s) {
            return s.getClass().getSimpleName() + " status=" + (s.httpStatus().isPresent() ? s.httpStatus().getAsInt() : -1)
                    + " errors=" + s.errors().stream().map(e -> e.errorNumber()).toList() + " retryable=" + s.isRetryable();
        }
        if (t instanceof SlurmException s) {
            return s.getClass().getSimpleName() + " retryable=" + s.isRetryable();
        }
        return t.getClass().getName() + ": " + t.getMessage();
    }

    String failure(Runnable r) {
        try {
            r.run();
            return "no exception";
        } catch (RuntimeException e) {
            return error(e);
        }
    }

    /** Polls (every 250 ms real time) until {@code done} or {@code max} passed: a step's own waiting. */
    void waitUntil(String what, Duration max, BooleanSupplier done) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(scenario + " on " + target.name() + ": " + what + " did not happen within " + max);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    /**
     * The transcript: per step, what the SDK returned, then the requests it sent. Requests are
     * METHOD /daemon/V/path?sorted-query (ids as names) and the status; requests about jobs of
     * others on a shared cluster are left out; in steps named "wait..." (polling until something
     * happens) they are the set of distinct requests, elsewhere every request in order.
     */
    List<String> transcript() {
        List<String> out = new ArrayList<>();
        List<WireTap.Sent> sent = tap.sent();
        for (String s : new LinkedHashSet<>(stepOrder)) {
            if (s.equals("cleanup")) {
                continue;
            }
            for (String[] v : seen) {
                if (v[0].equals(s)) {
                    out.add(scenario + " | " + s + " | " + v[1]);
                }
            }
            List<String> requests = new ArrayList<>();
            for (WireTap.Sent r : sent) {
                if (r.step().equals(s)) {
                    String n = request(r);
                    if (n != null) {
                        requests.add(n);
                    }
                }
            }
            List<String> shown;
            if (s.startsWith("wait")) {
                shown = new ArrayList<>(new TreeSet<>(requests));
            } else {
                shown = requests; // every request, in order: a submit sent twice, a retry, must show
            }
            for (String r : shown) {
                out.add(scenario + " | " + s + " | sent " + r);
            }
        }
        return out;
    }

    private String request(WireTap.Sent r) {
        String url = VERSION.matcher(r.url()).replaceFirst("/$1/V/");
        int q = url.indexOf('?');
        String path = q < 0 ? url : url.substring(0, q);
        String query = q < 0 ? "" : url.substring(q + 1);
        StringBuilder p = new StringBuilder();
        for (String seg : path.split("/", -1)) {
            if (p.length() > 0 || !seg.isEmpty()) {
                p.append('/');
            }
            if (NUMBER.matcher(seg).matches()) {
                String name = refs.get(Long.parseLong(seg));
                if (name == null) {
                    return null; // a job of someone else (the lookup of a lost answer reads the newest jobs)
                }
                p.append(name);
            } else {
                p.append(seg);
            }
        }
        Set<String> params = new TreeSet<>();
        if (!query.isEmpty()) {
            for (String kv : query.split("&")) {
                int eq = kv.indexOf('=');
                String k = eq < 0 ? kv : kv.substring(0, eq);
                String v = eq < 0 ? "" : kv.substring(eq + 1);
                if (NUMBER.matcher(v).matches()) {
                    String name = refs.get(Long.parseLong(v));
                    v = name == null ? "other" : name;
                } else if (v.startsWith("now-")) {
                    v = "now-N";
                } else if (k.equals("job_name")) {
                    v = v.replace(tag + "-", "");
                }
                params.add(k + "=" + v);
            }
        }
        Matcher m = Pattern.compile("^/").matcher(p);
        String shownPath = m.find() ? p.toString() : "/" + p;
        return r.method() + " " + shownPath + (params.isEmpty() ? "" : "?" + String.join("&", params)) + " -> "
                + (r.status() < 0 ? "answer lost" : String.valueOf(r.status()));
    }

    @Override
    public void close() {
        clients.forEach(SlurmClient::close);
        tap.close();
    }
}
