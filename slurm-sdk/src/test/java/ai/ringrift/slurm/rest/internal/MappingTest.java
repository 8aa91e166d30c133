package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.*;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MappingTest {

    @Test
    void aSubmissionBecomesTheJobDescriptionOfEveryVersion() {
        JobSubmission s = JobSubmission.builder().name("rr-training-gen7").script("#!/bin/bash\ntrue\n")
                .partition("h100").account("ringrift").qos("high").gpusPerNode(2).cpusPerTask(16)
                .memoryPerNodeMb(64 * 1024).timeLimit(Duration.ofMinutes(90).plusSeconds(1)).workingDirectory("/shared/r")
                .standardOutput("/shared/logs/x-%j.out").requeue(true).warningSignal("SIGUSR1", 300)
                .putEnvironment("A", "1").array("0-9%2").build();
        JsonNode json = SubmitRequest.of(s, "slurm-sdk-submit-key=k");
        JsonNode job = json.path("job");
        assertThat(json.path("script").asText()).startsWith("#!/bin/bash");
        assertThat(job.path("tres_per_node").asText()).isEqualTo("gres/gpu:2");
        assertThat(job.path("time_limit").path("number").asLong()).isEqualTo(91); // minutes, rounded up
        assertThat(job.path("time_limit").path("set").asBoolean()).isTrue();
        assertThat(job.path("memory_per_node").path("number").asLong()).isEqualTo(65536);
        assertThat(job.path("cpus_per_task").asInt()).isEqualTo(16);
        assertThat(job.path("comment").asText()).isEqualTo("slurm-sdk-submit-key=k");
        assertThat(job.path("environment")).hasSize(1);
        assertThat(job.path("environment").get(0).asText()).isEqualTo("A=1");
        assertThat(job.path("array").asText()).isEqualTo("0-9%2");
        assertThat(job.path("kill_warning_signal").asText()).isEqualTo("USR1");
        assertThat(job.path("kill_warning_delay").path("number").asInt()).isEqualTo(300);
        assertThat(job.path("requeue").asBoolean()).isTrue();
        assertThat(job.path("qos").asText()).isEqualTo("high");
        assertThat(job.has("argv")).isFalse(); // no empty lists sent
    }

    /**
     * The one submit body is each version's job_submit_req: every field a name its generated model
     * knows (unknown ones fail here), and nothing lost or changed on the way through the model.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("ai.ringrift.slurm.rest.internal.WireModelContractTest#versions")
    void theSubmitBodyIsTheJobSubmitRequestOfEveryVersion(ApiVersion version) throws Exception {
        Class<?> generated = Class.forName("ai.ringrift.slurm.client.model." + WireModelContractTest.prefix(version) + "JobSubmitReq");
        JobSubmission s = JobSubmission.builder().name("rr-selfplay").script("#!/bin/bash\ntrue\n")
                .partition("h100").account("ringrift").qos("high").gpusPerNode(2).cpusPerTask(16)
                .memoryPerNodeMb(64 * 1024).timeLimit(Duration.ofMinutes(90)).workingDirectory("/shared/r")
                .standardOutput("/shared/logs/x-%A_%a.out").standardError("/shared/logs/x-%A_%a.err").requeue(false)
                .warningSignal("SIGUSR1", 300).putEnvironment("A", "1").array("0-9%2").hold(true)
                .container("/shared/images/rr.sif").nodes(2).tasksPerNode(1).build();
        var strict = DefaultSlurmClient.objectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        JsonNode sent = strict.readTree(strict.writeValueAsString(SubmitRequest.of(s, "slurm-sdk-submit-key=k")));
        Object model = strict.treeToValue(sent, generated);
        assertThat(strict.readTree(strict.writeValueAsString(model))).isEqualTo(sent);
        assertThat(sent.path("job").size()).isEqualTo(24);
        assertThat(sent.path("job").path("tasks_per_node").asInt()).isEqualTo(1);
        assertThat(sent.path("job").path("tasks").asInt()).isEqualTo(2);
    }

    @Test
    void anEmptyEnvironmentStillSendsPath() {
        JobSubmission s = JobSubmission.builder().name("x").script("#!/bin/bash\n").workingDirectory("/tmp").build();
        JsonNode job = SubmitRequest.of(s, "c").path("job");
        assertThat(job.path("environment").get(0).asText()).startsWith("PATH=");
        assertThat(job.has("tres_per_node")).isFalse();
        // one node unless asked, and no tasks_per_node: what a single-node job always sent
        assertThat(job.path("minimum_nodes").asInt()).isEqualTo(1);
        assertThat(job.path("maximum_nodes").asInt()).isEqualTo(1);
        assertThat(job.has("tasks_per_node")).isFalse();
        assertThat(job.has("tasks")).isFalse();
    }

    @Test
    void aMultiNodeJobAsksForExactlyItsNodesWithItsTasksPerNode() {
        JobSubmission s = JobSubmission.builder().name("rr-training-big").script("#!/bin/bash\n").workingDirectory("/tmp")
                .nodes(4).tasksPerNode(1).gpusPerNode(8).build();
        JsonNode job = SubmitRequest.of(s, "c").path("job");
        assertThat(job.path("minimum_nodes").asInt()).isEqualTo(4);
        assertThat(job.path("maximum_nodes").asInt()).isEqualTo(4);
        assertThat(job.path("tasks_per_node").asInt()).isEqualTo(1);
        assertThat(job.path("tasks").asInt()).isEqualTo(4); // one per node, as sbatch -N 4 --ntasks-per-node=1 asks
        assertThat(job.path("tres_per_node").asText()).isEqualTo("gres/gpu:8"); // per node, as for one node
        assertThat(s.toBuilder().build().tasksPerNode()).hasValue(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.toBuilder().tasksPerNode(-1).build())
                .hasMessageContaining("tasks per node must not be negative");
    }

    @Test
    void gresStringsGiveGpuCounts() {
        assertThat(WireMapping.gpus("gpu:4")).isEqualTo(4);
        assertThat(WireMapping.gpus("gpu:h100:8(S:0-1)")).isEqualTo(8);
        assertThat(WireMapping.gpus("gpu:h100:2(IDX:0-1),shard:0")).isEqualTo(2);
        assertThat(WireMapping.gpus("gpu:a:1,gpu:b:2")).isEqualTo(3);
        assertThat(WireMapping.gpus("")).isZero();
        assertThat(WireMapping.gpus("(null)")).isZero();
    }

    @Test
    void nodesThatAreDownOrDrainedAreNotUsable() {
        assertThat(node(List.of("IDLE")).isUsable()).isTrue();
        assertThat(node(List.of("MIXED")).isUsable()).isTrue();
        assertThat(node(List.of("IDLE", "DRAIN")).isUsable()).isFalse();
        assertThat(node(List.of("DOWN", "NOT_RESPONDING")).isUsable()).isFalse();
        assertThat(node(List.of("ALLOCATED", "DRAIN")).isUsable()).isFalse();
    }

    private static NodeInfo node(List<String> states) {
        return new NodeInfo("n", states, List.of("p"), 8, 0, 1000, 0, 4, 0, "x86_64");
    }

    @Test
    void invalidSubmissionsSayWhatToFix() {
        var base = JobSubmission.builder().name("x").script("#!/bin/bash\n").workingDirectory("/tmp");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> base.array("0-9%").build())
                .hasMessageContaining("0-99%8");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> base.array(null).name("n".repeat(300)).build())
                .hasMessageContaining("300 characters");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> base.name("x").script("echo no shebang").build())
                .hasMessageContaining("#!");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> base.script("#!/bin/bash\n").workingDirectory("rel").build())
                .hasMessageContaining("absolute");
    }
}
