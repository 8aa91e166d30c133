package ai.ringrift.slurm.testing.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobState;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.RetryPolicy;
import ai.ringrift.slurm.rest.SlurmAuthenticationException;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.SlurmRejectedException;
import ai.ringrift.slurm.rest.SlurmUnreachableException;
import ai.ringrift.slurm.rest.SubmittedJob;
import ai.ringrift.slurm.recordings.Recordings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the fake does beyond the contract suite (which checks it against the real clusters): a
 * clock that only the test moves, node failures, and the HTTP faults a test can ask for.
 */
class FakeSlurmTest {

    @RegisterExtension
    static FakeSlurm slurm = FakeSlurm.builder().clockSpeed(0).startTime(Instant.parse("2026-12-01T12:00:00Z")).build();

    private static JobSubmission job(String name, String script) {
        return JobSubmission.builder().name(name).script(script).workingDirectory("/shared").partition("cpu-eval")
                .memoryPerNodeMb(64).build();
    }

    @Test
    void servesEveryVersionTheSdkSpeaksThatHasRecordings() {
        List<String> spoken = ai.ringrift.slurm.rest.ApiVersion.supported().stream().map(ai.ringrift.slurm.rest.ApiVersion::text).toList();
        assertThat(FakeSlurm.versions()).isNotEmpty().isSubsetOf(Recordings.VERSIONS).isSubsetOf(spoken);
        assertThat(FakeSlurm.versions()).containsAll(spoken.stream().filter(v -> Recordings.exists(v, "ping")).toList());
    }

    @Test
    void aStoppedClockMovesOnlyWhenTold() {
        SubmittedJob j = slurm.client().submit(job("still", "#!/bin/bash\nsleep 600\n"));
        assertThat(slurm.job(j.jobId()).orElseThrow().state()).isEqualTo(JobState.RUNNING);
        slurm.advance(Duration.ofSeconds(599));
        assertThat(slurm.client().job(j.jobId()).orElseThrow().state()).isEqualTo(JobState.RUNNING);
        slurm.advance(Duration.ofSeconds(1));
        JobInfo done = slurm.client().job(j.jobId()).orElseThrow();
        assertThat(done.state()).isEqualTo(JobState.COMPLETED);
        assertThat(java.time.Duration.between(done.startTime(), done.endTime())).isEqualTo(Duration.ofMinutes(10));
        slurm.advance(slurm.cluster().minJobAge());
        assertThat(slurm.client().job(j.jobId())).isEmpty();
        assertThat(slurm.client().accountingJobs(j.jobId())).singleElement()
                .matches(r -> r.state() == JobState.COMPLETED && r.source() == JobInfo.Source.ACCOUNTING);
    }

    @Test
    void throttledArrayTasksStartAsOthersEndAndIdsGrow() {
        SubmittedJob a = slurm.client().submit(job("arr", "#!/bin/bash\nsleep 10\n").toBuilder().array("0-4%2").build());
        List<FakeJob> running = slurm.jobs().stream().filter(x -> x.state() == JobState.RUNNING).toList();
        assertThat(running).extracting(FakeJob::arrayTaskId).containsExactly(0, 1);
        assertThat(running).extracting(FakeJob::jobId).allMatch(id -> id > a.jobId());
        slurm.advance(Duration.ofSeconds(10));
        assertThat(slurm.jobs().stream().filter(x -> x.state() == JobState.RUNNING)).extracting(FakeJob::arrayTaskId).containsExactly(2, 3);
        slurm.advance(Duration.ofSeconds(20));
        assertThat(slurm.job(a.jobId()).orElseThrow().arrayTaskId()).isEqualTo(4); // the last task runs under the array's id
    }

    @Test
    void aFailingNodeRequeuesItsJobsOrEndsThemNodeFail() {
        SubmittedJob again = slurm.client().submit(job("again", "#!/bin/bash\nsleep 100\n"));
        SubmittedJob once = slurm.client().submit(job("once", "#!/bin/bash\nsleep 100\n").toBuilder().requeue(false).build());
        slurm.failNode("localhost");
        assertThat(slurm.job(once.jobId()).orElseThrow().state()).isEqualTo(JobState.NODE_FAIL);
        FakeJob requeued = slurm.job(again.jobId()).orElseThrow();
        assertThat(requeued.state()).isEqualTo(JobState.PENDING);
        assertThat(requeued.restarts()).isEqualTo(1);
        assertThat(slurm.client().nodes()).singleElement().matches(n -> n.states().contains("DOWN"));
        slurm.resumeNode("localhost").advance(Duration.ofSeconds(120));
        assertThat(slurm.job(again.jobId()).orElseThrow().state()).isEqualTo(JobState.RUNNING);
    }

    @Test
    void aLostSubmitAnswerIsAdoptedWithoutASecondJob() {
        slurm.loseNextSubmitAnswer();
        SubmittedJob j = slurm.client().submit(job("lost", "#!/bin/bash\nsleep 5\n"));
        assertThat(j.adopted()).isTrue();
        assertThat(slurm.jobs()).extracting(FakeJob::name).containsExactly("lost");
        assertThat(slurm.jobs().get(0).submitKey()).contains(j.submitKey());
    }

    @Test
    void unreachableForAWhileOnTheFakesClock() {
        slurm.client().ping();
        slurm.unreachableFor(Duration.ofSeconds(5)); // the client's retries wait on the fake's clock
        assertThat(slurm.client().partitions()).isNotEmpty();
        slurm.unreachableFor(Duration.ofHours(1));
        assertThatThrownBy(() -> slurm.client().partitions()).isInstanceOf(SlurmUnreachableException.class);
    }

    @Test
    void slowAndRateLimitedAnswersComeLateButCome() {
        slurm.client().ping();
        slurm.rateLimited(Duration.ofMillis(300));
        long t0 = System.nanoTime();
        SubmittedJob j = slurm.client().submit(job("late", "#!/bin/bash\ntrue\n"));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(j.adopted()).isFalse();
        slurm.clearFaults().slowAnswers(Duration.ofMillis(200), 1);
        t0 = System.nanoTime();
        slurm.client().partitions();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void slurmdbdDownAndRefusedTokensAnswerAsRecorded() {
        SlurmClient client = slurm.clientBuilder().retryPolicy(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ofMillis(1))
                .maxBackoff(Duration.ofMillis(1)).build()).build();
        client.ping();
        slurm.slurmdbdDown();
        assertThatThrownBy(() -> client.accountingJobs(1L)).isInstanceOfSatisfying(SlurmRejectedException.class,
                e -> assertThat(e.hasErrorNumber(7000)).isTrue());
        slurm.slurmdbdUp().refuseTokensAsExpired(-1);
        assertThatThrownBy(() -> client.jobStates(List.of(1L))).isInstanceOf(SlurmAuthenticationException.class);
        slurm.clearFaults();
        SlurmClient stale = slurm.clientBuilder().tokenSource(ai.ringrift.slurm.rest.TokenSources.fixed(
                slurm.tokenSource("ringrift").current().value())).build();
        stale.ping();
        slurm.advance(Duration.ofDays(2)); // the fixed token expires on the fake's clock
        assertThatThrownBy(() -> stale.jobStates(List.of(1L))).isInstanceOf(SlurmAuthenticationException.class);
        client.close();
        stale.close();
    }

    @Test
    void onNextJobsGivesTheNextRunsInOrder() {
        slurm.onNextJobs(JobRun.runs(Duration.ofMinutes(1)).exitCode(2), JobRun.runs(Duration.ofMinutes(2)));
        long a = slurm.client().submit(job("a", "#!/bin/bash\ntrue\n")).jobId();
        long b = slurm.client().submit(job("b", "#!/bin/bash\ntrue\n")).jobId();
        slurm.advance(Duration.ofMinutes(2));
        assertThat(slurm.job(a).orElseThrow()).matches(j -> j.state() == JobState.FAILED && j.exitCode() == 2);
        assertThat(slurm.job(b).orElseThrow()).matches(j -> j.state() == JobState.COMPLETED && j.exitCode() == 0);
    }
}
