package ai.ringrift.slurm.recordings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The answers recorded from the real slurmrestd, as this jar ships them: one WireMock mapping per
 * answer, under {@code slurmrestd/<version>/mappings/<name>.json}, for every data parser version
 * the SDK speaks (listed in {@code slurmrestd/versions.txt}; VersionTableTest holds it to the version
 * table). Read them to build answers of your own from real ones (a recorded job with another id, a
 * list of many jobs); the test kit serves them.
 */
public final class Recordings {

    /** The data parser versions recordings are kept for, oldest first: every one the SDK speaks. */
    public static final List<String> VERSIONS = versions();

    private static final ObjectMapper JSON = new ObjectMapper();

    private Recordings() {}

    private static List<String> versions() {
        try (InputStream in = Recordings.class.getClassLoader().getResourceAsStream("slurmrestd/versions.txt")) {
            if (in == null) {
                throw new IllegalStateException("slurmrestd/versions.txt is missing from the recordings jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The WireMock mapping of a recording as its JSON text (for {@code StubMapping.buildFrom}). */
    public static String mappingText(String version, String name) {
        return mapping(version, name).toString();
    }

    /** Whether {@code version} has a recording of that name. */
    public static boolean exists(String version, String name) {
        Objects.requireNonNull(version, "version == null");
        Objects.requireNonNull(name, "name == null");
        return Recordings.class.getClassLoader().getResource("slurmrestd/" + version + "/mappings/" + name + ".json") != null;
    }

    /** The whole WireMock mapping of a recording: {@code request} and {@code response}. */
    public static JsonNode mapping(String version, String name) {
        Objects.requireNonNull(version, "version == null");
        Objects.requireNonNull(name, "name == null");
        String path = "slurmrestd/" + version + "/mappings/" + name + ".json";
        try (InputStream in = Recordings.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no recording '" + name + "' for " + version + " (looked for " + path
                        + "); the directory slurmrestd/" + version + "/mappings of the recordings jar holds them");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("recording " + path + " cannot be read", e);
        }
    }

    /** The recorded answer's JSON body. */
    public static JsonNode body(String version, String name) {
        return mapping(version, name).path("response").path("jsonBody");
    }

    /**
     * The job a recording is about: the id in its answer (a submit's {@code job_id}, the first
     * job's {@code job_id}), else the last segment of the path it answered ({@code /job/ID}).
     */
    public static long jobId(String version, String name) {
        JsonNode mapping = mapping(version, name);
        JsonNode body = mapping.path("response").path("jsonBody");
        if (body.path("job_id").canConvertToLong() && body.path("job_id").asLong() > 0) {
            return body.path("job_id").asLong();
        }
        JsonNode first = body.path("jobs").path(0).path("job_id");
        if (first.isIntegralNumber() || (first.isTextual() && first.asText().matches("\\d+"))) {
            return first.asLong();
        }
        String path = mapping.path("request").path("urlPath").asText();
        String last = path.substring(path.lastIndexOf('/') + 1);
        if (!last.matches("\\d+")) {
            throw new IllegalArgumentException("recording '" + name + "' for " + version + " is about no one job (" + path + ")");
        }
        return Long.parseLong(last);
    }

    /** The recorded answer's HTTP status. */
    public static int status(String version, String name) {
        return mapping(version, name).path("response").path("status").asInt();
    }
}
