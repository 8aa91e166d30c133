package ai.ringrift.slurm.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The project's {@code config/unified_loop.yaml} as a test changes it: by key, never by editing its
 * text, so a change to a key the file no longer has fails instead of doing nothing. Immutable: each
 * change gives a new config. {@link #forLocalCluster()} points it at the running local cluster.
 *
 * <pre>{@code
 * Path file = ProjectConfig.fastPolling().with("slurm.partition_training", "nope").write();
 * }</pre>
 */
public final class ProjectConfig {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private final ObjectNode tree;

    private ProjectConfig(ObjectNode tree) {
        this.tree = tree;
    }

    /** The file as committed. */
    public static ProjectConfig committed() {
        Path file = LocalCluster.projectRoot().resolve("config/unified_loop.yaml");
        try {
            return new ProjectConfig((ObjectNode) YAML.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * The file pointed at the running local cluster (the release of RINGRIFT_SLURM_RELEASE): its
     * slurmrestd URL, its key and its shared tree, as scripts/run-main.sh points it.
     */
    public static ProjectConfig forLocalCluster() {
        return forCluster(LocalCluster.require());
    }

    /** The file pointed at {@code cluster} (e.g. {@link LocalCluster#multiNode()}), as {@link #forLocalCluster()} does. */
    public static ProjectConfig forCluster(LocalCluster cluster) {
        Path shared = cluster.sharedDir();
        return committed()
                .with("slurm.rest.url", cluster.restUrl().toString())
                .with("slurm.rest.jwt_key_file", cluster.jwtKeyFile().toString())
                .with("slurm.shared_root", shared.toString())
                .with("slurm.repo_dir", shared.resolve("ringrift").toString())
                .with("slurm.job_dir", shared.resolve("slurm/jobs").toString())
                .with("slurm.log_dir", shared.resolve("slurm/logs").toString());
    }

    /** {@link #forLocalCluster()} polling fast, for tests: every 500 ms at first, at most every 2 s. */
    public static ProjectConfig fastPolling() {
        return fastPolling(LocalCluster.require());
    }

    /** {@link #forCluster} polling fast, as {@link #fastPolling()} does. */
    public static ProjectConfig fastPolling(LocalCluster cluster) {
        return forCluster(cluster).with("slurm.poll_interval_min", "500ms").with("slurm.poll_interval_max", "2s");
    }

    /**
     * This config with the key at {@code path} (dots between names, e.g. {@code slurm.rest.url})
     * set to {@code value} (a string, number, boolean or list).
     *
     * @throws IllegalArgumentException when the file has no such key (use {@link #adding})
     */
    public ProjectConfig with(String path, Object value) {
        return set(path, value, true);
    }

    /**
     * This config with a key the file does not have, set.
     *
     * @throws IllegalArgumentException when the file already has it (use {@link #with})
     */
    public ProjectConfig adding(String path, Object value) {
        return set(path, value, false);
    }

    /** This config without the key at {@code path}, which the file must have. */
    public ProjectConfig without(String path) {
        ObjectNode copy = tree.deepCopy();
        ObjectNode parent = parent(copy, path);
        String key = last(path);
        if (!parent.has(key)) {
            throw new IllegalArgumentException("config/unified_loop.yaml has no " + path + " to remove");
        }
        parent.remove(key);
        return new ProjectConfig(copy);
    }

    /** The value at {@code path}, as text. */
    public String get(String path) {
        JsonNode node = parent(tree, path).get(last(path));
        if (node == null) {
            throw new IllegalArgumentException("config/unified_loop.yaml has no " + path);
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }

    /** The config as YAML. */
    public String text() {
        try {
            return YAML.writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the config to a new temporary file. */
    public Path write() {
        try {
            Path file = Files.createTempFile("unified_loop_test", ".yaml");
            Files.writeString(file, text());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ProjectConfig set(String path, Object value, boolean mustExist) {
        ObjectNode copy = tree.deepCopy();
        ObjectNode parent = parent(copy, path);
        String key = last(path);
        if (mustExist != parent.has(key)) {
            throw new IllegalArgumentException(mustExist
                    ? "config/unified_loop.yaml has no " + path + " to change: did the key move? (to add one, use adding)"
                    : "config/unified_loop.yaml has " + path + " already: change it with with()");
        }
        parent.set(key, value instanceof List<?> list ? YAML.valueToTree(list) : YAML.valueToTree(value));
        return new ProjectConfig(copy);
    }

    private static ObjectNode parent(ObjectNode root, String path) {
        String[] names = path.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < names.length - 1; i++) {
            JsonNode child = node.get(names[i]);
            if (!(child instanceof ObjectNode object)) {
                throw new IllegalArgumentException("config/unified_loop.yaml has no section " + String.join(".",
                        java.util.Arrays.copyOf(names, i + 1)) + " (for " + path + ")");
            }
            node = object;
        }
        return node;
    }

    private static String last(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }
}
