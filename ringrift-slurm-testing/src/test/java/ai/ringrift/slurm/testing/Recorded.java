package ai.ringrift.slurm.testing;

import ai.ringrift.slurm.rest.*;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Answers recorded from the real slurmrestd 24.11 (slurm-client's test resources). */
final class Recorded {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Answer(int status, String body) {}

    private Recorded() {}

    static JsonNode mapping(String name) {
        try (InputStream in = Recorded.class.getResourceAsStream("/slurmrestd/v0.0.40/mappings/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no recorded answer " + name);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Answer answer(String name) {
        JsonNode m = mapping(name);
        return new Answer(m.path("response").path("status").asInt(), m.path("response").path("jsonBody").toString());
    }

    /** The recorded /jobs/-shaped answer with its one job's id and comment replaced. */
    static String jobListWith(String name, long jobId, String comment) {
        ObjectNode body = (ObjectNode) mapping(name).path("response").path("jsonBody").deepCopy();
        ArrayNode jobs = (ArrayNode) body.path("jobs");
        ObjectNode job = (ObjectNode) jobs.get(0);
        job.put("job_id", jobId);
        job.put("comment", comment);
        return body.toString();
    }

    /** A recorded slurmdb answer with no jobs in it. */
    static String emptyAccounting() {
        ObjectNode body = (ObjectNode) mapping("slurmdb-job-completed").path("response").path("jsonBody").deepCopy();
        body.putArray("jobs");
        return body.toString();
    }
}
