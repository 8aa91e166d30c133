package ai.ringrift.slurm.testing;

import ai.ringrift.slurm.rest.*;
import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.client.testing.GeneratedClients;
import ai.ringrift.slurm.client.v0040.model.V0040JobDescMsg;
import ai.ringrift.slurm.client.v0040.model.V0040JobInfo;
import ai.ringrift.slurm.client.v0040.model.V0040OpenapiJobInfoResp;
import ai.ringrift.slurm.client.v0040.model.V0040OpenapiJobSubmitResponse;
import ai.ringrift.slurm.client.v0040.model.V0040OpenapiNodesResp;
import ai.ringrift.slurm.client.v0040.model.V0040OpenapiPartitionResp;
import ai.ringrift.slurm.client.v0040.model.V0040OpenapiPingArrayResp;
import ai.ringrift.slurm.client.v0040.model.V0040OpenapiResp;
import ai.ringrift.slurm.client.v0040.model.V0040OpenapiSlurmdbdJobsResp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The generated models against answers recorded from the real slurmrestd 24.11
 * (src/test/resources/slurmrestd/v0.0.40/mappings), and against what later releases may send:
 * enum values and fields this spec does not know.
 */
class GeneratedModelToleranceTest {

    private static final ObjectMapper JSON = GeneratedClients.mapper();

    static JsonNode recorded(String name) throws IOException {
        try (InputStream in = GeneratedModelToleranceTest.class.getResourceAsStream(
                "/slurmrestd/v0.0.40/mappings/" + name + ".json")) {
            assertThat(in).as("recorded fixture %s", name).isNotNull();
            return JSON.readTree(in).path("response").path("jsonBody");
        }
    }

    static List<Object[]> everyRecordedAnswer() {
        return List.of(
                new Object[] {"ping", V0040OpenapiPingArrayResp.class},
                new Object[] {"partitions", V0040OpenapiPartitionResp.class},
                new Object[] {"nodes", V0040OpenapiNodesResp.class},
                new Object[] {"job-submit", V0040OpenapiJobSubmitResponse.class},
                new Object[] {"job-submit-held", V0040OpenapiJobSubmitResponse.class},
                new Object[] {"job-get-running", V0040OpenapiJobInfoResp.class},
                new Object[] {"job-get-completed", V0040OpenapiJobInfoResp.class},
                new Object[] {"job-get-held", V0040OpenapiJobInfoResp.class},
                new Object[] {"job-get-cancelled", V0040OpenapiJobInfoResp.class},
                new Object[] {"jobs-state-held", V0040OpenapiJobInfoResp.class},
                new Object[] {"job-cancel", V0040OpenapiResp.class},
                new Object[] {"slurmdb-job-completed", V0040OpenapiSlurmdbdJobsResp.class},
                new Object[] {"error-submit-unknown-partition", V0040OpenapiJobSubmitResponse.class},
                new Object[] {"error-submit-invalid-account", V0040OpenapiJobSubmitResponse.class},
                new Object[] {"error-get-unknown-job", V0040OpenapiJobInfoResp.class},
                new Object[] {"error-auth-bad-token-jobs", V0040OpenapiJobInfoResp.class},
                new Object[] {"error-auth-expired-token-jobs", V0040OpenapiJobInfoResp.class});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordedAnswer")
    void everyRecordedAnswerParsesAndRoundTripsItsKnownFields(String name, Class<?> type) throws IOException {
        JsonNode body = recorded(name);
        Object parsed = JSON.treeToValue(body, type);
        assertThat(parsed).isNotNull();
        JsonNode again = JSON.valueToTree(parsed);
        // what the model knows survives a round trip; the meta block is the same on every answer
        assertThat(again.path("meta").path("slurm").path("release").asText())
                .isEqualTo(body.path("meta").path("slurm").path("release").asText());
    }

    @Test
    void aCompletedJobKeepsItsStateExitCodeAndUnsetNumbers() throws IOException {
        V0040JobInfo job = JSON.treeToValue(recorded("job-get-completed"), V0040OpenapiJobInfoResp.class).getJobs().get(0);
        assertThat(job.getJobState()).extracting(Enum::name).containsExactly("COMPLETED");
        assertThat(job.getExitCode().getReturnCode().getSet()).isTrue();
        assertThat(job.getExitCode().getReturnCode().getNumber()).isZero();
        // {set:false} means "no signal", not signal 0
        assertThat(job.getExitCode().getSignal().getId().getSet()).isFalse();
        assertThat(job.getTresPerNode()).isEqualTo("gres/gpu:1");
    }

    @Test
    void anInfiniteTimeLimitIsReadAsInfinite() throws IOException {
        ObjectNode body = (ObjectNode) recorded("job-get-completed");
        ObjectNode job = (ObjectNode) body.path("jobs").get(0);
        job.set("time_limit", JSON.readTree("{\"set\":false,\"infinite\":true,\"number\":0}"));
        V0040JobInfo parsed = JSON.treeToValue(body, V0040OpenapiJobInfoResp.class).getJobs().get(0);
        assertThat(parsed.getTimeLimit().getInfinite()).isTrue();
        assertThat(parsed.getTimeLimit().getSet()).isFalse();
    }

    @Test
    void enumValuesAndFieldsFromANewerSlurmDoNotBreakTheAnswer() throws IOException {
        ObjectNode body = (ObjectNode) recorded("job-get-running");
        ObjectNode job = (ObjectNode) body.path("jobs").get(0);
        ArrayNode state = JSON.createArrayNode().add("RUNNING").add("SOME_FLAG_FROM_SLURM_26");
        job.set("job_state", state);
        job.put("field_added_in_a_later_release", 42);
        body.putObject("another_new_block").put("x", "y");

        V0040JobInfo parsed = JSON.treeToValue(body, V0040OpenapiJobInfoResp.class).getJobs().get(0);
        assertThat(parsed.getJobState()).extracting(Enum::name)
                .containsExactly("RUNNING", "UNKNOWN_DEFAULT_OPEN_API");
    }

    @Test
    void errorBodiesKeepErrorsAndWarnings() throws IOException {
        V0040OpenapiJobSubmitResponse refused = JSON.treeToValue(
                recorded("error-submit-unknown-partition"), V0040OpenapiJobSubmitResponse.class);
        assertThat(refused.getErrors()).hasSize(1);
        assertThat(refused.getErrors().get(0).getErrorNumber()).isEqualTo(2000);
        assertThat(refused.getErrors().get(0).getError()).isEqualTo("Invalid partition name specified");
        assertThat(refused.getErrors().get(0).getSource()).isEqualTo("slurm_submit_batch_job()");
        assertThat(refused.getWarnings()).isEmpty();

        ObjectNode withWarning = (ObjectNode) recorded("job-submit");
        ((ArrayNode) withWarning.withArray("warnings")).addObject()
                .put("description", "a warning").put("source", "test");
        assertThat(JSON.treeToValue(withWarning, V0040OpenapiJobSubmitResponse.class).getWarnings())
                .singleElement().satisfies(w -> assertThat(w.getDescription()).isEqualTo("a warning"));
    }

    @Test
    void aJobDescriptionIsWrittenWithoutEmptyListsTheServerDidNotAskFor() {
        V0040JobDescMsg job = new V0040JobDescMsg().name("x").partition("cpu-eval")
                .environment(List.of("PATH=/bin"));
        @SuppressWarnings("unchecked")
        Map<String, Object> written = JSON.convertValue(job, Map.class);
        assertThat(written).containsOnlyKeys("name", "partition", "environment");
    }
}
