package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.recordings.Recordings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

/**
 * Answers recorded from the real servers (ringrift-slurm-recordings), for the SDK's WireMock tests:
 * v0.0.40's from Slurm 24.11 by default, any version's by name.
 */
final class Recorded {

    /** What most of these tests speak: the oldest version, as Slurm 24.11 answered it. */
    static final String VERSION = "v0.0.40";

    private static final ObjectMapper JSON = new ObjectMapper();

    record Answer(int status, String body) {}

    private Recorded() {}

    static JsonNode mapping(String name) {
        return Recordings.mapping(VERSION, name);
    }

    /** The recording as a WireMock stub, answering ahead of stubs of a larger {@code priority} number. */
    static StubMapping stub(String version, String name, int priority) {
        StubMapping mapping = StubMapping.buildFrom(Recordings.mappingText(version, name));
        mapping.setPriority(priority);
        return mapping;
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
