package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.rest.JobWaitTimeoutException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.LoopConfig;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.testsupport.ProjectConfig;
import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobState;
import ai.ringrift.slurm.rest.JobSubmission;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backend end to end on the local real cluster, through the project's own
 * config/unified_loop.yaml (with faster polling). The canonical scripts are stand-ins the test puts
 * in the shared repo directory.
 */
class SlurmBackendRealClusterIT {

    private static SlurmSettings settings;
    private static SlurmSettings smallArrays;
    private static SlurmBackend backend;

    @BeforeAll
    static void start() throws Exception {
        LocalCluster.require();
        LoopConfig config = ConfigLoader.load(ProjectConfig.fastPolling().write());
        settings = config.slurm();
        smallArrays = ConfigLoader.load(ProjectConfig.fastPolling().with("slurm.max_array_size", 3).write()).slurm();
        StandIns.install(settings.repoDir());
        backend = (SlurmBackend) OrchestratorBackend.fromConfig(config);
    }

    @AfterAll
    static void stop() {
        if (backend != null) {
            backend.close();
        }
    }

    private static List<String> argv(TaskOutcome outcome) throws Exception {
        String line = outcome.logTail().stream().filter(l -> l.startsWith("ARGV=")).findFirst().orElseThrow();
        @SuppressWarnings("unchecked")
        List<String> args = new ObjectMapper().readValue(line.substring(5), List.class);
        return args;
    }

    @Test
    void theWholeLifecycle() throws Exception {
        List<String> hostile = List.of("it's \"quoted\"", "$(echo pwned)", "`id`", "a;b", "line1\nline2", "ünïcødé", "x".repeat(4096));
        JobHandle training = backend.runTraining(TaskSpec.builder().label("it-train").arguments(hostile).build());
        JobHandle selfplay = backend.runSelfplay(TaskSpec.builder().label("it-selfplay").tasks(8).throttle(2)
                .addArguments("--games", "2").build());
        JobHandle tournament = backend.runTournament(TaskSpec.builder().label("it-tournament").build());
        JobHandle failing = backend.runTournament(TaskSpec.builder().label("it-exit3").addArguments("--exit", "3").build());
        JobHandle timeout = backend.runTournament(TaskSpec.builder().label("it-timeout").timeLimit(Duration.ofMinutes(1))
                .addArguments("--sleep", "600").build());
        JobHandle cancelled = backend.runTournament(TaskSpec.builder().label("it-cancel").addArguments("--sleep", "600").build());
        JobHandle deadline = backend.runTournament(TaskSpec.builder().label("it-deadline").addArguments("--sleep", "600").build());

        // a GPU for training, arguments unchanged, no token in the job's environment
        TaskOutcome train = training.await(Duration.ofMinutes(3)).tasks().get(0);
        assertThat(train.kind()).as(train.summary() + " " + train.logTail()).isEqualTo(OutcomeKind.SUCCESS);
        assertThat(train.logTail()).contains("CUDA_VISIBLE_DEVICES=0", "TOKEN_IN_ENV=False");
        assertThat(argv(train)).isEqualTo(hostile);
        assertThat(Files.readString(train.log())).contains("done");

        // self-play: 8 tasks, an outcome for each, each with its global index
        JobOutcome play = selfplay.await(Duration.ofMinutes(3));
        assertThat(play.tasks()).hasSize(8).allMatch(TaskOutcome::isSuccess);
        for (TaskOutcome t : play.tasks()) {
            assertThat(t.logTail()).contains("TASK=" + t.taskIndex());
            assertThat(t.slurmId()).isEqualTo(selfplay.jobIds().get(0) + "_" + t.taskIndex());
        }

        assertThat(tournament.await(Duration.ofMinutes(3)).isSuccess()).isTrue();
        JobInfo tournamentJob = backend.client().accountingJobs(tournament.jobIds().get(0)).get(0);
        assertThat(tournamentJob.partition()).isEqualTo("cpu-eval");

        TaskOutcome exit3 = failing.await(Duration.ofMinutes(3)).tasks().get(0);
        assertThat(exit3.kind()).isEqualTo(OutcomeKind.FAILED);
        assertThat(exit3.exitCode()).isEqualTo(3);
        assertThat(exit3.logTail()).contains("exiting with 3");

        cancelled.cancel();
        assertThat(cancelled.await(Duration.ofMinutes(2)).tasks().get(0).kind()).isEqualTo(OutcomeKind.CANCELLED);

        // waiting past a timeout leaves the job running; cancelling at a deadline is asked for explicitly
        assertThatThrownBy(() -> deadline.await(Duration.ofSeconds(3))).isInstanceOf(JobWaitTimeoutException.class)
                .satisfies(e -> assertThat(((JobWaitTimeoutException) e).cancelled()).isFalse())
                .hasMessageContaining("nothing was cancelled");
        assertThat(backend.client().job(deadline.jobIds().get(0)).orElseThrow().isFinal()).isFalse();
        assertThat(deadline.outcome()).isNotDone();
        assertThatThrownBy(() -> deadline.awaitOrCancel(Duration.ofMillis(100))).isInstanceOf(JobWaitTimeoutException.class)
                .satisfies(e -> assertThat(((JobWaitTimeoutException) e).cancelled()).isTrue());
        assertThat(deadline.outcome().get(2, TimeUnit.MINUTES).tasks().get(0).kind()).isEqualTo(OutcomeKind.CANCELLED);

        TaskOutcome timedOut = timeout.await(Duration.ofMinutes(4)).tasks().get(0);
        assertThat(timedOut.kind()).isEqualTo(OutcomeKind.TIMEOUT);
        assertThat(timedOut.state()).isEqualTo(JobState.TIMEOUT);
    }

    @Test
    void aJobThatHasLeftSlurmctldIsResolvedFromSlurmdbd() throws Exception {
        var client = backend.client();
        long id = client.submit(JobSubmission.builder().name("it-left").script("#!/bin/bash\necho gone\nexit 4\n")
                .partition("cpu-eval").account(settings.account()).cpusPerTask(1).memoryPerNodeMb(64)
                .workingDirectory(settings.sharedRoot().toString())
                .standardOutput(settings.logDir().resolve("it-left-%j.out").toString()).build()).jobId();
        Instant deadline = Instant.now().plusSeconds(240);
        while (client.job(id).isPresent() && Instant.now().isBefore(deadline)) {
            Thread.sleep(2000);
        }
        assertThat(client.job(id)).as("job %d should leave slurmctld after MinJobAge", id).isEmpty();

        JobTracker tracker = new JobTracker(client, Duration.ofMillis(200), Duration.ofSeconds(1));
        try {
            JobTracker.Aggregate aggregate = new JobTracker.Aggregate(WorkType.TOURNAMENT, "it-left", 1);
            tracker.track(new JobTracker.Tracked(id, false, 1, 0, settings.logDir().resolve("it-left-%j.out").toString(), aggregate));
            TaskOutcome outcome = aggregate.future.get(1, TimeUnit.MINUTES).tasks().get(0);
            assertThat(outcome.fromAccounting()).isTrue();
            assertThat(outcome.kind()).isEqualTo(OutcomeKind.FAILED);
            assertThat(outcome.exitCode()).isEqualTo(4);
            assertThat(outcome.logTail()).contains("gone");
        } finally {
            tracker.close();
        }
    }

    @Test
    void anArrayLargerThanMaxArraySizeIsSplitWithOneOutcomePerTask() throws Exception {
        try (SlurmBackend split = SlurmBackend.create(smallArrays, backend.client())) {
            JobHandle handle = split.runSelfplay(TaskSpec.builder().label("it-split").tasks(7).throttle(3).build());
            assertThat(handle.jobIds()).hasSize(3); // 3 + 3 + 1
            JobOutcome outcome = handle.await(Duration.ofMinutes(3));
            assertThat(outcome.tasks()).hasSize(7).allMatch(TaskOutcome::isSuccess);
            for (TaskOutcome t : outcome.tasks()) {
                assertThat(t.logTail()).contains("TASK=" + t.taskIndex());
            }
            assertThat(outcome.tasks().get(6).slurmId()).isEqualTo(handle.jobIds().get(2) + "_0");
        }
    }

    @Test
    void closingTheBackendCancelsItsLiveJobs() throws Exception {
        JobHandle sleeping;
        try (SlurmBackend closing = SlurmBackend.create(settings, backend.client())) {
            sleeping = closing.runTournament(TaskSpec.builder().label("it-close").addArguments("--sleep", "600").build());
            assertThat(closing.liveJobIds()).containsExactlyElementsOf(sleeping.jobIds());
        }
        long id = sleeping.jobIds().get(0);
        Instant deadline = Instant.now().plusSeconds(60);
        JobState state = null;
        while (Instant.now().isBefore(deadline)) {
            state = backend.client().job(id).map(JobInfo::state).orElse(null);
            if (state == JobState.CANCELLED) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(state).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void workersAndSync() {
        List<WorkerPool> pools = backend.getAvailableWorkers();
        assertThat(pools).extracting(WorkerPool::partition).contains("gpu-train", "gpu-selfplay", "cpu-eval");
        assertThat(pools).allSatisfy(p -> assertThat(p.usableNodes()).isEqualTo(1));
        assertThat(pools.stream().filter(p -> p.partition().equals("gpu-train")).findFirst().orElseThrow().idleGpus())
                .isBetween(0, 4);
        backend.syncModels();
        backend.syncData();
    }

    /**
     * What this asserts: the jobs succeed and the tracker's own count stays under 200 requests. The
     * claim "one state read a round" is asserted on the wire, by a counting proxy, in
     * TrackingCostRealClusterIT.
     */
    @Test
    void anArrayAndThreeJobsAreTrackedToSuccessInFewerThan200TrackerRequests() throws Exception {
        try (SlurmBackend counted = SlurmBackend.create(settings, backend.client())) {
            JobHandle array = counted.runSelfplay(TaskSpec.builder().label("count-array").tasks(8).throttle(2).build());
            List<JobHandle> jobs = List.of(
                    counted.runTraining(TaskSpec.builder().label("count-train").build()),
                    counted.runTournament(TaskSpec.builder().label("count-t1").build()),
                    counted.runTournament(TaskSpec.builder().label("count-t2").build()));
            assertThat(array.await(Duration.ofMinutes(3)).isSuccess()).isTrue();
            for (JobHandle j : jobs) {
                assertThat(j.await(Duration.ofMinutes(3)).isSuccess()).isTrue();
            }
            System.out.printf("TRACKING: 8 array tasks + 3 jobs to completion took %d requests to slurmrestd%n",
                    counted.trackingRequests());
            assertThat(counted.trackingRequests()).isLessThan(200);
        }
    }
}
