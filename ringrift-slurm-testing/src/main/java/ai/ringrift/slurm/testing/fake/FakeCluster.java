package ai.ringrift.slurm.testing.fake;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The cluster a {@link FakeSlurm} pretends to be: its nodes, partitions, users' associations and
 * MinJobAge. Immutable; made with {@link #builder()}, or {@link #localTestCluster()} for the one
 * {@code scripts/local-slurm.sh} runs (config/local-cluster/slurm.conf.in: one node {@code localhost}
 * with 8 CPUs, 16000 MB and 4 GPUs; partitions gpu-train (default), gpu-selfplay and cpu-eval on
 * it; user {@code ringrift} in account {@code ringrift} with qos {@code normal}; MinJobAge 30 s).
 */
public final class FakeCluster {

    /** A node: what it offers jobs. */
    public record Node(String name, int cpus, long memoryMb, int gpus) {
        public Node {
            Objects.requireNonNull(name, "name == null");
            if (cpus < 1 || memoryMb < 1 || gpus < 0) {
                throw new IllegalArgumentException("node " + name + " needs at least 1 CPU and 1 MB, and no negative GPUs");
            }
        }
    }

    /** A partition over some of the nodes; {@code up} false answers as a partition whose state is DOWN. */
    public record Partition(String name, List<String> nodes, boolean isDefault, boolean up) {
        public Partition {
            Objects.requireNonNull(name, "name == null");
            nodes = List.copyOf(nodes);
        }
    }

    /** A user's association with an account: the qos it may use, the first being its default. */
    public record Association(String user, String account, List<String> qos, boolean isDefault) {
        public Association {
            Objects.requireNonNull(user, "user == null");
            Objects.requireNonNull(account, "account == null");
            qos = List.copyOf(qos);
        }
    }

    private final String name;
    private final List<Node> nodes;
    private final List<Partition> partitions;
    private final List<Association> associations;
    private final java.time.Duration minJobAge;

    private FakeCluster(Builder b) {
        this.name = b.name;
        this.nodes = List.copyOf(b.nodes.values());
        this.partitions = List.copyOf(b.partitions);
        this.associations = List.copyOf(b.associations);
        this.minJobAge = b.minJobAge;
    }

    /** The local test cluster's shape (config/local-cluster/): see the class comment. */
    public static FakeCluster localTestCluster() {
        return builder().name("ringrift-local")
                .node("localhost", 8, 16000, 4)
                .partition("gpu-train", true, "localhost")
                .partition("gpu-selfplay", false, "localhost")
                .partition("cpu-eval", false, "localhost")
                .association("ringrift", "ringrift", "normal")
                .association("root", "ringrift", "normal")
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder().name(name).minJobAge(minJobAge);
        nodes.forEach(n -> b.nodes.put(n.name(), n));
        b.partitions.addAll(partitions);
        b.associations.addAll(associations);
        return b;
    }

    public String name() { return name; }
    public List<Node> nodes() { return nodes; }
    public List<Partition> partitions() { return partitions; }
    public List<Association> associations() { return associations; }
    /** How long a finished job stays in slurmctld (Slurm's MinJobAge); then only slurmdbd has it. */
    public java.time.Duration minJobAge() { return minJobAge; }

    @Override
    public String toString() {
        return "FakeCluster[" + name + ", nodes=" + nodes + ", partitions=" + partitions + ", associations=" + associations
                + ", minJobAge=" + minJobAge + "]";
    }

    /** Builds a {@link FakeCluster}: at least one node and one partition. */
    public static final class Builder {
        private String name = "fake-cluster";
        private final Map<String, Node> nodes = new LinkedHashMap<>();
        private final List<Partition> partitions = new ArrayList<>();
        private final List<Association> associations = new ArrayList<>();
        private java.time.Duration minJobAge = java.time.Duration.ofSeconds(30);

        private Builder() {}

        public Builder name(String name) { this.name = Objects.requireNonNull(name, "name == null"); return this; }

        public Builder node(String name, int cpus, long memoryMb, int gpus) {
            nodes.put(name, new Node(name, cpus, memoryMb, gpus));
            return this;
        }

        /** A partition over the named nodes; the first partition marked default is where jobs without one go. */
        public Builder partition(String name, boolean isDefault, String... nodeNames) {
            partitions.removeIf(p -> p.name().equals(name));
            partitions.add(new Partition(name, List.of(nodeNames), isDefault, true));
            return this;
        }

        /** A partition that exists but is DOWN. */
        public Builder downPartition(String name, String... nodeNames) {
            partitions.removeIf(p -> p.name().equals(name));
            partitions.add(new Partition(name, List.of(nodeNames), false, false));
            return this;
        }

        /** {@code user} may submit with {@code account} and these qos (the first is the default); the user's first account is its default. */
        public Builder association(String user, String account, String... qos) {
            boolean first = associations.stream().noneMatch(a -> a.user().equals(user));
            associations.add(new Association(user, account, qos.length == 0 ? List.of("normal") : List.of(qos), first));
            return this;
        }

        public Builder minJobAge(java.time.Duration age) {
            if (age == null || age.isNegative()) {
                throw new IllegalArgumentException("minJobAge must be zero or more, not " + age);
            }
            this.minJobAge = age;
            return this;
        }

        public FakeCluster build() {
            if (nodes.isEmpty() || partitions.isEmpty()) {
                throw new IllegalArgumentException("a fake cluster needs at least one node and one partition");
            }
            for (Partition p : partitions) {
                for (String n : p.nodes()) {
                    if (!nodes.containsKey(n)) {
                        throw new IllegalArgumentException("partition " + p.name() + " names node " + n + ", which is not declared");
                    }
                }
            }
            if (associations.isEmpty()) {
                throw new IllegalArgumentException("a fake cluster needs at least one association (user, account)");
            }
            return new FakeCluster(this);
        }
    }
}
