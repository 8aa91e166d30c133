package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.client.v0040.model.V0040OpenapiJobInfoResp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;

/** The REST layer's parsing and writing, as the client does them, for the benchmark only. */
public final class BenchAccess {

    private static final ObjectMapper JSON = SlurmRestClient.objectMapper();

    private BenchAccess() {}

    /** A /jobs/ answer of {@code jobs} jobs: the job recorded on the real slurmrestd, repeated with new ids. */
    public static byte[] recordedJobsAnswer(int jobs) throws Exception {
        JsonNode recorded;
        try (InputStream in = BenchAccess.class.getResourceAsStream("/slurmrestd/v0.0.40/mappings/job-get-completed.json")) {
            recorded = JSON.readTree(in).path("response").path("jsonBody");
        }
        ObjectNode answer = recorded.deepCopy();
        ArrayNode list = answer.putArray("jobs");
        for (int i = 0; i < jobs; i++) {
            ObjectNode job = recorded.path("jobs").get(0).deepCopy();
            job.put("job_id", 1000 + i);
            list.add(job);
        }
        return JSON.writeValueAsBytes(answer);
    }

    /** Parses as the client does (generated models) and maps to the SDK's JobInfo; returns the count. */
    public static int parseJobs(byte[] answer) throws Exception {
        V0040OpenapiJobInfoResp parsed = JSON.readValue(answer, V0040OpenapiJobInfoResp.class);
        int n = 0;
        for (var job : parsed.getJobs()) {
            if (V0040Mapping.fromController(job).jobId() > 0) {
                n++;
            }
        }
        return n;
    }

    public static byte[] serialize(JobSubmission submission) throws Exception {
        return JSON.writeValueAsBytes(V0040Mapping.toRequest(submission, "ringrift-submit-key=bench"));
    }
}
