package ai.ringrift.slurm.testing.fake.internal;

import ai.ringrift.slurm.rest.JobState;
import ai.ringrift.slurm.testing.fake.FakeCluster;
import ai.ringrift.slurm.testing.fake.FakeJob;
import ai.ringrift.slurm.testing.fake.JobRun;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The fake cluster's jobs and their lives, on the fake's clock. Not thread-safe by itself: every
 * call holds the model's monitor (the HTTP side and the test's handle share it). Time is caught up
 * lazily: before any read or change, {@link #advance} replays what happened since the last call in
 * order (jobs ending, then jobs starting where resources are free), so the answers are the same
 * however often or rarely the client asks.
 */
public final class Model {

    /** What the real slurmctld does after scontrol requeue (checked on 24.11 and 26.05): eligible again 120 s later. */
    static final Duration REQUEUE_BEGIN_DELAY = Duration.ofSeconds(120);

    /** What a submission asked for, as the fake keeps it. */
    public record Spec(String name, String comment, String partition, String account, String qos, String user, String cwd,
            String stdout, String stderr, String script, int cpus, long memoryMb, int gpus, long timeLimitMinutes,
            boolean requeue, boolean hold, String array) {}

    /** A job record: a plain job, or an array task that runs under its own id. */
    static final class Job {
        long id;
        final long arrayId;
        final int task;
        final Spec spec;
        final JobRun run;
        JobState state = JobState.PENDING;
        final List<String> flags = new ArrayList<>();
        String reason = "None";
        final Instant submit;
        Instant eligible;
        Instant start;
        Instant end;
        int exitCode = -1;
        int signal;
        int restarts;
        String node;
        /** The component of a heterogeneous job (its leader is {@code id - het}), else -1. */
        int het = -1;

        Job(long id, long arrayId, int task, Spec spec, JobRun run, Instant submit) {
            this.id = id;
            this.arrayId = arrayId;
            this.task = task;
            this.spec = spec;
            this.run = run;
            this.submit = submit;
            this.eligible = submit;
        }

        boolean isFinal() {
            return state.isTerminal() && !flags.contains("REQUEUED");
        }

        Instant plannedEnd() {
            Duration runtime = run.runtime();
            if (spec.timeLimitMinutes() > 0 && runtime.compareTo(Duration.ofMinutes(spec.timeLimitMinutes())) > 0) {
                return start.plus(Duration.ofMinutes(spec.timeLimitMinutes()));
            }
            return start.plus(runtime);
        }
    }

    /** An array's own record: the tasks that have not run under an id of their own. */
    static final class ArrayRest {
        final long id;
        final Spec spec;
        final BitSet pending;
        final int throttle;
        final String expression;
        final Instant submit;
        final Function<Integer, JobRun> runs;
        JobState state = JobState.PENDING;
        String reason = "None";
        Instant end;

        ArrayRest(long id, Spec spec, BitSet pending, int throttle, String expression, Instant submit,
                Function<Integer, JobRun> runs) {
            this.id = id;
            this.spec = spec;
            this.pending = pending;
            this.throttle = throttle;
            this.expression = expression;
            this.submit = submit;
            this.runs = runs;
        }
    }

    /** A rule for what jobs do, newest first. */
    record Rule(Predicate<FakeJob> matches, JobRun run) {}

    private final FakeCluster cluster;
    private final Clock clock;
    private final boolean cpusBeyondNodesPend;
    private final Map<Long, Job> jobs = new TreeMap<>();
    private final Map<Long, ArrayRest> arrays = new TreeMap<>();
    private final Map<String, Boolean> nodeUp = new LinkedHashMap<>();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private long nextId = 1;
    private Instant cursor;
    private Duration accountingDelay = Duration.ZERO;

    /**
     * @param cpusBeyondNodesPend what the release does with a job asking more CPUs than any node has:
     *     24.11 refuses it (2014), 26.05 accepts it and leaves it pending (PartitionConfig); both checked
     */
    public Model(FakeCluster cluster, Clock clock, boolean cpusBeyondNodesPend) {
        this.cluster = cluster;
        this.clock = clock;
        this.cpusBeyondNodesPend = cpusBeyondNodesPend;
        this.cursor = clock.instant();
        cluster.nodes().forEach(n -> nodeUp.put(n.name(), true));
    }

    public FakeCluster cluster() {
        return cluster;
    }

    public synchronized void reset() {
        jobs.clear();
        arrays.clear();
        rules.clear();
        next.clear();
        cluster.nodes().forEach(n -> nodeUp.put(n.name(), true));
        accountingDelay = Duration.ZERO;
        cursor = clock.instant();
    }

    public synchronized void accountingDelay(Duration d) {
        this.accountingDelay = d;
    }

    private final java.util.Deque<JobRun> next = new java.util.concurrent.ConcurrentLinkedDeque<>();

    /** What the next jobs submitted do, in order, before any rule. */
    public void addNext(List<JobRun> runs) {
        next.addAll(runs);
    }

    public void addRule(Predicate<FakeJob> matches, JobRun run) {
        rules.add(0, new Rule(matches, run));
    }

    public Instant now() {
        return clock.instant();
    }

    // ------------------------------------------------------------------ submissions

    /** Why a submission is refused: Slurm's error number, or 0 when it is accepted. */
    public synchronized int refusal(Spec s) {
        Optional<FakeCluster.Partition> partition = partition(s.partition());
        if (partition.isEmpty()) {
            return 2000; // ESLURM_INVALID_PARTITION_NAME
        }
        Optional<FakeCluster.Association> assoc = cluster.associations().stream()
                .filter(a -> a.user().equals(s.user()) && a.account().equals(s.account())).findFirst();
        if (assoc.isEmpty()) {
            return 2045; // ESLURM_INVALID_ACCOUNT
        }
        if (s.qos() != null && !assoc.get().qos().contains(s.qos())) {
            return 2066; // ESLURM_INVALID_QOS
        }
        boolean fits = false;
        for (String n : partition.get().nodes()) {
            FakeCluster.Node node = node(n);
            if (node.gpus() >= s.gpus() && node.memoryMb() >= memoryOf(s, node) && (cpusBeyondNodesPend || node.cpus() >= s.cpus())) {
                fits = true;
            }
        }
        return fits ? 0 : 2014; // ESLURM_REQUESTED_NODE_CONFIG_UNAVAILABLE
    }

    /** The partition a submission goes to: the named one, else the cluster's default. */
    public Optional<FakeCluster.Partition> partition(String name) {
        if (name == null) {
            return cluster.partitions().stream().filter(FakeCluster.Partition::isDefault).findFirst()
                    .or(() -> cluster.partitions().stream().findFirst());
        }
        return cluster.partitions().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The user's default account, for a submission that names none. */
    public Optional<String> defaultAccount(String user) {
        return cluster.associations().stream().filter(a -> a.user().equals(user)).sorted(Comparator.comparing(a -> !a.isDefault()))
                .map(FakeCluster.Association::account).findFirst();
    }

    /** Creates the job(s) of an accepted submission; returns its id. */
    public synchronized long submit(Spec s, BitSet tasks, int throttle) {
        advance();
        Instant now = clock.instant();
        long id = nextId++;
        if (tasks == null) {
            Job job = new Job(id, 0, -1, s, runOf(s, id, -1), now);
            if (s.hold()) {
                job.reason = "JobHeldUser";
            }
            jobs.put(id, job);
        } else {
            JobRun first = next.poll();
            ArrayRest rest = new ArrayRest(id, s, tasks, throttle, s.array(), now,
                    task -> first != null ? first : runOf(s, id, Math.max(1, task)));
            if (s.hold()) {
                rest.reason = "JobHeldUser";
            }
            arrays.put(id, rest);
        }
        schedule(now);
        return id;
    }

    /** A heterogeneous job: one record per component, ids growing from the leader's; it never starts. */
    public synchronized long submitHeterogeneous(List<Spec> components) {
        advance();
        Instant now = clock.instant();
        long leader = nextId;
        for (int c = 0; c < components.size(); c++) {
            Spec s = components.get(c);
            Job job = new Job(nextId++, 0, -1, s, runOf(s, leader, -1), now);
            job.het = c;
            job.reason = s.hold() ? "JobHeldUser" : "Resources";
            jobs.put(job.id, job);
        }
        return leader;
    }

    private JobRun runOf(Spec s, long id, int task) {
        if (task <= 0) { // a plain job, or an array (its tasks share the array's run)
            JobRun queued = next.poll();
            if (queued != null) {
                return queued;
            }
        }
        FakeJob probe = new FakeJob(id, task < 0 ? 0 : id, task, "", s.name(), s.comment(), s.partition(), s.account(),
                s.qos() == null ? "" : s.qos(), s.user(), JobState.PENDING, List.of(), "None", -1, 0, clock.instant(),
                Optional.empty(), Optional.empty(), "", true);
        for (Rule r : rules) {
            if (r.matches().test(probe)) {
                return r.run();
            }
        }
        return JobRun.fromScript(s.script());
    }

    // ------------------------------------------------------------------ time

    /** Replays everything that happened up to the clock's now. */
    public synchronized void advance() {
        Instant now = clock.instant();
        while (true) {
            Instant next = null;
            for (Job j : jobs.values()) {
                if (j.state == JobState.RUNNING) {
                    Instant e = j.plannedEnd();
                    if (!e.isAfter(now) && (next == null || e.isBefore(next))) {
                        next = e;
                    }
                } else if (j.state == JobState.PENDING && j.eligible.isAfter(cursor) && !j.eligible.isAfter(now)
                        && (next == null || j.eligible.isBefore(next))) {
                    next = j.eligible;
                }
            }
            if (next == null) {
                break;
            }
            if (next.isBefore(cursor)) {
                next = cursor;
            }
            cursor = next;
            finishDue(next);
            schedule(next);
        }
        if (now.isAfter(cursor)) {
            cursor = now;
        }
        schedule(cursor);
    }

    private void finishDue(Instant t) {
        for (Job j : jobs.values()) {
            if (j.state == JobState.RUNNING && !j.plannedEnd().isAfter(t)) {
                Instant end = j.plannedEnd();
                j.end = end;
                boolean timedOut = j.spec.timeLimitMinutes() > 0
                        && j.run.runtime().compareTo(Duration.ofMinutes(j.spec.timeLimitMinutes())) > 0;
                if (timedOut) {
                    j.state = JobState.TIMEOUT;
                    j.reason = "TimeLimit";
                    j.signal = 15;
                    j.exitCode = -1;
                } else if (j.run.exitCode() == 0) {
                    j.state = JobState.COMPLETED;
                    j.exitCode = 0;
                } else {
                    j.state = JobState.FAILED;
                    j.reason = "NonZeroExitCode";
                    j.exitCode = j.run.exitCode();
                }
            }
        }
    }

    private void schedule(Instant t) {
        List<Object> queue = new ArrayList<>();
        Map<Long, Object> byId = new TreeMap<>();
        jobs.values().stream().filter(j -> j.state == JobState.PENDING).forEach(j -> byId.put(j.id, j));
        arrays.values().stream().filter(a -> a.state == JobState.PENDING && !a.pending.isEmpty()).forEach(a -> byId.putIfAbsent(a.id, a));
        queue.addAll(byId.values());
        for (Object o : queue) {
            if (o instanceof Job j) {
                if (j.het >= 0) {
                    continue; // a heterogeneous job stays pending: on one node it never starts (checked on 24.11)
                }
                if (j.spec.hold() || j.eligible.isAfter(t)) {
                    continue;
                }
                String node = place(j.spec);
                if (node == null) {
                    j.reason = fitsAnywhere(j.spec) ? "Resources" : "PartitionConfig";
                    continue;
                }
                start(j, node, t);
            } else if (o instanceof ArrayRest a) {
                if (a.spec.hold()) {
                    continue;
                }
                while (!a.pending.isEmpty()) {
                    long running = jobs.values().stream().filter(j -> j.arrayId == a.id && j.state == JobState.RUNNING).count();
                    if (a.throttle > 0 && running >= a.throttle) {
                        a.reason = "JobArrayTaskLimit";
                        break;
                    }
                    String node = place(a.spec);
                    if (node == null) {
                        a.reason = fitsAnywhere(a.spec) ? "Resources" : "PartitionConfig";
                        break;
                    }
                    int task = a.pending.nextSetBit(0);
                    a.pending.clear(task);
                    long id = a.pending.isEmpty() ? a.id : nextId++; // the last task takes the array's own id
                    Job job = new Job(id, a.id, task, a.spec, a.runs.apply(task), a.submit);
                    jobs.put(id, job);
                    start(job, node, t);
                }
                if (a.pending.isEmpty()) {
                    arrays.remove(a.id);
                }
            }
        }
    }

    private void start(Job j, String node, Instant t) {
        j.state = JobState.RUNNING;
        j.flags.clear();
        j.reason = "None";
        j.start = t;
        j.end = null;
        j.node = node;
    }

    private boolean fitsAnywhere(Spec s) {
        return partition(s.partition()).map(p -> p.nodes().stream().map(this::node)
                .anyMatch(n -> n.cpus() >= s.cpus() && n.gpus() >= s.gpus() && n.memoryMb() >= memoryOf(s, n))).orElse(false);
    }

    private String place(Spec s) {
        FakeCluster.Partition p = partition(s.partition()).orElse(null);
        if (p == null || !p.up()) {
            return null;
        }
        for (String n : p.nodes()) {
            if (!nodeUp.getOrDefault(n, false)) {
                continue;
            }
            FakeCluster.Node node = node(n);
            int cpus = 0;
            int gpus = 0;
            long mem = 0;
            for (Job j : jobs.values()) {
                if (j.state == JobState.RUNNING && n.equals(j.node)) {
                    cpus += j.spec.cpus();
                    gpus += j.spec.gpus();
                    mem += memoryOf(j.spec, node);
                }
            }
            if (cpus + s.cpus() <= node.cpus() && gpus + s.gpus() <= node.gpus() && mem + memoryOf(s, node) <= node.memoryMb()) {
                return n;
            }
        }
        return null;
    }

    /** A job that asks no memory gets the whole node's (select/cons_tres with CR_Core_Memory and no DefMemPerNode). */
    private static long memoryOf(Spec s, FakeCluster.Node node) {
        return s.memoryMb() > 0 ? s.memoryMb() : node.memoryMb();
    }

    FakeCluster.Node node(String name) {
        return cluster.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    public synchronized boolean nodeUp(String name) {
        return nodeUp.getOrDefault(name, false);
    }

    // ------------------------------------------------------------------ changes

    /** Cancels a job, an array task (by its own id) or a whole array (by the array's id); false when there is nothing to cancel. */
    public synchronized boolean cancel(long id) {
        advance();
        Instant now = clock.instant();
        boolean any = false;
        ArrayRest rest = arrays.get(id);
        if (rest != null && rest.state == JobState.PENDING) {
            rest.state = JobState.CANCELLED;
            rest.end = now;
            any = true;
        }
        for (Job j : jobs.values()) {
            if ((j.id == id || j.arrayId == id || (j.het >= 0 && j.id - j.het == id)) && !j.isFinal() && j.state != JobState.CANCELLED) {
                boolean ran = j.state == JobState.RUNNING;
                j.state = JobState.CANCELLED;
                j.flags.clear();
                if (j.start == null || !ran) {
                    j.start = now;
                }
                j.end = now;
                if (ran) {
                    j.signal = 15;
                }
                any = true;
            }
        }
        schedule(now);
        return any;
    }

    /** What scontrol requeue does to a running or ended batch job: back to PENDING, eligible 120 s later. */
    public synchronized void requeue(long id) {
        advance();
        Job j = jobs.get(id);
        if (j == null || !inController(j.end)) {
            throw new IllegalStateException("job " + id + " is not in slurmctld: it cannot be requeued");
        }
        if (!j.spec.requeue()) {
            throw new IllegalStateException("job " + id + " was submitted with requeue=false: it cannot be requeued");
        }
        if (j.state == JobState.PENDING) {
            throw new IllegalStateException("job " + id + " is pending: nothing to requeue");
        }
        requeueNow(j);
    }

    private void requeueNow(Job j) {
        Instant now = clock.instant();
        j.state = JobState.PENDING;
        j.flags.clear();
        j.reason = "BeginTime";
        j.restarts++;
        j.start = null;
        j.end = null;
        j.node = null;
        j.exitCode = -1;
        j.signal = 0;
        j.eligible = now.plus(REQUEUE_BEGIN_DELAY);
    }

    /** The node goes DOWN: its running jobs are requeued when they may be, else end NODE_FAIL. */
    public synchronized void failNode(String name) {
        advance();
        node(name);
        nodeUp.put(name, false);
        Instant now = clock.instant();
        for (Job j : jobs.values()) {
            if (j.state == JobState.RUNNING && name.equals(j.node)) {
                if (j.spec.requeue()) {
                    requeueNow(j);
                } else {
                    j.state = JobState.NODE_FAIL;
                    j.reason = "NodeDown";
                    j.end = now;
                }
            }
        }
    }

    public synchronized void resumeNode(String name) {
        advance();
        node(name);
        nodeUp.put(name, true);
        schedule(clock.instant());
    }

    // ------------------------------------------------------------------ reads

    private boolean inController(Instant end) {
        return end == null || clock.instant().isBefore(end.plus(cluster.minJobAge()));
    }

    /** Whether slurmctld still holds a job or array with this id. */
    public synchronized boolean known(long id) {
        advance();
        return !controllerRecords(id).isEmpty();
    }

    /** slurmctld's records for {@code id}: a job, or every record of an array (its rest first). */
    public synchronized List<Object> controllerRecords(long id) {
        advance();
        List<Object> out = new ArrayList<>();
        ArrayRest rest = arrays.get(id);
        if (rest != null && inController(rest.end)) {
            out.add(rest);
        }
        for (Job j : jobs.values()) {
            if ((j.id == id || (j.arrayId == id && j.arrayId != 0) || (j.het >= 0 && j.id - j.het == id)) && inController(j.end)) {
                out.add(j);
            }
        }
        return out;
    }

    /** Every record slurmctld holds, newest first. */
    public synchronized List<Object> allControllerRecords() {
        advance();
        List<Object> out = new ArrayList<>();
        for (ArrayRest a : arrays.values()) {
            if (inController(a.end)) {
                out.add(a);
            }
        }
        for (Job j : jobs.values()) {
            if (inController(j.end)) {
                out.add(j);
            }
        }
        out.sort(Comparator.comparingLong(Model::idOf).reversed());
        return out;
    }

    static long idOf(Object o) {
        return o instanceof Job j ? j.id : ((ArrayRest) o).id;
    }

    /** slurmdbd's records for {@code id} (an array's id brings every task and its rest). */
    public synchronized List<Object> accountingRecords(long id) {
        advance();
        List<Object> out = new ArrayList<>();
        ArrayRest rest = arrays.get(id);
        if (rest != null) {
            out.add(rest);
        }
        for (Job j : jobs.values()) {
            if (j.id == id || (j.arrayId == id && j.arrayId != 0)) {
                out.add(j);
            }
        }
        return out;
    }

    /** slurmdbd's records of jobs named {@code name} (null: any) active at or after {@code since}. */
    public synchronized List<Object> accountingRecords(String name, Instant since) {
        advance();
        List<Object> out = new ArrayList<>();
        for (ArrayRest a : arrays.values()) {
            if ((name == null || name.equals(a.spec.name())) && (a.end == null || !a.end.isBefore(since))) {
                out.add(a);
            }
        }
        for (Job j : jobs.values()) {
            if ((name == null || name.equals(j.spec.name())) && (j.end == null || !j.end.isBefore(since))) {
                out.add(j);
            }
        }
        return out;
    }

    /** Whether slurmdbd has learnt of this record's end yet. */
    boolean accountingKnowsEnd(Instant end) {
        return end != null && !clock.instant().isBefore(end.plus(accountingDelay));
    }

    // ------------------------------------------------------------------ for the test

    public synchronized List<FakeJob> snapshot() {
        advance();
        List<FakeJob> out = new ArrayList<>();
        for (ArrayRest a : arrays.values()) {
            out.add(new FakeJob(a.id, a.id, -1, Ranges.of(a.pending) + (a.throttle > 0 ? "%" + a.throttle : ""), a.spec.name(),
                    a.spec.comment(), a.spec.partition(), a.spec.account(), nz(a.spec.qos()), a.spec.user(), a.state, List.of(),
                    a.reason, -1, 0, a.submit, Optional.ofNullable(a.end), Optional.ofNullable(a.end), "", inController(a.end)));
        }
        for (Job j : jobs.values()) {
            out.add(new FakeJob(j.id, j.arrayId, j.task, "", j.spec.name(), j.spec.comment(), j.spec.partition(), j.spec.account(),
                    nz(j.spec.qos()), j.spec.user(), j.state, j.flags, j.reason, j.exitCode, j.restarts, j.submit,
                    Optional.ofNullable(j.start), Optional.ofNullable(j.end), j.node == null ? "" : j.node, inController(j.end)));
        }
        out.sort(Comparator.comparingLong(FakeJob::jobId));
        return out;
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }
}
