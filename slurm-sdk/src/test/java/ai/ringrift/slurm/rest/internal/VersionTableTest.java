package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.*;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The version table (openapi/versions.json) against everything that must agree with it: the
 * pinned specs and the clients generated from them, the test kit's recordings, the scripts' reader
 * (scripts/lib/versions.sh) and the table in docs/versions.md. Adding a version to the table and
 * forgetting one of these fails here, saying which.
 */
class VersionTableTest {

    private static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    private static final VersionTable TABLE = VersionTable.get();

    @Test
    void theSpecDirectoryHoldsExactlyTheTablesSpecs_eachOfItsVersion() throws IOException {
        Set<String> listed = new TreeSet<>();
        for (ApiVersion v : TABLE.spoken()) {
            VersionTable.Entry e = TABLE.entry(v);
            listed.add(Path.of(e.specFile()).getFileName().toString());
            JsonNode spec = new ObjectMapper().readTree(ROOT.resolve("openapi").resolve(e.specFile()).toFile());
            assertThat(spec.path("paths").has("/slurm/" + v + "/ping/")).as("%s declares /slurm/%s/ping/", e.specFile(), v).isTrue();
            assertThat(spec.path("paths").fieldNames()).toIterable().allMatch(p -> p.contains("/" + v + "/"),
                    "every path of " + e.specFile() + " is under " + v);
        }
        try (Stream<Path> files = Files.list(ROOT.resolve("openapi/specs"))) {
            Set<String> found = files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
            assertThat(found).as("openapi/specs (slurm-client generates a client from every file there)").isEqualTo(listed);
        }
    }

    @Test
    void everyVersionHasAGeneratedClientAndRecordedAnswers_andNoOtherDoes() throws IOException {
        for (ApiVersion v : TABLE.spoken()) {
            String prefix = WireModelContractTest.prefix(v);
            assertThat(exists("ai.ringrift.slurm.client.model." + prefix + "JobInfo")).as("generated %sJobInfo", prefix).isTrue();
        }
        Path recordings = ROOT.resolve("ringrift-slurm-recordings/src/main/resources/slurmrestd");
        try (Stream<Path> dirs = Files.list(recordings)) {
            assertThat(dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList())
                    .as("the recordings, one directory per version").isEqualTo(TABLE.spoken().stream().map(ApiVersion::text).toList());
        }
        assertThat(ai.ringrift.slurm.recordings.Recordings.VERSIONS).as("the recordings' slurmrestd/versions.txt")
                .isEqualTo(TABLE.spoken().stream().map(ApiVersion::text).toList());
    }

    @Test
    void eachVersionsRecordedRefusalHasTheStatusTheTableGivesItsRelease() throws IOException {
        for (ApiVersion v : TABLE.spoken()) {
            VersionTable.Release recordedOn = recordedOn(v);
            JsonNode mapping = new ObjectMapper().readTree(ROOT.resolve("ringrift-slurm-recordings/src/main/resources/slurmrestd/" + v
                    + "/mappings/error-submit-unknown-partition.json").toFile());
            assertThat(mapping.path("response").path("status").asInt())
                    .as("%s's refused submit, recorded on Slurm %s", v, recordedOn.name()).isEqualTo(recordedOn.submitRefusalStatus());
            assertThat(mapping.path("metadata").path("recordedFrom").asText()).contains("slurmrestd " + recordedOn.name());
        }
    }

    @Test
    void theScriptsReadTheTableAsTheSdkDoes() throws Exception {
        assertThat(shell("versions_spoken")).isEqualTo(TABLE.spoken().stream().map(ApiVersion::text).toList());
        List<String> matrix = new ArrayList<>();
        for (VersionTable.Release r : TABLE.releases()) {
            if (r.isLocal()) {
                r.serves().stream().filter(ApiVersion::isSupported).forEach(v -> matrix.add(r.name() + " " + v));
            }
        }
        assertThat(shell("versions_matrix")).isEqualTo(matrix);
        for (ApiVersion v : TABLE.spoken()) {
            assertThat(shell("versions_recorded_on " + v)).containsExactly(recordedOn(v).name());
        }
    }

    @Test
    void docsVersionsMdHoldsTheTableAsTheSdkReadsIt() throws IOException {
        String expected = markdown();
        String doc = Files.readString(ROOT.resolve("docs/versions.md"));
        assertThat(doc).as("docs/versions.md must hold, between its version-table markers, exactly:%n%s", expected)
                .contains("<!-- version-table: generated from openapi/versions.json -->\n" + expected + "<!-- /version-table -->");
    }

    /** The table of docs/versions.md, written from the version table. */
    static String markdown() {
        StringBuilder md = new StringBuilder("| data parser | served by | pinned spec | what differs on the wire |\n|---|---|---|---|\n");
        for (ApiVersion v : TABLE.newestFirst()) {
            VersionTable.Entry e = TABLE.entry(v);
            VersionTable.Quirks q = e.quirks();
            List<String> notes = new ArrayList<>();
            notes.add(q.controllerPathsArePatterns() ? "job output paths are patterns, resolved in `stdout_expanded`"
                    : "job output paths resolved");
            notes.add(q.accountingHasExpandedPaths() ? "slurmdbd records carry output paths" : "slurmdbd records carry no output paths");
            notes.add(q.pingHasPinged() ? "ping says `pinged`" : "ping says `responding` only");
            if (q.requeue()) {
                notes.add("requeue served");
            }
            String deprecated = TABLE.releases().stream().filter(r -> r.deprecated().contains(v)).map(VersionTable.Release::name)
                    .collect(Collectors.joining(", "));
            md.append("| ").append(v).append(" | ").append(TABLE.releasesServing(v).replace("Slurm ", ""))
                    .append(deprecated.isEmpty() ? "" : " (deprecated in " + deprecated + ")").append(" | `")
                    .append(e.specFile()).append("`, from ").append(e.specGeneratedBy()).append(" | ")
                    .append(String.join("; ", notes)).append(" |\n");
        }
        return md.toString();
    }

    private static VersionTable.Release recordedOn(ApiVersion v) {
        List<VersionTable.Release> local = TABLE.servedBy(v).stream().filter(VersionTable.Release::isLocal).toList();
        return local.get(local.size() - 1);
    }

    private static List<String> shell(String function) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "source scripts/lib/versions.sh && " + function).directory(ROOT.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("bash: %s: %s", function, out).isZero();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    private static boolean exists(String className) {
        try {
            Class.forName(className);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
