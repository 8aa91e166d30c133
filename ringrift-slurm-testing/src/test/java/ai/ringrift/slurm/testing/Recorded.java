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
        return jobList(name, jobId, comment).toString();
    }

    /** {@link #jobListWith(String, long, String)}, submitted at {@code submitEpochSecond}. */
    static String jobListWith(String name, long jobId, String comment, long submitEpochSecond) {
        ObjectNode body = jobList(name, jobId, comment);
        ((ObjectNode) body.path("jobs").get(0)).putObject("submit_time").put("set", true).put("infinite", false)
                .put("number", submitEpochSecond);
        return body.toString();
    }

    private static ObjectNode jobList(String name, long jobId, String comment) {
        ObjectNode body = (ObjectNode) mapping(name).path("response").path("jsonBody").deepCopy();
        ObjectNode job = (ObjectNode) body.path("jobs").get(0);
        job.put("job_id", jobId);
        job.put("comment", comment);
        return body;
    }

    /** A /jobs/state/ answer with a pending row for each of these job ids. */
    static String statesOf(long... jobIds) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode jobs = body.putArray("jobs");
        for (long id : jobIds) {
            ObjectNode row = jobs.addObject();
            row.put("job_id", String.valueOf(id));
            row.putArray("state").add("PENDING");
        }
        body.putArray("errors");
        body.putArray("warnings");
        return body.toString();
    }

    /** A recorded slurmdb answer with no jobs in it. */
    static String emptyAccounting() {
        ObjectNode body = (ObjectNode) mapping("slurmdb-job-completed").path("response").path("jsonBody").deepCopy();
        body.putArray("jobs");
        return body.toString();
    }
}
