package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.rest.SlurmUsageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One piece of work for the backend: the canonical script's arguments and, where this task needs
 * something else than the configured defaults, its overrides. Immutable; made with {@link #builder()}.
 */
public final class TaskSpec {

    private final String label;
    private final List<String> arguments;
    private final Map<String, String> environment;
    private final String partition;
    private final Integer gpus;
    private final Integer nodes;
    private final Integer cpus;
    private final Long memoryMb;
    private final Duration timeLimit;
    private final String account;
    private final String qos;
    private final Boolean requeue;
    private final int tasks;
    private final Integer throttle;

    private TaskSpec(Builder b) {
        this.label = b.label;
        this.arguments = Collections.unmodifiableList(new ArrayList<>(b.arguments));
        this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(b.environment));
        this.partition = b.partition;
        this.gpus = b.gpus;
        this.nodes = b.nodes;
        this.cpus = b.cpus;
        this.memoryMb = b.memoryMb;
        this.timeLimit = b.timeLimit;
        this.account = b.account;
        this.qos = b.qos;
        this.requeue = b.requeue;
        this.tasks = b.tasks;
        this.throttle = b.throttle;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A short readable label that goes into the job name (e.g. the run or generation id). */
    public String label() { return label; }
    /** Passed to the canonical script, each exactly as given. */
    public List<String> arguments() { return arguments; }
    public Map<String, String> environment() { return environment; }
    public Optional<String> partition() { return Optional.ofNullable(partition); }
    /** GPUs per node. */
    public Optional<Integer> gpus() { return Optional.ofNullable(gpus); }
    /**
     * The nodes the job runs on, instead of slurm.nodes_training. Only training may have more than one:
     * the backend refuses more for self-play and tournaments (they fan out as array tasks instead).
     */
    public Optional<Integer> nodes() { return Optional.ofNullable(nodes); }
    public Optional<Integer> cpus() { return Optional.ofNullable(cpus); }
    public Optional<Long> memoryMb() { return Optional.ofNullable(memoryMb); }
    public Optional<Duration> timeLimit() { return Optional.ofNullable(timeLimit); }
    public Optional<String> account() { return Optional.ofNullable(account); }
    public Optional<String> qos() { return Optional.ofNullable(qos); }
    public Optional<Boolean> requeue() { return Optional.ofNullable(requeue); }
    /** How many array tasks (1: a plain job). Self-play and tournaments fan out this way. */
    public int tasks() { return tasks; }
    public OptionalInt throttle() { return throttle == null ? OptionalInt.empty() : OptionalInt.of(throttle); }

    public static final class Builder {
        private String label = "run";
        private final List<String> arguments = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String partition;
        private Integer gpus;
        private Integer nodes;
        private Integer cpus;
        private Long memoryMb;
        private Duration timeLimit;
        private String account;
        private String qos;
        private Boolean requeue;
        private int tasks = 1;
        private Integer throttle;

        private Builder() {}

        public Builder label(String label) { this.label = label; return this; }
        public Builder arguments(List<String> args) { this.arguments.clear(); this.arguments.addAll(args); return this; }
        public Builder addArguments(String... args) { this.arguments.addAll(List.of(args)); return this; }
        public Builder putEnvironment(String name, String value) { this.environment.put(name, value); return this; }
        public Builder partition(String partition) { this.partition = partition; return this; }
        public Builder gpus(int gpus) { this.gpus = gpus; return this; }
        /** Nodes for this job (training only, when more than one): one launcher per node, each with {@link #gpus} GPUs. */
        public Builder nodes(int nodes) { this.nodes = nodes; return this; }
        public Builder cpus(int cpus) { this.cpus = cpus; return this; }
        public Builder memoryMb(long mb) { this.memoryMb = mb; return this; }
        public Builder timeLimit(Duration limit) { this.timeLimit = limit; return this; }
        public Builder account(String account) { this.account = account; return this; }
        public Builder qos(String qos) { this.qos = qos; return this; }
        public Builder requeue(boolean requeue) { this.requeue = requeue; return this; }
        public Builder tasks(int tasks) { this.tasks = tasks; return this; }
        public Builder throttle(int throttle) { this.throttle = throttle; return this; }

        public TaskSpec build() {
            if (label == null || !label.matches("^[A-Za-z0-9._-]{1,64}$")) {
                throw new SlurmUsageException("task label '" + label + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
            }
            for (String arg : arguments) {
                if (arg == null || arg.indexOf('\0') >= 0) {
                    throw new SlurmUsageException("task arguments must not be null or hold a NUL character");
                }
            }
            if (gpus != null && gpus < 0) {
                throw new SlurmUsageException("gpus must not be negative, not " + gpus);
            }
            if (nodes != null && nodes < 1) {
                throw new SlurmUsageException("nodes must be at least 1, not " + nodes);
            }
            if (cpus != null && cpus < 1) {
                throw new SlurmUsageException("cpus must be at least 1, not " + cpus);
            }
            if (memoryMb != null && memoryMb < 1) {
                throw new SlurmUsageException("memory must be at least 1 MB, not " + memoryMb);
            }
            if (tasks < 1) {
                throw new SlurmUsageException("tasks must be at least 1, not " + tasks);
            }
            if (throttle != null && throttle < 1) {
                throw new SlurmUsageException("throttle must be at least 1, not " + throttle);
            }
            return new TaskSpec(this);
        }
    }
}
