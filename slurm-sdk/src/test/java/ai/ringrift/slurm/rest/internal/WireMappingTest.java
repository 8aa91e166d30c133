package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.*;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one wire model reading what the real servers answered (the test kit's recordings of every
 * version) and what later releases may send: fields and state names it does not know, numbers that
 * are unset or infinite, output paths left as patterns.
 */
class WireMappingTest {

    private static final Path RECORDINGS = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize()
            .resolve("ringrift-slurm-recordings/src/main/resources/slurmrestd");
    private static final ObjectMapper JSON = DefaultSlurmClient.objectMapper();

    static JsonNode recorded(ApiVersion v, String name) throws IOException {
        return JSON.readTree(RECORDINGS.resolve(v + "/mappings/" + name + ".json").toFile()).path("response").path("jsonBody");
    }

    static WireMapping mapping(ApiVersion v) {
        return new WireMapping(VersionTable.get().entry(v).quirks());
    }

    @ParameterizedTest
    @MethodSource("ai.ringrift.slurm.rest.internal.WireModelContractTest#versions")
    void aCompletedJobReadsTheSameInEveryVersion(ApiVersion v) throws IOException {
        Wire.JobsAnswer live = JSON.treeToValue(recorded(v, "job-get-completed"), Wire.JobsAnswer.class);
        JobInfo job = mapping(v).controllerJob(live.jobs().get(0));
        assertThat(job.state()).isEqualTo(JobState.COMPLETED);
        assertThat(job.exitCode()).isZero();
        assertThat(job.signal()).isEqualTo(-1); // {set:false}: no signal, not signal 0
        assertThat(job.standardOutput()).endsWith("-" + job.jobId() + ".out");
        assertThat(job.submitTime()).isNotNull();
        Wire.AccountingAnswer db = JSON.treeToValue(recorded(v, "slurmdb-job-completed"), Wire.AccountingAnswer.class);
        JobInfo recorded = mapping(v).accountingJob(db.jobs().get(0));
        assertThat(recorded.jobId()).isEqualTo(job.jobId());
        assertThat(recorded.state()).isEqualTo(JobState.COMPLETED);
        assertThat(recorded.standardOutput()).isEqualTo(VersionTable.get().entry(v).quirks().accountingHasExpandedPaths()
                ? job.standardOutput() : "");
        Wire.PingAnswer ping = JSON.treeToValue(recorded(v, "ping"), Wire.PingAnswer.class);
        assertThat(mapping(v).server(ping).controllerUp()).isTrue();
        assertThat(mapping(v).server(ping).dataParser()).endsWith(v.text());
    }

    @Test
    void fieldsAndStatesFromALaterReleaseDoNotBreakTheAnswer_andUnknownStatesAreKept() throws IOException {
        ApiVersion v = ApiVersion.of("v0.0.45");
        ObjectNode body = (ObjectNode) recorded(v, "job-get-running");
        ObjectNode job = (ObjectNode) body.path("jobs").get(0);
        job.set("job_state", JSON.createArrayNode().add("RUNNING").add("SOME_FLAG_FROM_SLURM_27"));
        job.put("field_added_in_a_later_release", 42);
        job.set("time_limit", JSON.readTree("{\"set\":false,\"infinite\":true,\"number\":0}"));
        body.putObject("another_new_block").put("x", "y");
        JobInfo read = mapping(v).controllerJob(JSON.treeToValue(body, Wire.JobsAnswer.class).jobs().get(0));
        assertThat(read.state()).isEqualTo(JobState.RUNNING);
        assertThat(read.stateNames()).containsExactly("RUNNING", "SOME_FLAG_FROM_SLURM_27");

        job.set("job_state", JSON.createArrayNode().add("A_BASE_STATE_FROM_SLURM_27"));
        JobInfo unknown = mapping(v).controllerJob(JSON.treeToValue(body, Wire.JobsAnswer.class).jobs().get(0));
        assertThat(unknown.state()).isEqualTo(JobState.UNKNOWN);
        assertThat(unknown.isFinal()).isFalse(); // never taken for an end
    }

    @Test
    void whereOutputPathsArePatterns_aMissingExpandedPathIsExpandedFromThePattern() throws IOException {
        ApiVersion v = ApiVersion.of("v0.0.45");
        ObjectNode body = (ObjectNode) recorded(v, "job-get-completed");
        ObjectNode job = (ObjectNode) body.path("jobs").get(0);
        String expanded = job.path("stdout_expanded").asText();
        assertThat(job.path("standard_output").asText()).contains("%j");
        job.remove("stdout_expanded");
        JobInfo read = mapping(v).controllerJob(JSON.treeToValue(body, Wire.JobsAnswer.class).jobs().get(0));
        assertThat(read.standardOutput()).isEqualTo(expanded);
        // through v0.0.42 the field is the resolved path: taken as it is
        JobInfo old = mapping(ApiVersion.of("v0.0.42")).controllerJob(JSON.treeToValue(body, Wire.JobsAnswer.class).jobs().get(0));
        assertThat(old.standardOutput()).contains("%j");
    }

    @Test
    void v0045sPingWithoutPingedSaysUpByResponding() throws IOException {
        ApiVersion v = ApiVersion.of("v0.0.45");
        ObjectNode body = (ObjectNode) recorded(v, "ping");
        assertThat(body.path("pings").get(0).has("pinged")).isFalse();
        assertThat(mapping(v).server(JSON.treeToValue(body, Wire.PingAnswer.class)).controllerUp()).isTrue();
        ((ObjectNode) body.path("pings").get(0)).put("responding", false);
        assertThat(mapping(v).server(JSON.treeToValue(body, Wire.PingAnswer.class)).controllerUp()).isFalse();
    }
}
