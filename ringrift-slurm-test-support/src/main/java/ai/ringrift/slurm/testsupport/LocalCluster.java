package ai.ringrift.slurm.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Assumptions;

/**
 * The local real Slurm cluster that {@code scripts/local-slurm.sh up} brings up, as the tests see it.
 *
 * <p>Its connection facts come from the file the script writes ({@code cluster.env}); the path is
 * {@code $RINGRIFT_SLURM_ENV_FILE}, else {@code $RINGRIFT_SLURM_HOME/cluster.env}, else that of the
 * release in {@code $RINGRIFT_SLURM_RELEASE}, in the home {@code scripts/local-slurm.sh home} names
 * ({@code /var/lib/ringrift-slurm} for 24.11, {@code /var/lib/ringrift-slurm-26.05} for 26.05). The one
 * reader of that file. A test that needs the cluster and cannot reach it
 * fails with a message that says how to start it. Only {@code RINGRIFT_SKIP_CLUSTER_TESTS=true},
 * set on purpose, turns that failure into a skip.
 *
 * <p>{@link #multiNode()} is the other instance: the cluster of several nodes that
 * {@code scripts/multi-node-cluster.sh} runs beside the default one (its own home, ports and network).
 */
public final class LocalCluster {

    public static final String SKIP_VARIABLE = "RINGRIFT_SKIP_CLUSTER_TESTS";

    private static volatile LocalCluster instance;
    private static volatile LocalCluster multiNode;

    private final URI restUrl;
    private final String clusterName;
    private final String user;
    private final String account;
    private final Path jwtKeyFile;
    private final Path sharedDir;
    private final Path rootDir;
    private final int minJobAgeSeconds;
    private final Map<String, String> facts;
    private final String script;

    private LocalCluster(Map<String, String> facts, Path envFile, String script) {
        this.facts = Map.copyOf(facts);
        this.script = script;
        this.restUrl = URI.create(need(facts, "SLURM_REST_URL", envFile));
        this.clusterName = need(facts, "SLURM_CLUSTER_NAME", envFile);
        this.user = need(facts, "SLURM_CLUSTER_USER", envFile);
        this.account = need(facts, "SLURM_CLUSTER_ACCOUNT", envFile);
        this.jwtKeyFile = Path.of(need(facts, "SLURM_JWT_KEY_FILE", envFile));
        this.sharedDir = Path.of(need(facts, "SLURM_SHARED_DIR", envFile));
        this.rootDir = Path.of(need(facts, "SLURM_CLUSTER_ROOT", envFile));
        this.minJobAgeSeconds = Integer.parseInt(need(facts, "SLURM_MIN_JOB_AGE", envFile));
    }

    /**
     * The project's checkout: RINGRIFT_PROJECT_ROOT or -Dproject.root when they name it (the build
     * sets both), else the nearest directory up from here that holds scripts/local-slurm.sh.
     */
    public static Path projectRoot() {
        String env = System.getenv("RINGRIFT_PROJECT_ROOT");
        for (String given : new String[] {env, System.getProperty("project.root")}) {
            if (given != null && !given.isBlank() && Files.exists(Path.of(given, "scripts", "local-slurm.sh"))) {
                return Path.of(given).toAbsolutePath().normalize();
            }
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("scripts/local-slurm.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the project's checkout (scripts/local-slurm.sh) from " + Path.of("").toAbsolutePath()
                + "; set RINGRIFT_PROJECT_ROOT");
    }

    /** The running local cluster; fails the calling test (or skips it, if asked to) when it is not up. */
    public static LocalCluster require() {
        LocalCluster cluster = instance;
        if (cluster == null) {
            synchronized (LocalCluster.class) {
                if (instance == null) {
                    instance = load();
                }
                cluster = instance;
            }
        }
        cluster.requireReachable();
        return cluster;
    }

    /**
     * The cluster of several nodes (scripts/multi-node-cluster.sh, for the release of
     * RINGRIFT_SLURM_RELEASE), brought up by this call when it is not up: its nodes are in
     * {@code SLURM_NODE_NAMES}, and {@link #exec}, {@link #up} and {@link #stop} act on it.
     */
    public static LocalCluster multiNode() {
        LocalCluster cluster = multiNode;
        if (cluster == null) {
            synchronized (LocalCluster.class) {
                if (multiNode == null) {
                    if ("true".equalsIgnoreCase(System.getenv(SKIP_VARIABLE))) {
                        Assumptions.abort(SKIP_VARIABLE + "=true: the multi-node cluster is not brought up");
                    }
                    try {
                        run(MULTI_NODE_SCRIPT, "up");
                        multiNode = load(Path.of(run(MULTI_NODE_SCRIPT, "home").strip(), "cluster.env"), MULTI_NODE_SCRIPT);
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException("scripts/multi-node-cluster.sh up failed: " + e.getMessage(), e);
                    }
                    if (!"multi".equals(multiNode.facts.get("SLURM_NODES"))) {
                        throw new IllegalStateException("the cluster of scripts/multi-node-cluster.sh is not multi-node (SLURM_NODES="
                                + multiNode.facts.get("SLURM_NODES") + " in its cluster.env); run scripts/multi-node-cluster.sh down, then up");
                    }
                }
                cluster = multiNode;
            }
        }
        cluster.requireReachable();
        return cluster;
    }

    private static final String DEFAULT_SCRIPT = "scripts/local-slurm.sh";
    private static final String MULTI_NODE_SCRIPT = "scripts/multi-node-cluster.sh";

    private static LocalCluster load() {
        return load(envFile(), DEFAULT_SCRIPT);
    }

    private static LocalCluster load(Path envFile, String script) {
        if (!Files.isReadable(envFile)) {
            unavailable("no cluster facts at " + envFile);
        }
        try {
            Map<String, String> facts = new LinkedHashMap<>();
            for (String line : Files.readAllLines(envFile, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#")) {
                    facts.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
            return new LocalCluster(facts, envFile, script);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + envFile + ": " + e.getMessage(), e);
        }
    }

    private static Path envFile() {
        String explicit = System.getenv("RINGRIFT_SLURM_ENV_FILE");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String home = System.getenv("RINGRIFT_SLURM_HOME");
        return Path.of(home != null && !home.isBlank() ? home : defaultHome(), "cluster.env");
    }

    /**
     * Where scripts/local-slurm.sh keeps the cluster of RINGRIFT_SLURM_RELEASE (24.11 by default), as
     * the script itself says ({@code local-slurm.sh home}): the one place that knows it.
     */
    private static String defaultHome() {
        try {
            return run(DEFAULT_SCRIPT, "home").strip();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("scripts/local-slurm.sh home failed: " + e.getMessage(), e);
        }
    }

    /** Runs the cluster's script (e.g. scripts/local-slurm.sh) with {@code args}, for the release of RINGRIFT_SLURM_RELEASE; its output. */
    private static String run(String script, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", projectRoot().resolve(script).toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(script + " " + String.join(" ", args) + " failed:\n" + out);
        }
        return out;
    }

    private void requireReachable() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(restUrl.getHost(), restUrl.getPort()), 2000);
        } catch (IOException e) {
            unavailable("slurmrestd does not answer at " + restUrl + " (" + e.getMessage() + ")");
        }
    }

    private static void unavailable(String why) {
        boolean skip = "true".equalsIgnoreCase(System.getenv(SKIP_VARIABLE));
        String message = "The local Slurm cluster is needed by this test, but " + why
                + ". Start it with: sudo scripts/local-slurm.sh up"
                + " (or set " + SKIP_VARIABLE + "=true to skip real-cluster tests on purpose).";
        if (skip) {
            Assumptions.abort(message);
        }
        throw new IllegalStateException(message);
    }

    private static String need(Map<String, String> facts, String key, Path file) {
        String value = facts.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException(file + " has no " + key + "; run scripts/local-slurm.sh up again");
        }
        return value;
    }

    /**
     * A JWT for {@code user}, signed with the cluster's HS256 key exactly as {@code scontrol token}
     * signs it (claims sun, iat, exp).
     */
    public String mintToken(String user, Duration lifespan, Clock clock) {
        Objects.requireNonNull(user, "user == null");
        long now = clock.instant().getEpochSecond();
        String header = base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        String payload = base64Url("{\"iat\":" + now + ",\"exp\":" + (now + lifespan.toSeconds())
                + ",\"sun\":\"" + user + "\"}");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Files.readAllBytes(jwtKeyFile), "HmacSHA256"));
            byte[] signature = mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the cluster's jwt key " + jwtKeyFile + ": " + e.getMessage(), e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** A token for the cluster's job user, valid for an hour. */
    public String userToken() {
        return mintToken(user, Duration.ofHours(1), Clock.systemUTC());
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Every fact of cluster.env, by its name there (SLURM_REST_URL, SLURM_JWT_KEY_FILE, ...). */
    public Map<String, String> facts() {
        return facts;
    }

    public URI restUrl() {
        return restUrl;
    }

    public String clusterName() {
        return clusterName;
    }

    public String user() {
        return user;
    }

    public String account() {
        return account;
    }

    public Path jwtKeyFile() {
        return jwtKeyFile;
    }

    /** The directory that plays the shared filesystem: the same path on this host and in the jobs. */
    public Path sharedDir() {
        return sharedDir;
    }

    public Path rootDir() {
        return rootDir;
    }

    public int minJobAgeSeconds() {
        return minJobAgeSeconds;
    }

    /**
     * Any other fact of cluster.env, e.g. {@code SLURM_CONTAINER_IMAGE} (the SIF the script built, in
     * the shared tree) and {@code SLURM_CONTAINER_IMAGE_ID} (what the image's
     * {@code SLURM_CONTAINER_IMAGE_FILE} holds); empty when the file has no such line.
     */
    public java.util.Optional<String> fact(String key) {
        return java.util.Optional.ofNullable(facts.get(key)).filter(v -> !v.isEmpty());
    }

    /**
     * Stops one daemon of the cluster (mariadb, slurmdbd, slurmctld, slurmd, slurmrestd; on the
     * multi-node cluster a node's slurmd is slurmd@NODE) and waits until it is gone.
     */
    public void stop(String daemon) throws Exception {
        Path pidFile = rootDir.getParent().resolve("run").resolve(daemon + ".pid");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle handle = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException(daemon + " is not running"));
        handle.destroy();
        handle.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Runs scripts/local-slurm.sh up: starts whatever is down. */
    public void up() throws IOException, InterruptedException {
        run(script, "up");
    }

    /**
     * Runs a command inside the cluster's root, as its administrator (e.g. {@code scontrol requeue
     * 42}), through {@code scripts/local-slurm.sh exec}: the one way tests reach into the cluster.
     * Its output; fails when the command does.
     */
    public String exec(String... command) throws IOException, InterruptedException {
        List<String> args = new java.util.ArrayList<>(List.of("exec"));
        args.addAll(List.of(command));
        return run(script, args.toArray(String[]::new));
    }

    @Override
    public String toString() {
        return "LocalCluster[" + restUrl + ", user=" + user + ", shared=" + sharedDir + "]";
    }
}
