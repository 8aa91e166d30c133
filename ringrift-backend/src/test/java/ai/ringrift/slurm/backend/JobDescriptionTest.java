package ai.ringrift.slurm.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.rest.SlurmUsageException;
import ai.ringrift.slurm.testing.fake.FakeCluster;
import ai.ringrift.slurm.testing.fake.FakeSlurm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job descriptions the backend sends, read where they arrive (the fake slurmrestd's request
 * log): a training job on N nodes asks Slurm for exactly N nodes with one task each and the GPUs
 * per node as before; on one node it sends what it always sent; only training may have more than one.
 */
class JobDescriptionTest {

    /** One node with room for what the tests ask: the fake does not model several nodes per job. */
    @RegisterExtension
    static FakeSlurm slurm = FakeSlurm.builder().clockSpeed(0).cluster(FakeCluster.builder().node("n1", 64, 512_000, 8)
            .partition("t", true, "n1").partition("s", false, "n1").partition("c", false, "n1")
            .association("ringrift", "ringrift", "normal").build()).build();

    @TempDir
    Path dir;

    private SlurmSettings settings(String extra) throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        // the job user ("u", unknown here) must be able to write the logs
        Path logs = Files.createDirectories(shared.resolve("slurm/logs"));
        Files.setPosixFilePermissions(logs, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        return TestSettings.load(dir, shared, shared, "  gpus_training: 4\n" + extra);
    }

    /** Runs the work on a backend of these settings and returns the job description of each submit request. */
    private List<JsonNode> submitted(SlurmSettings settings, Function<SlurmBackend, JobHandle> work) throws Exception {
        try (SlurmBackend backend = SlurmBackend.create(settings, slurm.client())) {
            work.apply(backend);
        }
        return submits();
    }

    private static List<JsonNode> submits() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> jobs = new java.util.ArrayList<>();
        for (ServeEvent e : slurm.wireMock().getAllServeEvents()) {
            if (e.getRequest().getMethod().getName().equals("POST") && e.getRequest().getUrl().endsWith("/job/submit")) {
                jobs.add(json.readTree(e.getRequest().getBodyAsString()));
            }
        }
        slurm.wireMock().resetRequests();
        return jobs;
    }

    @Test
    void aSingleNodeTrainingJobIsWhatItAlwaysWas() throws Exception {
        submits(); // forget earlier tests' requests
        List<JsonNode> sent = submitted(settings(""), b -> b.runTraining(TaskSpec.builder().label("one").build()));
        assertThat(sent).hasSize(1);
        JsonNode job = sent.get(0).path("job");
        assertThat(job.path("minimum_nodes").asInt()).isEqualTo(1);
        assertThat(job.path("maximum_nodes").asInt()).isEqualTo(1);
        assertThat(job.has("tasks_per_node")).isFalse();
        assertThat(job.has("tasks")).isFalse();
        assertThat(job.path("tres_per_node").asText()).isEqualTo("gres/gpu:4");
        assertThat(job.path("cpus_per_task").asInt()).isEqualTo(16);
        assertThat(sent.get(0).path("script").asText()).doesNotContain("srun").contains("exec python3 ");
    }

    @Test
    void aTrainingJobOnThreeNodesAsksForExactlyThreeWithOneTaskEach() throws Exception {
        submits();
        List<JsonNode> sent = submitted(settings("  nodes_training: 3\n"), b -> b.runTraining(TaskSpec.builder().label("three").build()));
        assertThat(sent).hasSize(1);
        JsonNode job = sent.get(0).path("job");
        assertThat(job.path("minimum_nodes").asInt()).isEqualTo(3);
        assertThat(job.path("maximum_nodes").asInt()).isEqualTo(3);
        assertThat(job.path("tasks_per_node").asInt()).isEqualTo(1);
        assertThat(job.path("tasks").asInt()).isEqualTo(3);
        // GPUs, CPUs and memory per node (one task per node), as for one node
        assertThat(job.path("tres_per_node").asText()).isEqualTo("gres/gpu:4");
        assertThat(job.path("cpus_per_task").asInt()).isEqualTo(16);
        assertThat(job.path("memory_per_node").path("number").asLong()).isEqualTo(64 * 1024);
        assertThat(job.path("requeue").asBoolean()).as("requeue_training still decides").isTrue();
        assertThat(sent.get(0).path("script").asText()).contains("exec srun --nodes=\"$nodes\"").contains("nodes=3\n");
    }

    @Test
    void theTaskOverridesTheNodes() throws Exception {
        submits();
        JsonNode one = submitted(settings("  nodes_training: 3\n"), b -> b.runTraining(TaskSpec.builder().nodes(1).build()))
                .get(0).path("job");
        assertThat(one.path("minimum_nodes").asInt()).isEqualTo(1);
        assertThat(one.has("tasks_per_node")).isFalse();
        JsonNode two = submitted(settings(""), b -> b.runTraining(TaskSpec.builder().nodes(2).gpus(8).build())).get(0).path("job");
        assertThat(two.path("minimum_nodes").asInt()).isEqualTo(2);
        assertThat(two.path("maximum_nodes").asInt()).isEqualTo(2);
        assertThat(two.path("tasks_per_node").asInt()).isEqualTo(1);
        assertThat(two.path("tres_per_node").asText()).isEqualTo("gres/gpu:8");
        // requeue_training: false is kept on several nodes too
        JsonNode noRequeue = submitted(settings("  requeue_training: false\n"), b -> b.runTraining(TaskSpec.builder().nodes(2).build()))
                .get(0).path("job");
        assertThat(noRequeue.path("requeue").asBoolean()).isFalse();
    }

    @Test
    void onlyTrainingRunsOnSeveralNodes() throws Exception {
        submits();
        SlurmSettings s = settings("  nodes_training: 2\n");
        try (SlurmBackend backend = SlurmBackend.create(s, slurm.client())) {
            assertThatThrownBy(() -> backend.runSelfplay(TaskSpec.builder().nodes(2).tasks(4).build()))
                    .isInstanceOf(SlurmUsageException.class)
                    .hasMessageContaining("selfplay runs on one node, but its task asks for 2 nodes")
                    .hasMessageContaining("only training runs on several nodes").hasMessageContaining("array tasks");
            assertThatThrownBy(() -> backend.runTournament(TaskSpec.builder().nodes(3).build()))
                    .isInstanceOf(SlurmUsageException.class).hasMessageContaining("tournament runs on one node");
            // nodes_training is training's: the others stay on one node without being told
            backend.runTournament(TaskSpec.builder().label("plain").build());
        }
        List<JsonNode> sent = submits();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).path("job").path("minimum_nodes").asInt()).isEqualTo(1);
        assertThat(sent.get(0).path("job").has("tasks_per_node")).isFalse();
        assertThat(Files.list(s.jobDir()).map(p -> p.getFileName().toString()))
                .as("nothing written for the refused work").allMatch(n -> n.startsWith("rr-tournament-plain-"));
    }

    @Test
    void aTaskCannotAskForFewerThanOneNode() {
        assertThatThrownBy(() -> TaskSpec.builder().nodes(0).build()).isInstanceOf(SlurmUsageException.class)
                .hasMessageContaining("nodes must be at least 1, not 0");
        assertThat(TaskSpec.builder().build().nodes()).isEmpty();
        assertThat(TaskSpec.builder().nodes(4).build().nodes()).contains(4);
    }
}
