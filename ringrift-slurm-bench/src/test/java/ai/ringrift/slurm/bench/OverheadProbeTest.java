package ai.ringrift.slurm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.SlurmUsageException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The JMH probe answers in each version the SDK speaks, and hands the benchmark's raw way the body the SDK sent. */
class OverheadProbeTest {

    static List<String> versions() {
        return ApiVersion.supported().stream().map(ApiVersion::text).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void answersInTheVersionAndKeepsTheSdksSubmitBody(String version) throws Exception {
        try (OverheadProbe probe = OverheadProbe.create(3, version)) {
            assertThat(probe.readJobs()).isEqualTo(3);
            assertThat(probe.submitJob()).isPositive();
            JobSubmission s = JobSubmission.builder().name("bench-0").script("#!/bin/bash\ntrue\n").partition("cpu-eval")
                    .account("ringrift").cpusPerTask(1).memoryPerNodeMb(64).timeLimit(Duration.ofMinutes(5))
                    .workingDirectory("/tmp").standardOutput("/dev/null").hold(true).build();
            String body = probe.wireBodyOf(s);
            assertThat(body).contains("\"name\":\"bench-0\"");
            JsonNode job = new ObjectMapper().readTree(body).path("job");
            // what the SDK adds beyond a hand-written body: its submit key and the environment it fills in
            assertThat(job.path("comment").asText()).isNotBlank();
            assertThat(job.path("environment").isArray()).isTrue();
            assertThat(job.path("hold").asBoolean()).isTrue();
            assertThat(job.path("memory_per_node").path("number").asLong()).isEqualTo(64);
        }
    }

    @Test
    void aVersionTheSdkDoesNotSpeakIsRefused() {
        assertThatThrownBy(() -> OverheadProbe.create(1, "v0.0.39")).isInstanceOf(SlurmUsageException.class)
                .hasMessageContaining("v0.0.39");
    }
}
