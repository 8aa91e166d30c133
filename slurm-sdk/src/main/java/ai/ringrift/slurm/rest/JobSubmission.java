package ai.ringrift.slurm.rest;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * A batch job to submit, independent of the REST API version. Immutable; made with {@link
 * #builder()}, which checks every field and says what to fix.
 */
public final class JobSubmission {

    /** Longest job name accepted; Slurm's own limit is higher, but names are for people to read. */
    public static final int MAX_NAME_LENGTH = 200;

    private static final Pattern ARRAY = Pattern.compile("^\\d+(-\\d+(:\\d+)?)?(,\\d+(-\\d+(:\\d+)?)?)*(%\\d+)?$");
    private static final Pattern ENV_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
    private static final Pattern SIGNAL = Pattern.compile("^(SIG)?[A-Z0-9]+$");

    private final String name;
    private final String script;
    private final String partition;
    private final String account;
    private final String qos;
    private final Map<String, String> environment;
    private final String workingDirectory;
    private final String standardOutput;
    private final String standardError;
    private final Duration timeLimit;
    private final int nodes;
    private final int tasksPerNode;
    private final int cpusPerTask;
    private final long memoryPerNodeMb;
    private final String tresPerNode;
    private final String array;
    private final boolean hold;
    private final Boolean requeue;
    private final String warningSignal;
    private final int warningSecondsBefore;
    private final String container;
    private final String submitKey;

    private JobSubmission(Builder b) {
        this.name = b.name;
        this.script = b.script;
        this.partition = b.partition;
        this.account = b.account;
        this.qos = b.qos;
        this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(b.environment));
        this.workingDirectory = b.workingDirectory;
        this.standardOutput = b.standardOutput;
        this.standardError = b.standardError;
        this.timeLimit = b.timeLimit;
        this.nodes = b.nodes;
        this.tasksPerNode = b.tasksPerNode;
        this.cpusPerTask = b.cpusPerTask;
        this.memoryPerNodeMb = b.memoryPerNodeMb;
        this.tresPerNode = b.tresPerNode;
        this.array = b.array;
        this.hold = b.hold;
        this.requeue = b.requeue;
        this.warningSignal = b.warningSignal;
        this.warningSecondsBefore = b.warningSecondsBefore;
        this.container = b.container;
        this.submitKey = b.submitKey;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.script = script;
        b.partition = partition;
        b.account = account;
        b.qos = qos;
        b.environment.putAll(environment);
        b.workingDirectory = workingDirectory;
        b.standardOutput = standardOutput;
        b.standardError = standardError;
        b.timeLimit = timeLimit;
        b.nodes = nodes;
        b.tasksPerNode = tasksPerNode;
        b.cpusPerTask = cpusPerTask;
        b.memoryPerNodeMb = memoryPerNodeMb;
        b.tresPerNode = tresPerNode;
        b.array = array;
        b.hold = hold;
        b.requeue = requeue;
        b.warningSignal = warningSignal;
        b.warningSecondsBefore = warningSecondsBefore;
        b.container = container;
        b.submitKey = submitKey;
        return b;
    }

    public String name() { return name; }
    public String script() { return script; }
    public Optional<String> partition() { return Optional.ofNullable(partition); }
    public Optional<String> account() { return Optional.ofNullable(account); }
    public Optional<String> qos() { return Optional.ofNullable(qos); }
    /** Always sent: Slurm does not pass the submitter's environment through REST. */
    public Map<String, String> environment() { return environment; }
    public String workingDirectory() { return workingDirectory; }
    public Optional<String> standardOutput() { return Optional.ofNullable(standardOutput); }
    public Optional<String> standardError() { return Optional.ofNullable(standardError); }
    public Optional<Duration> timeLimit() { return Optional.ofNullable(timeLimit); }
    /** The nodes the job needs: sent as both the minimum and the maximum, so the job gets exactly this many. */
    public int nodes() { return nodes; }
    /**
     * Tasks per node ({@code tasks_per_node}), when asked; the job then has {@code nodes × tasksPerNode}
     * tasks ({@code tasks}), as sbatch counts them, so each node gets its tasks' CPUs. Unset sends neither.
     */
    public OptionalInt tasksPerNode() { return tasksPerNode > 0 ? OptionalInt.of(tasksPerNode) : OptionalInt.empty(); }
    public OptionalInt cpusPerTask() { return cpusPerTask > 0 ? OptionalInt.of(cpusPerTask) : OptionalInt.empty(); }
    public Optional<Long> memoryPerNodeMb() { return memoryPerNodeMb > 0 ? Optional.of(memoryPerNodeMb) : Optional.empty(); }
    public Optional<String> tresPerNode() { return Optional.ofNullable(tresPerNode); }
    public Optional<String> array() { return Optional.ofNullable(array); }
    public boolean hold() { return hold; }
    public Optional<Boolean> requeue() { return Optional.ofNullable(requeue); }
    public Optional<String> warningSignal() { return Optional.ofNullable(warningSignal); }
    public int warningSecondsBefore() { return warningSecondsBefore; }
    public Optional<String> container() { return Optional.ofNullable(container); }
    /** The caller's submit key, if it chose one; else the client makes one per submission. */
    public Optional<String> submitKey() { return Optional.ofNullable(submitKey); }

    @Override
    public String toString() {
        return "JobSubmission[name=" + name + ", partition=" + partition + ", array=" + array + "]";
    }

    public static final class Builder {
        private String name;
        private String script;
        private String partition;
        private String account;
        private String qos;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String workingDirectory;
        private String standardOutput;
        private String standardError;
        private Duration timeLimit;
        private int nodes = 1;
        private int tasksPerNode;
        private int cpusPerTask;
        private long memoryPerNodeMb;
        private String tresPerNode;
        private String array;
        private boolean hold;
        private Boolean requeue;
        private String warningSignal;
        private int warningSecondsBefore;
        private String container;
        private String submitKey;

        private Builder() {}

        public Builder name(String name) { this.name = name; return this; }
        /** The batch script, starting with {@code #!}. */
        public Builder script(String script) { this.script = script; return this; }
        public Builder partition(String partition) { this.partition = blankToNull(partition); return this; }
        public Builder account(String account) { this.account = blankToNull(account); return this; }
        public Builder qos(String qos) { this.qos = blankToNull(qos); return this; }
        public Builder environment(Map<String, String> environment) {
            this.environment.clear();
            this.environment.putAll(Objects.requireNonNull(environment, "environment == null"));
            return this;
        }
        public Builder putEnvironment(String name, String value) { this.environment.put(name, value); return this; }
        public Builder workingDirectory(String dir) { this.workingDirectory = dir; return this; }
        /** Slurm's filename pattern: %j job id, %A array id, %a task index. */
        public Builder standardOutput(String path) { this.standardOutput = blankToNull(path); return this; }
        public Builder standardError(String path) { this.standardError = blankToNull(path); return this; }
        /** Rounded up to whole minutes, as Slurm counts them. */
        public Builder timeLimit(Duration limit) { this.timeLimit = limit; return this; }
        /** Exactly this many nodes (minimum and maximum); 1 unless set. */
        public Builder nodes(int nodes) { this.nodes = nodes; return this; }
        /**
         * Tasks per node ({@code tasks_per_node}, sbatch's {@code --ntasks-per-node}), and with it {@code nodes ×
         * tasks} tasks in all ({@code tasks}, as sbatch does); 0 leaves both unset.
         */
        public Builder tasksPerNode(int tasks) { this.tasksPerNode = tasks; return this; }
        public Builder cpusPerTask(int cpus) { this.cpusPerTask = cpus; return this; }
        public Builder memoryPerNodeMb(long mb) { this.memoryPerNodeMb = mb; return this; }
        /** GPUs per node, sent as {@code tres_per_node=gres/gpu:N}; 0 asks for none. */
        public Builder gpusPerNode(int gpus) {
            if (gpus < 0) {
                throw new SlurmUsageException("gpus per node must not be negative, not " + gpus);
            }
            this.tresPerNode = gpus == 0 ? null : "gres/gpu:" + gpus;
            return this;
        }
        public Builder tresPerNode(String tres) { this.tresPerNode = blankToNull(tres); return this; }
        /** A job array such as {@code 0-99%8}. */
        public Builder array(String array) { this.array = blankToNull(array); return this; }
        public Builder hold(boolean hold) { this.hold = hold; return this; }
        public Builder requeue(Boolean requeue) { this.requeue = requeue; return this; }
        /** Ask Slurm to send {@code signal} (e.g. USR1) this many seconds before the time limit. */
        public Builder warningSignal(String signal, int secondsBefore) {
            this.warningSignal = blankToNull(signal);
            this.warningSecondsBefore = secondsBefore;
            return this;
        }
        /** An OCI container bundle path (Slurm's {@code --container}). */
        public Builder container(String container) { this.container = blankToNull(container); return this; }
        public Builder submitKey(String key) { this.submitKey = blankToNull(key); return this; }

        public JobSubmission build() {
            require(name != null && !name.isBlank(), "the job needs a name");
            require(name.length() <= MAX_NAME_LENGTH, "the job name is " + name.length() + " characters long; keep it to "
                    + MAX_NAME_LENGTH + " or fewer");
            require(name.chars().noneMatch(c -> c < 0x20 || c == 0x7f), "the job name has control characters in it");
            require(script != null && script.startsWith("#!"), "the batch script must start with #! (e.g. #!/bin/bash)");
            require(workingDirectory != null && workingDirectory.startsWith("/"),
                    "the working directory must be an absolute path, not " + workingDirectory);
            for (Map.Entry<String, String> e : environment.entrySet()) {
                require(e.getKey() != null && ENV_NAME.matcher(e.getKey()).matches(),
                        "environment variable name '" + e.getKey() + "' is not a valid name");
                require(e.getValue() != null, "environment variable " + e.getKey() + " has no value");
                require(e.getValue().indexOf('\0') < 0, "environment variable " + e.getKey() + " contains a NUL character");
            }
            require(timeLimit == null || (!timeLimit.isNegative() && !timeLimit.isZero()),
                    "the time limit must be positive, not " + timeLimit);
            require(nodes >= 1, "nodes must be at least 1, not " + nodes);
            require(tasksPerNode >= 0, "tasks per node must not be negative, not " + tasksPerNode);
            require(cpusPerTask >= 0, "cpus per task must not be negative, not " + cpusPerTask);
            require(memoryPerNodeMb >= 0, "memory per node must not be negative, not " + memoryPerNodeMb);
            require(array == null || ARRAY.matcher(array).matches(),
                    "job array '" + array + "' is not Slurm's syntax; write it like 0-99 or 0-99%8 or 1,3,5-7");
            require(warningSignal == null || SIGNAL.matcher(warningSignal).matches(),
                    "warning signal '" + warningSignal + "' is not a signal name such as USR1");
            require(warningSignal == null || (warningSecondsBefore > 0 && warningSecondsBefore <= 65535),
                    "the warning signal needs 1 to 65535 seconds before the limit, not " + warningSecondsBefore);
            require(submitKey == null || submitKey.matches("^[A-Za-z0-9._-]{8,100}$"),
                    "the submit key must be 8 to 100 letters, digits, '.', '_' or '-'");
            return new JobSubmission(this);
        }

        private static void require(boolean ok, String what) {
            if (!ok) {
                throw new SlurmUsageException("invalid job submission: " + what);
            }
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s;
        }
    }
}
