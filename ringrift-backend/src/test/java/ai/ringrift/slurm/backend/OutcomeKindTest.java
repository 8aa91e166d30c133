package ai.ringrift.slurm.backend;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.rest.JobState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutcomeKindTest {

    @ParameterizedTest
    @CsvSource({
        "COMPLETED, 0, SUCCESS", "COMPLETED, 1, FAILED", "FAILED, 3, FAILED", "CANCELLED, -1, CANCELLED",
        "TIMEOUT, -1, TIMEOUT", "OUT_OF_MEMORY, -1, OUT_OF_MEMORY", "NODE_FAIL, -1, NODE_FAIL",
        "BOOT_FAIL, -1, BOOT_FAIL", "DEADLINE, -1, DEADLINE", "PREEMPTED, -1, PREEMPTED"})
    void finalStatesAreClassified(JobState state, int exitCode, OutcomeKind kind) {
        assertThat(OutcomeKind.of(state, exitCode)).isEqualTo(kind);
    }
}
