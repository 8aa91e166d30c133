package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.rest.SlurmUsageException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The table of data parser versions ({@code openapi/versions.json}, shipped in this jar): the
 * versions this SDK speaks with what differs on the wire, and which Slurm release serves which.
 * The one place those facts live; negotiation, error texts and the mapping read them here.
 */
public final class VersionTable {

    /** Where the table is on the class path (the build copies openapi/versions.json there). */
    static final String RESOURCE = "ai/ringrift/slurm/rest/versions.json";

    /** What one version does differently on the wire, as the SDK reads it. */
    public record Quirks(boolean controllerPathsArePatterns, boolean accountingHasExpandedPaths, boolean pingHasPinged,
            boolean requeue, boolean splitArrayRowsOwnId) {}

    /** A version this SDK speaks. */
    public record Entry(ApiVersion version, String specFile, String specGeneratedBy, Quirks quirks) {}

    /**
     * A Slurm release and the versions it serves.
     *
     * @param submitRefusalStatus the HTTP status it answers to a submission slurmctld refuses (0: not checked)
     */
    public record Release(String name, List<ApiVersion> serves, List<ApiVersion> deprecated, String localCluster,
            int submitRefusalStatus) {
        public boolean isLocal() {
            return !localCluster.isEmpty();
        }
    }

    private static final VersionTable TABLE = load();

    private final Map<ApiVersion, Entry> entries;
    private final List<Release> releases;

    private VersionTable(Map<ApiVersion, Entry> entries, List<Release> releases) {
        this.entries = entries;
        this.releases = releases;
    }

    public static VersionTable get() {
        return TABLE;
    }

    /** The versions this SDK speaks, oldest first. */
    public List<ApiVersion> spoken() {
        return List.copyOf(entries.keySet());
    }

    /** Newest first: the order negotiation tries them in. */
    public List<ApiVersion> newestFirst() {
        return entries.keySet().stream().sorted(Comparator.reverseOrder()).toList();
    }

    public Entry entry(ApiVersion version) {
        Entry e = entries.get(version);
        if (e == null) {
            throw new SlurmUsageException("API version '" + version + "' is not one this client speaks; use one of " + spoken());
        }
        return e;
    }

    /** The oldest version this SDK speaks whose quirks pass {@code test}. */
    public Optional<ApiVersion> oldestWith(java.util.function.Predicate<Quirks> test) {
        return entries.values().stream().filter(e -> test.test(e.quirks())).map(Entry::version).findFirst();
    }

    public List<Release> releases() {
        return releases;
    }

    /** Every version some release in the table serves, newest first (those this SDK does not speak too). */
    List<ApiVersion> known() {
        Set<ApiVersion> all = new TreeSet<>(Comparator.reverseOrder());
        all.addAll(entries.keySet());
        releases.forEach(r -> all.addAll(r.serves()));
        return List.copyOf(all);
    }

    /** The release a server reports ("26.05.5"), by its major.minor; empty when the table does not know it. */
    public Optional<Release> release(String slurmRelease) {
        if (slurmRelease == null || slurmRelease.isBlank()) {
            return Optional.empty();
        }
        return releases.stream().filter(r -> slurmRelease.equals(r.name()) || slurmRelease.startsWith(r.name() + "."))
                .findFirst();
    }

    /** The releases that serve {@code version}, oldest first. */
    public List<Release> servedBy(ApiVersion version) {
        return releases.stream().filter(r -> r.serves().contains(version)).toList();
    }

    /** "Slurm 24.11 to 26.05" for the releases in the table that serve {@code version}. */
    public String releasesServing(ApiVersion version) {
        List<Release> by = servedBy(version);
        if (by.isEmpty()) {
            return "no Slurm release in this client's table";
        }
        String first = by.get(0).name();
        String last = by.get(by.size() - 1).name();
        return first.equals(last) ? "Slurm " + first : "Slurm " + first + " to " + last;
    }

    /**
     * For a server that serves {@code served} (none of them spoken here): what would bring a
     * version in common. An older server: the first Slurm release that serves a version this
     * client speaks. A newer one: no Slurm release helps; a client that speaks one of its versions.
     */
    String whatWouldBringOne(List<ApiVersion> served) {
        ApiVersion oldestSpoken = spoken().get(0);
        if (!served.isEmpty() && served.stream().allMatch(v -> v.compareTo(oldestSpoken) < 0)) {
            Optional<Release> first = releases.stream().filter(r -> r.serves().stream().anyMatch(entries::containsKey))
                    .findFirst();
            return first.map(r -> "Slurm " + r.name() + " or later serves " + r.serves().stream()
                    .filter(entries::containsKey).map(ApiVersion::text).collect(Collectors.joining(", "))
                    + ": upgrade slurmrestd").orElse("no Slurm release in this client's table serves a version it speaks");
        }
        return "every version it serves is newer than the ones this client speaks: use a newer release of this SDK";
    }

    /** The versions this client speaks, each with the releases that serve it. */
    String describeSpoken() {
        return newestFirst().stream().map(v -> v + " (" + releasesServing(v) + ")").collect(Collectors.joining(", "));
    }

    // ------------------------------------------------------------------ loading

    private static VersionTable load() {
        try (InputStream in = VersionTable.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the SDK's version table " + RESOURCE + " is missing from its jar");
            }
            return parse(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("the SDK's version table " + RESOURCE + " cannot be read", e);
        }
    }

    static VersionTable parse(JsonNode root) {
        List<Release> releases = new ArrayList<>();
        for (JsonNode r : root.path("releases")) {
            releases.add(new Release(required(r, "release"), versions(r.path("serves")), versions(r.path("deprecated")),
                    r.path("localCluster").asText(""), r.path("submitRefusalStatus").asInt(0)));
        }
        Map<ApiVersion, Entry> entries = new LinkedHashMap<>();
        ApiVersion previous = null;
        for (JsonNode v : root.path("versions")) {
            ApiVersion version = ApiVersion.of(required(v, "version"));
            if (previous != null && version.compareTo(previous) <= 0) {
                throw new IllegalStateException("the version table lists " + version + " after " + previous + ": keep it oldest first");
            }
            previous = version;
            JsonNode q = v.path("quirks");
            Quirks quirks = new Quirks(
                    oneOf(q, "controllerOutputPaths", version, "resolved", "patterns").equals("patterns"),
                    oneOf(q, "accountingOutputPaths", version, "none", "expanded").equals("expanded"),
                    oneOf(q, "pingStatus", version, "pinged", "responding").equals("pinged"),
                    q.path("requeue").asBoolean(false), q.path("splitArrayRowsOwnId").asBoolean(false));
            if (releases.stream().noneMatch(r -> r.isLocal() && r.serves().contains(version))) {
                throw new IllegalStateException("the version table has no local release that serves " + version
                        + ": its answers could not be recorded or its real-cluster suites run");
            }
            entries.put(version, new Entry(version, required(v.path("spec"), "file"), required(v.path("spec"), "generatedBy"),
                    quirks));
        }
        if (entries.isEmpty()) {
            throw new IllegalStateException("the version table lists no version");
        }
        return new VersionTable(entries, List.copyOf(releases));
    }

    private static String required(JsonNode node, String field) {
        String s = node.path(field).asText("");
        if (s.isBlank()) {
            throw new IllegalStateException("the version table has an entry without '" + field + "': " + node);
        }
        return s;
    }

    private static String oneOf(JsonNode quirks, String field, ApiVersion version, String... allowed) {
        String value = quirks.path(field).asText("");
        for (String a : allowed) {
            if (a.equals(value)) {
                return value;
            }
        }
        throw new IllegalStateException("the version table's " + version + " quirk " + field + " is '" + value
                + "', not one of " + List.of(allowed));
    }

    private static List<ApiVersion> versions(JsonNode list) {
        List<ApiVersion> out = new ArrayList<>();
        list.forEach(n -> out.add(ApiVersion.of(n.asText())));
        return List.copyOf(out);
    }
}
