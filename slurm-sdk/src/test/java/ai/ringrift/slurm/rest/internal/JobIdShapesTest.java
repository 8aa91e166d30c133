package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.*;

import ai.ringrift.slurm.recordings.Recordings;
import ai.ringrift.slurm.rest.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.BitSet;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The job id shapes of /jobs/state/ and Slurm's ways of writing array task sets, read in one place each. */
class JobIdShapesTest {

    @Test
    void everyRowOfARecordedAnswerIsUnderstood() {
        // recorded from slurmrestd 24.11.5: a heterogeneous job (N+0, N+1) beside a cancelled array's tasks
        JsonNode rows = Recordings.body("v0.0.40", "jobs-state-het-and-cancelled-array").path("jobs");
        assertThat(rows.size()).isGreaterThan(6);
        for (JsonNode row : rows) {
            JobStateEntry e = StateRows.parse(row.path("job_id").asText(), List.of(row.path("state").get(0).asText()));
            assertThat(e).as(row.toString()).isNotNull();
            assertThat(e.understood()).as(row.toString()).isTrue();
        }
        JobStateEntry het = StateRows.parse("33+1", List.of("PENDING"));
        assertThat(het.jobId()).isEqualTo(33);
        assertThat(het.hetComponent()).isEqualTo(1);
        assertThat(het.isArrayTask()).isFalse();
    }

    private static JsonNode rows(String version, String name) throws Exception {
        return Recordings.body(version, name).path("jobs");
    }

    @ParameterizedTest
    @MethodSource("ai.ringrift.slurm.rest.internal.WireModelContractTest#versions")
    void everyRecordedRowIsUnderstood(ApiVersion version) throws Exception {
        // recorded on each version's release: an array whose tasks split off as they run (one done, one
        // running, four pending), the same array cancelled, and a held heterogeneous job (N+0, N+1)
        for (String name : List.of("jobs-state-array-tasks", "jobs-state-het-and-cancelled-array")) {
            JsonNode all = rows(version.text(), name);
            assertThat(all.size()).as(version + " " + name).isGreaterThan(3);
            for (JsonNode row : all) {
                JobStateEntry e = StateRows.parse(row.path("job_id").asText(), List.of(row.path("state").get(0).asText()));
                assertThat(e).as(name + " " + row).isNotNull();
                assertThat(e.understood()).as(name + " " + row).isTrue();
            }
        }
        assertThat(rows(version.text(), "jobs-state-het-and-cancelled-array")).anySatisfy(
                r -> assertThat(StateRows.parse(r.path("job_id").asText(), List.of("PENDING")).hetComponent()).isEqualTo(1));
    }

    @ParameterizedTest
    @MethodSource("ai.ringrift.slurm.rest.internal.WireModelContractTest#versions")
    void whereTheTableSaysSo_aSplitTasksRowCarriesItsOwnJobIdNotTheArrays(ApiVersion version) throws Exception {
        // v0.0.40 writes every row with the array's id; from v0.0.42 a task that has its own job record
        // is written with that job's id (task 0 ran as the array's id + 1): a tracker must not take the
        // number before "_" for the array's id
        long array = Recordings.jobId(version.text(), "job-get-array-cancelled-rest");
        List<Long> ids = new java.util.ArrayList<>();
        rows(version.text(), "jobs-state-array-tasks").forEach(r -> ids.add(StateRows.parse(r.path("job_id").asText(),
                List.of(r.path("state").get(0).asText())).jobId()));
        if (VersionTable.get().entry(version).quirks().splitArrayRowsOwnId()) {
            assertThat(ids).as("%s: rows of array %d", version, array).contains(array).anyMatch(id -> id != array);
        } else {
            assertThat(ids).as("%s: rows of array %d", version, array).containsOnly(array);
        }
    }

    @Test
    void theShapesFromSlurmsSourceAreReadToo() {
        JobStateEntry task = StateRows.parse("14_3", List.of("RUNNING"));
        assertThat(task.jobId()).isEqualTo(14);
        assertThat(task.arrayTaskId()).isEqualTo(3);
        JobStateEntry pending = StateRows.parse("14_[3-7%2]", List.of("PENDING"));
        assertThat(pending.arrayTasks()).isEqualTo("3-7%2");
        assertThat(pending.isArrayRest()).isTrue();
        JobStateEntry rest = StateRows.parse("15135_*", List.of("CANCELLED"));
        assertThat(rest.jobId()).isEqualTo(15135);
        assertThat(rest.arrayTasks()).isEqualTo("*");
        assertThat(rest.state()).isEqualTo(JobState.CANCELLED);
        assertThat(rest.understood()).isTrue();
    }

    @Test
    void rowsAndRecordsShareOneRuleForFinal() {
        assertThat(StateRows.parse("7", List.of("CANCELLED")).isFinal()).isTrue();
        assertThat(StateRows.parse("7", List.of("COMPLETED", "REQUEUED")).isFinal()).isFalse();
        assertThat(StateRows.parse("7", List.of("FAILED", "REQUEUE_HOLD")).isFinal()).isFalse();
        assertThat(StateRows.parse("7", List.of("PENDING")).isFinal()).isFalse();
        assertThat(JobState.isFinal(JobState.TIMEOUT, List.of("TIMEOUT", "requeue_hold"))).isFalse();
    }

    @Test
    void anUnknownShapeKeepsItsJobIdAndNoIdAtAllIsNull() {
        JobStateEntry odd = StateRows.parse("77.batch", List.of("COMPLETED"));
        assertThat(odd.understood()).isFalse();
        assertThat(odd.jobId()).isEqualTo(77);
        assertThat(StateRows.parse("", List.of())).isNull();
        assertThat(StateRows.parse("no id", List.of("RUNNING"))).isNull();
        assertThat(StateRows.parse(null, List.of())).isNull();
        assertThat(StateRows.parse("99999999999999999999999", List.of())).isNull();
    }

    private static List<Integer> tasks(String expression) {
        BitSet b = ArrayTasks.parse(expression);
        return b.stream().boxed().toList();
    }

    @Test
    void arrayTaskSetsAsSlurmctldAndSlurmdbdWriteThem() {
        assertThat(tasks("1-5%2")).containsExactly(1, 2, 3, 4, 5);
        assertThat(tasks("0x3E")).containsExactly(1, 2, 3, 4, 5); // recorded from slurmdbd for tasks 1-5
        assertThat(tasks("0,3,7-9")).containsExactly(0, 3, 7, 8, 9);
        assertThat(tasks("0-9:3")).containsExactly(0, 3, 6, 9);
        assertThat(tasks("[2-4]")).containsExactly(2, 3, 4);
        assertThat(tasks("0-99%2")).isEqualTo(IntStream.range(0, 100).boxed().toList());
        assertThat(tasks("")).isEmpty();
        assertThat(tasks(null)).isEmpty();
        assertThat(tasks("5-1")).isEmpty();
        assertThat(tasks("a-b")).isEmpty();
        assertThat(tasks("0xZZ")).isEmpty();
        assertThat(tasks("0-99999999999")).isEmpty();
    }
}
