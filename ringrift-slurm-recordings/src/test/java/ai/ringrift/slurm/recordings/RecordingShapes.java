package ai.ringrift.slurm.recordings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Recordings compared by shape, not content: the request's method and path (ids and numbers set
 * aside), the answer's status and Content-Type, and its JSON's field names and types (an array's
 * elements merged; a null, or an empty array, matches any). Ids, times and counts may differ; a
 * field that appeared, vanished or changed its type may not.
 */
final class RecordingShapes {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordingShapes() {}

    /** One line per difference between each recording in {@code recorded} and its namesake in {@code committed}. */
    static List<String> differences(String version, Path recorded, Path committed) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(recorded)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                String name = file.getFileName().toString().replace(".json", "");
                Path theirs = committed.resolve(file.getFileName());
                if (!Files.exists(theirs)) {
                    out.add(version + " " + name + ": recorded, but not committed (record again: scripts/record-answers.sh)");
                    continue;
                }
                compare(version + " " + name, JSON.readTree(theirs.toFile()), JSON.readTree(file.toFile()), out);
            }
        }
        return out;
    }

    static void compare(String what, JsonNode committed, JsonNode recorded, List<String> out) {
        same(what, "request.method", committed.path("request").path("method").asText(), recorded.path("request").path("method").asText(), out);
        same(what, "request.urlPath", route(committed.path("request").path("urlPath").asText()),
                route(recorded.path("request").path("urlPath").asText()), out);
        same(what, "response.status", committed.path("response").path("status").asText(), recorded.path("response").path("status").asText(), out);
        same(what, "Content-Type", committed.path("response").path("headers").path("Content-Type").asText("(none)"),
                recorded.path("response").path("headers").path("Content-Type").asText("(none)"), out);
        Map<String, String> a = new TreeMap<>();
        Map<String, String> b = new TreeMap<>();
        shape("", committed.path("response").path("jsonBody"), a);
        shape("", recorded.path("response").path("jsonBody"), b);
        for (String path : a.keySet()) {
            if (!b.containsKey(path)) {
                out.add(what + ": " + path + " (" + a.get(path) + ") is gone");
            } else if (!compatible(a.get(path), b.get(path))) {
                out.add(what + ": " + path + " was " + a.get(path) + ", is " + b.get(path));
            }
        }
        for (String path : b.keySet()) {
            if (!a.containsKey(path) && !covered(path, a)) {
                out.add(what + ": " + path + " (" + b.get(path) + ") is new");
            }
        }
    }

    private static boolean compatible(String a, String b) {
        return a.equals(b) || a.equals("null") || b.equals("null") || (a.startsWith("array") && b.startsWith("array"));
    }

    /** A path under an array that was empty (or a null) on the other side is not a difference. */
    private static boolean covered(String path, Map<String, String> other) {
        for (Map.Entry<String, String> e : other.entrySet()) {
            if (path.startsWith(e.getKey()) && (e.getValue().equals("null") || e.getValue().equals("array(empty)"))) {
                return true;
            }
        }
        return false;
    }

    private static void same(String what, String field, String a, String b, List<String> out) {
        if (!a.equals(b)) {
            out.add(what + ": " + field + " was " + a + ", is " + b);
        }
    }

    /** /slurm/v0.0.45/job/123/requeue -> /slurm/v0.0.45/job/{n}/requeue */
    private static String route(String path) {
        return path.replaceAll("/\\d+(?=/|$)", "/{n}");
    }

    private static void shape(String at, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            out.put(at.isEmpty() ? "." : at, "object");
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                shape(at + "." + f.getKey(), f.getValue(), out);
            }
        } else if (node.isArray()) {
            out.put(at, node.isEmpty() ? "array(empty)" : "array");
            for (JsonNode element : node) {
                shape(at + "[]", element, out);
            }
        } else if (!node.isMissingNode()) {
            out.merge(at, node.isNull() ? "null" : node.isNumber() ? "number" : node.isBoolean() ? "boolean" : "string",
                    (x, y) -> x.equals("null") ? y : x);
        }
    }
}
