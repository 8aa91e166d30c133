package ai.ringrift.slurm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.backend.TaskSpec;
import ai.ringrift.slurm.rest.SlurmUsageException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code submit --set KEY=VALUE}: each key becomes the TaskSpec override of the same name. */
class SubmitOverridesTest {

    private static TaskSpec task(String... pairs) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String p : pairs) {
            overrides.put(p.substring(0, p.indexOf('=')), p.substring(p.indexOf('=') + 1));
        }
        return SubmitCommand.task(overrides, List.of("--epochs", "1"));
    }

    @Test
    void nodesIsATaskOverrideLikeGpus() {
        TaskSpec t = task("nodes=3", "gpus=8", "partition=gpu-train");
        assertThat(t.nodes()).contains(3);
        assertThat(t.gpus()).contains(8);
        assertThat(t.partition()).contains("gpu-train");
        assertThat(t.arguments()).containsExactly("--epochs", "1");
        assertThat(task("gpus=1").nodes()).as("unset: slurm.nodes_training decides").isEmpty();
    }

    @Test
    void badNodesSayWhatIsWrong() {
        assertThatThrownBy(() -> task("nodes=0")).isInstanceOf(SlurmUsageException.class).hasMessageContaining("nodes must be at least 1");
        assertThatThrownBy(() -> task("nodes=two")).isInstanceOf(SlurmUsageException.class)
                .hasMessageContaining("--set nodes=two: not a whole number");
        assertThatThrownBy(() -> task("node=2")).isInstanceOf(SlurmUsageException.class).hasMessageContaining("gpus, nodes, cpus");
    }
}
