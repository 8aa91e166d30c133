package ai.ringrift.slurm.backend.config;

import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.rest.SlurmUsageException;

import ai.ringrift.slurm.backend.WorkType;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Reads unified_loop.yaml: {@code execution_backend} and the {@code slurm:} block. Every problem
 * is a {@link ConfigException} naming the file, the key and its line. Other top-level blocks belong
 * to the rest of the loop and are left alone; an unknown key inside {@code slurm:} is an error.
 *
 * <p>The connection can be overridden from the environment: SLURM_REST_URL, SLURM_REST_USER,
 * SLURM_JWT_KEY_FILE, SLURM_TOKEN_FILE, SLURM_JWT (use the SLURM_JWT variable), SLURM_CA_FILE, and
 * for {@code slurm.rest.oidc} the SLURM_OIDC_* variables of {@link OidcSettings} (SLURM_OIDC_ISSUER or
 * SLURM_OIDC_TOKEN_URL makes OIDC the token source).
 */
public final class ConfigLoader {

    private static final Pattern SIGNAL = Pattern.compile("^(SIG)?[A-Z0-9]+$");

    private static final Set<String> SLURM_KEYS = Set.of("enabled", "work_types", "rest", "account", "qos", "job_dir", "log_dir",
            "shared_root", "repo_dir", "venv_activate", "venv_activate_arm64", "container_runtime",
            "container_image_x86_64", "container_image_arm64", "training_warning_signal", "training_warning_seconds",
            "max_array_size", "selfplay_throttle", "cancel_on_close", "poll_interval_min", "poll_interval_max",
            "partition_training", "partition_selfplay", "partition_tournament",
            "default_time_training", "default_time_selfplay", "default_time_tournament",
            "gpus_training", "gpus_selfplay", "gpus_tournament", "cpus_training", "cpus_selfplay", "cpus_tournament",
            "mem_training", "mem_selfplay", "mem_tournament", "requeue_training", "requeue_selfplay", "requeue_tournament",
            "nodes_training", "training_launcher", "training_rendezvous_port");
    private static final Set<String> REST_KEYS = Set.of("url", "user", "jwt_key_file", "token_lifespan", "token_file",
            "token_env", "ca_file", "api_version", "max_in_flight", "submit_timeout", "submit_settle", "oidc");
    private static final Set<String> OIDC_KEYS = Set.of("issuer", "token_url", "client_id", "client_secret_file",
            "private_key_file", "key_id", "scope", "audience", "user_claim", "ca_file");

    private final Path file;
    private final Map<String, Integer> lines;
    private final JsonNode root;
    private final UnaryOperator<String> env;

    private ConfigLoader(Path file, JsonNode root, Map<String, Integer> lines, UnaryOperator<String> env) {
        this.file = file;
        this.root = root;
        this.lines = lines;
        this.env = env;
    }

    /** Reads {@code file}, with connection overrides from the process environment. */
    public static LoopConfig load(Path file) {
        return load(file, System::getenv);
    }

    public static LoopConfig load(Path file, UnaryOperator<String> env) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file, "(file)", 0, "cannot be read: " + e.getMessage());
        }
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode root;
        Map<String, Integer> lines = new HashMap<>();
        try {
            root = yaml.readTree(text);
            try (JsonParser parser = yaml.getFactory().createParser(text)) {
                Deque<String> path = new ArrayDeque<>();
                Deque<Boolean> named = new ArrayDeque<>(); // did this object open under a key?
                String pending = null;
                JsonToken token;
                while ((token = parser.nextToken()) != null) {
                    switch (token) {
                        case FIELD_NAME -> {
                            pending = parser.currentName();
                            String full = path.isEmpty() ? pending : String.join(".", reversed(path)) + "." + pending;
                            lines.putIfAbsent(full, parser.currentLocation().getLineNr());
                        }
                        case START_OBJECT -> {
                            named.push(pending != null);
                            if (pending != null) {
                                path.push(pending);
                            }
                            pending = null;
                        }
                        case END_OBJECT -> {
                            if (!named.isEmpty() && named.pop()) {
                                path.pop();
                            }
                        }
                        default -> pending = null;
                    }
                }
            }
        } catch (IOException e) {
            String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null
                    ? ":" + jpe.getLocation().getLineNr() : "";
            throw new ConfigException(file, "(yaml)", 0, "is not valid YAML" + where + ": "
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(file, "(top level)", 0, "the file must be a YAML mapping with execution_backend and slurm");
        }
        return new ConfigLoader(file, root, lines, env).parse();
    }

    private static Iterable<String> reversed(Deque<String> path) {
        return path::descendingIterator;
    }

    private LoopConfig parse() {
        LoopConfig.ExecutionBackend backend = executionBackend();
        JsonNode slurm = root.get("slurm");
        if (slurm == null || slurm.isNull()) {
            if (backend == LoopConfig.ExecutionBackend.SLURM) {
                throw fail("slurm", "is missing; execution_backend is slurm, so the slurm: block is required");
            }
            return new LoopConfig(backend, null);
        }
        if (!slurm.isObject()) {
            throw fail("slurm", "must be a mapping of settings");
        }
        unknownKeys(slurm, "slurm", SLURM_KEYS);
        boolean enabled = bool(slurm, "enabled", true);
        if (backend == LoopConfig.ExecutionBackend.LOCAL || (backend == LoopConfig.ExecutionBackend.AUTO && !enabled)) {
            return new LoopConfig(backend, null);
        }

        Set<WorkType> moved = workTypes(slurm);
        Map<WorkType, WorkTypeSettings> types = new EnumMap<>(WorkType.class);
        types.put(WorkType.TRAINING, workType(slurm, WorkType.TRAINING, 1, 16, "64G", "08:00:00", true, moved));
        types.put(WorkType.SELFPLAY, workType(slurm, WorkType.SELFPLAY, 0, 8, "16G", "02:00:00", false, moved));
        types.put(WorkType.TOURNAMENT, workType(slurm, WorkType.TOURNAMENT, 0, 8, "16G", "02:00:00", false, moved));

        Path sharedRoot = absolutePath(slurm, "shared_root", null);
        Path repoDir = absolutePath(slurm, "repo_dir", sharedRoot.toString());
        Path jobDir = absolutePath(slurm, "job_dir", sharedRoot.resolve("slurm/jobs").toString());
        Path logDir = absolutePath(slurm, "log_dir", sharedRoot.resolve("slurm/logs").toString());

        ContainerRuntime runtime = containerRuntime(slurm);
        String imageX86 = text(slurm, "container_image_x86_64", null);
        String imageArm = text(slurm, "container_image_arm64", null);
        if (runtime != ContainerRuntime.NONE && imageX86 == null && imageArm == null) {
            throw fail("slurm.container_runtime", "is " + runtime.name().toLowerCase()
                    + " but neither container_image_x86_64 nor container_image_arm64 is set");
        }
        String signal = text(slurm, "training_warning_signal", null);
        if (signal != null && !SIGNAL.matcher(signal).matches()) {
            throw fail("slurm.training_warning_signal", "'" + signal + "' is not a signal name such as USR1");
        }
        int warningSeconds = count(slurm, "training_warning_seconds", 300);
        Duration pollMin = duration(slurm, "poll_interval_min", "2s");
        Duration pollMax = duration(slurm, "poll_interval_max", "60s");
        if (pollMax.compareTo(pollMin) < 0) {
            throw fail("slurm.poll_interval_max", "must not be shorter than poll_interval_min");
        }
        int maxArray = count(slurm, "max_array_size", 1001);
        if (maxArray < 1) {
            throw fail("slurm.max_array_size", "must be at least 1");
        }
        int nodesTraining = nodesTraining(slurm);
        TrainingLauncher launcher = trainingLauncher(slurm);
        int rendezvousPort = rendezvousPort(slurm);
        return new LoopConfig(backend, new SlurmSettings(enabled, moved, rest(slurm.get("rest")), text(slurm, "account", null),
                text(slurm, "qos", null), types, sharedRoot, repoDir, jobDir, logDir, text(slurm, "venv_activate", null),
                text(slurm, "venv_activate_arm64", null), runtime, imageX86, imageArm, signal, warningSeconds, maxArray,
                count(slurm, "selfplay_throttle", 8), bool(slurm, "cancel_on_close", true), pollMin, pollMax, nodesTraining,
                launcher, rendezvousPort));
    }

    /** {@code slurm.nodes_training}: a whole number of nodes, at least 1 (the default: single-node training). */
    private int nodesTraining(JsonNode slurm) {
        JsonNode value = slurm.get("nodes_training");
        if (value == null || value.isNull()) {
            return 1;
        }
        String fix = "give the nodes each training job runs on: a whole number, 1 (one node, the default) or more";
        if (!value.isIntegralNumber()) {
            throw fail("slurm.nodes_training", "'" + value.asText() + "' is not a whole number; " + fix);
        }
        if (value.asLong() < 1) {
            throw fail("slurm.nodes_training", "must be at least 1, not " + value.asText() + "; " + fix);
        }
        if (value.asLong() > Integer.MAX_VALUE) {
            throw fail("slurm.nodes_training", value.asText() + " is too large; " + fix);
        }
        return value.asInt();
    }

    private TrainingLauncher trainingLauncher(JsonNode slurm) {
        String text = text(slurm, "training_launcher", "python3");
        for (TrainingLauncher l : TrainingLauncher.values()) {
            if (l.key().equals(text)) {
                return l;
            }
        }
        throw fail("slurm.training_launcher", "'" + text + "' is not python3 or torchrun");
    }

    /** {@code slurm.training_rendezvous_port}: where the nodes of a multi-node training job meet, on its first node. */
    private int rendezvousPort(JsonNode slurm) {
        JsonNode value = slurm.get("training_rendezvous_port");
        if (value == null || value.isNull()) {
            return 29500;
        }
        if (!value.isIntegralNumber() || value.asLong() < 1 || value.asLong() > 65535) {
            throw fail("slurm.training_rendezvous_port", "'" + value.asText() + "' is not a TCP port; give one from 1 to 65535 "
                    + "that is free on the training nodes (the default is 29500, torchrun's own)");
        }
        return value.asInt();
    }

    private LoopConfig.ExecutionBackend executionBackend() {
        JsonNode node = root.get("execution_backend");
        if (node == null) {
            throw fail("execution_backend", "is missing; set it to slurm, auto or local");
        }
        try {
            return LoopConfig.ExecutionBackend.valueOf(node.asText().trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw fail("execution_backend", "'" + node.asText() + "' is not one of slurm, auto, local");
        }
    }

    private RestSettings rest(JsonNode rest) {
        if (rest != null && !rest.isNull()) {
            if (!rest.isObject()) {
                throw fail("slurm.rest", "must be a mapping with url, user and a token source");
            }
            unknownKeys(rest, "slurm.rest", REST_KEYS);
        } else {
            rest = new ObjectMapper().createObjectNode();
        }
        String url = override("SLURM_REST_URL", text(rest, "url", null, "slurm.rest"));
        if (url == null) {
            throw fail("slurm.rest.url", "is missing; set it like http://HOST:6820 (or export SLURM_REST_URL)");
        }
        if (!url.matches("^https?://[^/\\s:]+(:\\d+)?(/.*)?$")) {
            throw fail("slurm.rest.url", "'" + url + "' is not an http:// or https:// URL like http://HOST:6820");
        }
        String user = override("SLURM_REST_USER", text(rest, "user", null, "slurm.rest"));
        // The token source is one setting: one given in the environment replaces the file's, whichever it is.
        String envKeyFile = blankToNull(env.apply("SLURM_JWT_KEY_FILE"));
        String envTokenFile = blankToNull(env.apply("SLURM_TOKEN_FILE"));
        boolean envTokenEnv = "true".equalsIgnoreCase(env.apply("SLURM_JWT_FROM_ENV"));
        boolean envOidc = blankToNull(env.apply("SLURM_OIDC_ISSUER")) != null || blankToNull(env.apply("SLURM_OIDC_TOKEN_URL")) != null;
        int fromEnv = (envKeyFile != null ? 1 : 0) + (envTokenFile != null ? 1 : 0) + (envTokenEnv ? 1 : 0) + (envOidc ? 1 : 0);
        if (fromEnv > 1) {
            throw new ConfigException(file, "(environment)", 0, "sets more than one token source (SLURM_JWT_KEY_FILE, "
                    + "SLURM_TOKEN_FILE, SLURM_JWT_FROM_ENV=true, SLURM_OIDC_ISSUER / SLURM_OIDC_TOKEN_URL); keep one");
        }
        JsonNode oidcNode = rest.get("oidc");
        if (oidcNode != null && !oidcNode.isNull() && !oidcNode.isObject()) {
            throw fail("slurm.rest.oidc", "must be a mapping with issuer (or token_url), client_id and client_secret_file");
        }
        boolean fileOidc = oidcNode != null && oidcNode.isObject() && !oidcNode.isEmpty();
        String keyFile;
        String tokenFile;
        boolean tokenEnv;
        boolean useOidc;
        if (fromEnv == 1) {
            keyFile = envKeyFile;
            tokenFile = envTokenFile;
            tokenEnv = envTokenEnv;
            useOidc = envOidc;
        } else {
            keyFile = text(rest, "jwt_key_file", null, "slurm.rest");
            tokenFile = text(rest, "token_file", null, "slurm.rest");
            tokenEnv = bool(rest, "token_env", false, "slurm.rest");
            useOidc = fileOidc;
            int sources = (keyFile != null ? 1 : 0) + (tokenFile != null ? 1 : 0) + (tokenEnv ? 1 : 0) + (useOidc ? 1 : 0);
            if (sources == 0) {
                throw fail("slurm.rest", "has no token source; set one of oidc, jwt_key_file, token_file or token_env: true");
            }
            if (sources > 1) {
                throw fail("slurm.rest", "has more than one token source; keep one of oidc, jwt_key_file, token_file, token_env");
            }
        }
        OidcSettings oidc = useOidc ? oidc(fileOidc ? oidcNode : new ObjectMapper().createObjectNode()) : null;
        if (keyFile != null && user == null) {
            throw fail("slurm.rest.user", "is needed to mint tokens from jwt_key_file: the user the jobs run as");
        }
        Duration lifespan = duration(rest, "token_lifespan", "30m", "slurm.rest");
        String ca = override("SLURM_CA_FILE", text(rest, "ca_file", null, "slurm.rest"));
        String apiSetting = override("SLURM_REST_API_VERSION", text(rest, "api_version", "auto", "slurm.rest")).trim();
        ApiVersion apiVersion;
        try {
            apiVersion = ApiVersion.fromSetting(apiSetting);
        } catch (SlurmUsageException e) {
            throw fail("slurm.rest.api_version", "'" + apiSetting + "' is not auto or one of the versions this client speaks ("
                    + ApiVersion.supported().stream().map(ApiVersion::text).collect(java.util.stream.Collectors.joining(", ")) + ")");
        }
        int maxInFlight = count(rest, "slurm.rest", "max_in_flight", 16);
        if (maxInFlight == 0) {
            throw fail("slurm.rest.max_in_flight", "must be at least 1 (requests this service may have at slurmrestd at once)");
        }
        Duration submitTimeout = duration(rest, "submit_timeout", "5m", "slurm.rest");
        Duration submitSettle = duration(rest, "submit_settle", "30s", "slurm.rest");
        return new RestSettings(url, user, keyFile == null ? null : Path.of(keyFile), lifespan,
                tokenFile == null ? null : Path.of(tokenFile), tokenEnv, ca == null ? null : Path.of(ca), apiVersion, maxInFlight,
                submitTimeout, submitSettle, oidc);
    }

    /** {@code slurm.rest.oidc}, each key overridden by its SLURM_OIDC_* variable. */
    private OidcSettings oidc(JsonNode o) {
        String at = "slurm.rest.oidc";
        unknownKeys(o, at, OIDC_KEYS);
        URI issuer = httpUrl(at + ".issuer", override("SLURM_OIDC_ISSUER", text(o, "issuer", null, at)));
        URI tokenUrl = httpUrl(at + ".token_url", override("SLURM_OIDC_TOKEN_URL", text(o, "token_url", null, at)));
        if (issuer == null && tokenUrl == null) {
            throw fail(at, "needs issuer (the provider's issuer URL; its discovery document gives the token endpoint) "
                    + "or token_url (or export SLURM_OIDC_ISSUER)");
        }
        String clientId = override("SLURM_OIDC_CLIENT_ID", text(o, "client_id", null, at));
        if (clientId == null) {
            throw fail(at + ".client_id", "is missing: the client this service is at the provider (or export SLURM_OIDC_CLIENT_ID)");
        }
        String secret = override("SLURM_OIDC_CLIENT_SECRET_FILE", text(o, "client_secret_file", null, at));
        String key = override("SLURM_OIDC_PRIVATE_KEY_FILE", text(o, "private_key_file", null, at));
        if ((secret == null) == (key == null)) {
            throw fail(at, secret == null
                    ? "needs client_secret_file (a file holding the client secret, mode 600) or private_key_file (a PKCS#8 PEM key for a private-key JWT)"
                    : "has both client_secret_file and private_key_file; keep one");
        }
        String ca = text(o, "ca_file", null, at);
        return new OidcSettings(issuer, tokenUrl, clientId, secret == null ? null : Path.of(secret),
                key == null ? null : Path.of(key), text(o, "key_id", null, at),
                override("SLURM_OIDC_SCOPE", text(o, "scope", null, at)), override("SLURM_OIDC_AUDIENCE", text(o, "audience", null, at)),
                override("SLURM_OIDC_USER_CLAIM", text(o, "user_claim", null, at)), ca == null ? null : Path.of(ca));
    }

    private URI httpUrl(String key, String value) {
        if (value == null) {
            return null;
        }
        if (!value.matches("^https?://[^/\\s:]+(:\\d+)?(/.*)?$")) {
            throw fail(key, "'" + value + "' is not an http:// or https:// URL like https://idp.example.org/realms/hpc");
        }
        return URI.create(value);
    }

    /** {@code slurm.work_types}: the work types moved to Slurm (default all three; the design's phase 1 is [training]). */
    private Set<WorkType> workTypes(JsonNode slurm) {
        JsonNode node = slurm.get("work_types");
        if (node == null || node.isNull()) {
            return EnumSet.allOf(WorkType.class);
        }
        String known = "training, selfplay or tournament";
        if (!node.isArray() || node.isEmpty()) {
            throw fail("slurm.work_types", "must be a list of " + known + ", e.g. [training] (phase 1) or "
                    + "[training, tournament, selfplay]; leave it out to move all three");
        }
        Set<WorkType> moved = EnumSet.noneOf(WorkType.class);
        for (JsonNode item : node) {
            WorkType type = java.util.Arrays.stream(WorkType.values()).filter(t -> t.key().equals(item.asText()))
                    .findFirst().orElseThrow(() -> fail("slurm.work_types", "'" + item.asText() + "' is not " + known));
            if (!moved.add(type)) {
                throw fail("slurm.work_types", "names " + type.key() + " twice");
            }
        }
        return moved;
    }

    private WorkTypeSettings workType(JsonNode slurm, WorkType type, int gpus, int cpus, String mem, String time,
            boolean requeue, Set<WorkType> moved) {
        String k = type.key();
        String partition = text(slurm, "partition_" + k, null);
        if (partition == null && moved.contains(type)) {
            throw fail("slurm.partition_" + k, "is missing; name the partition " + k + " jobs go to"
                    + " (or leave " + k + " out of slurm.work_types to keep it on the default backend)");
        }
        return new WorkTypeSettings(partition, count(slurm, "gpus_" + k, gpus), positive(slurm, "cpus_" + k, cpus),
                memory(slurm, "mem_" + k, mem), time(slurm, "default_time_" + k, time), bool(slurm, "requeue_" + k, requeue));
    }

    // ------------------------------------------------------------ value readers

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private String override(String variable, String fromFile) {
        String value = env.apply(variable);
        return value != null && !value.isBlank() ? value.trim() : fromFile;
    }

    /**
     * "; did you mean gpus_training?" for the known keys nearest a misspelt one (at most two edits
     * apart, or sharing its words), else the whole list: a typo gets a pointer, not 39 keys.
     */
    static String suggestion(String name, Set<String> known) {
        List<String> near = new java.util.ArrayList<>();
        int best = Integer.MAX_VALUE;
        for (String k : new TreeSet<>(known)) {
            int d = editDistance(name, k);
            if (d < best) {
                best = d;
                near.clear();
            }
            if (d == best) {
                near.add(k);
            }
        }
        if (best > 2) {
            Set<String> words = Set.of(name.split("_"));
            near = new TreeSet<>(known).stream().filter(k -> words.containsAll(Set.of(k.split("_")))
                    || Set.of(k.split("_")).containsAll(words)).toList();
        }
        if (near.isEmpty() || near.size() > 3) {
            return "; known keys: " + new TreeSet<>(known);
        }
        return "; did you mean " + String.join(" or ", near) + "?";
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private void unknownKeys(JsonNode node, String prefix, Set<String> known) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw fail(prefix + "." + name, "is not a known key" + suggestion(name, known));
            }
        }
    }

    private String text(JsonNode node, String key, String fallback) {
        return text(node, key, fallback, "slurm");
    }

    private String text(JsonNode node, String key, String fallback, String prefix) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isValueNode()) {
            throw fail(prefix + "." + key, "must be a single value, not a " + (value.isArray() ? "list" : "mapping"));
        }
        String text = value.asText().trim();
        return text.isEmpty() ? fallback : text;
    }

    private boolean bool(JsonNode node, String key, boolean fallback) {
        return bool(node, key, fallback, "slurm");
    }

    private boolean bool(JsonNode node, String key, boolean fallback, String prefix) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw fail(prefix + "." + key, "'" + value.asText() + "' is not true or false");
        }
        return value.booleanValue();
    }

    private int count(JsonNode node, String key, int fallback) {
        return count(node, "slurm", key, fallback);
    }

    private int count(JsonNode node, String prefix, String key, int fallback) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber()) {
            throw fail(prefix + "." + key, "'" + value.asText() + "' is not a whole number");
        }
        if (value.asLong() < 0) {
            throw fail(prefix + "." + key, "must not be negative (" + value.asText() + ")");
        }
        if (value.asLong() > Integer.MAX_VALUE) {
            throw fail(prefix + "." + key, value.asText() + " is too large");
        }
        return value.asInt();
    }

    private int positive(JsonNode node, String key, int fallback) {
        int n = count(node, key, fallback);
        if (n == 0) {
            throw fail("slurm." + key, "must be at least 1");
        }
        return n;
    }

    private long memory(JsonNode node, String key, String fallback) {
        try {
            return SlurmUnits.memoryMb(text(node, key, fallback));
        } catch (IllegalArgumentException e) {
            throw fail("slurm." + key, e.getMessage());
        }
    }

    private Duration time(JsonNode node, String key, String fallback) {
        try {
            return SlurmUnits.time(text(node, key, fallback));
        } catch (IllegalArgumentException e) {
            throw fail("slurm." + key, e.getMessage());
        }
    }

    private Duration duration(JsonNode node, String key, String fallback) {
        return duration(node, key, fallback, "slurm");
    }

    private Duration duration(JsonNode node, String key, String fallback, String prefix) {
        String text = text(node, key, fallback, prefix);
        try {
            return SlurmUnits.duration(text);
        } catch (IllegalArgumentException e) {
            throw fail(prefix + "." + key, e.getMessage());
        }
    }

    private Path absolutePath(JsonNode node, String key, String fallback) {
        String text = text(node, key, fallback);
        if (text == null) {
            throw fail("slurm." + key, "is missing; give the directory on the shared filesystem");
        }
        if (!text.startsWith("/")) {
            throw fail("slurm." + key, "'" + text + "' must be an absolute path (the same on every node)");
        }
        return Path.of(text);
    }

    private ContainerRuntime containerRuntime(JsonNode slurm) {
        String text = text(slurm, "container_runtime", "none");
        try {
            return ContainerRuntime.valueOf(text.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw fail("slurm.container_runtime", "'" + text + "' is not one of none, apptainer, singularity, pyxis");
        }
    }

    private ConfigException fail(String key, String problem) {
        return new ConfigException(file, key, lines.getOrDefault(key, 0), problem);
    }
}
