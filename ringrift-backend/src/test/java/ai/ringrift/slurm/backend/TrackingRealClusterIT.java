package ai.ringrift.slurm.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.testsupport.ProjectConfig;
import ai.ringrift.slurm.rest.JobStateEntry;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.SlurmAuthenticationException;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.TokenSources;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tracking on the local real cluster when Slurm sends what a tracker easily gets wrong: the pending
 * rest of a throttled array cancelled mid-run, a heterogeneous job of another user in the
 * unfiltered state list, a token that expires during a wait.
 */
class TrackingRealClusterIT {

    private static LocalCluster cluster;
    private static SlurmSettings settings;
    private static SlurmBackend backend;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.require();
        settings = ConfigLoader.load(ProjectConfig.fastPolling().write()).slurm();
        StandIns.install(settings.repoDir());
        backend = SlurmBackend.create(settings);
    }

    @AfterAll
    static void stop() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void aThrottledArrayCancelledMidRunEndsAndTheOtherJobIsStillTracked() throws Exception {
        JobHandle array = backend.runSelfplay(TaskSpec.builder().label("it-cancel-mid-run").tasks(6).throttle(1)
                .addArguments("--sleep", "4").build());
        JobHandle other = backend.runTournament(TaskSpec.builder().label("it-beside").addArguments("--sleep", "6").build());
        long arrayId = array.jobIds().get(0);
        // wait until the first task runs, then cancel the array: its pending rest never runs
        Instant until = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(until) && backend.client().jobStates(List.of(arrayId)).stream()
                .noneMatch(e -> e.isArrayTask() && e.state().name().equals("RUNNING"))) {
            Thread.sleep(200);
        }
        backend.client().cancel(arrayId);

        JobOutcome cancelled = array.await(Duration.ofMinutes(2));
        assertThat(cancelled.tasks()).hasSize(6);
        assertThat(cancelled.tasks().stream().filter(t -> t.kind() == OutcomeKind.CANCELLED).count()).isGreaterThanOrEqualTo(5);
        JobOutcome beside = other.await(Duration.ofMinutes(2));
        assertThat(beside.isSuccess()).as(beside.summary()).isTrue();
        assertThat(backend.liveJobIds()).doesNotContain(arrayId, other.jobIds().get(0));
        System.out.println("CANCELLED MID-RUN: " + cancelled.summary());
    }

    @Test
    void aHeterogeneousJobOfAnotherUserDoesNotDisturbTrackingOfMoreThan100Jobs() throws Exception {
        long het = submitHeterogeneousJobAsRoot();
        SlurmClient client = backend.client();
        List<Long> held = new ArrayList<>();
        try {
            for (int i = 0; i < 101; i++) {
                held.add(client.submit(JobSubmission.builder().name("it-held-" + i).script("#!/bin/bash\ntrue\n")
                        .partition("cpu-eval").memoryPerNodeMb(64).workingDirectory("/tmp").standardOutput("/dev/null").hold(true)
                        .putEnvironment("PATH", "/usr/bin:/bin").build()).jobId());
            }
            assertThat(client.jobStates().stream().map(JobStateEntry::id))
                    .as("the unfiltered list has the heterogeneous job's components").contains(het + "+0");
            try (JobTracker tracker = new JobTracker(client, Duration.ofMillis(300), Duration.ofSeconds(1))) {
                List<JobTracker.Aggregate> aggregates = new ArrayList<>();
                for (long id : held) {
                    JobTracker.Aggregate a = new JobTracker.Aggregate(WorkType.TOURNAMENT, "it-held", 1);
                    aggregates.add(a);
                    tracker.track(new JobTracker.Tracked(id, false, 1, 0, "/dev/null", a));
                }
                tracker.pollOnce(); // above 100 ids: one unfiltered request, het rows and all
                assertThat(tracker.liveJobIds()).hasSize(101);
                client.cancel(held);
                for (JobTracker.Aggregate a : aggregates) {
                    assertThat(a.future.get(2, TimeUnit.MINUTES).tasks().get(0).kind()).isEqualTo(OutcomeKind.CANCELLED);
                }
            }
        } finally {
            client.cancel(held);
            cancelAsRoot(het);
        }
    }

    @Test
    void aFixedTokenThatExpiresDuringAWaitEndsTheWaitAtOnceWithItsMessage() throws Exception {
        String shortLived = cluster.mintToken(cluster.user(), Duration.ofSeconds(15), Clock.systemUTC());
        try (SlurmClient fixed = SlurmClient.builder().baseUrl(cluster.restUrl().toString())
                .tokenSource(TokenSources.fixed(shortLived)).build();
             SlurmBackend shortBackend = SlurmBackend.create(settings, fixed)) {
            JobHandle job = shortBackend.runTournament(TaskSpec.builder().label("it-token-expires").addArguments("--sleep", "90").build());
            Instant started = Instant.now();
            try {
                assertThatThrownBy(() -> job.await(Duration.ofMinutes(5))).isInstanceOf(SlurmAuthenticationException.class)
                        .hasMessageContaining("expired");
                assertThat(Duration.between(started, Instant.now())).as("ended at once, not at the deadline")
                        .isLessThan(Duration.ofSeconds(60));
            } finally {
                backend.client().cancel(job.jobIds());
            }
        }
    }

    private static HttpResponse<String> asRoot(String method, String path, String body) throws Exception {
        String token = cluster.mintToken("root", Duration.ofMinutes(5), Clock.systemUTC());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.restUrl() + path))
                .header("X-SLURM-USER-TOKEN", token).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        // HTTP/1.1: slurmrestd does not take the JDK client's h2c upgrade headers
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long submitHeterogeneousJobAsRoot() throws Exception {
        String component = "{\"name\":\"it-het\",\"partition\":\"cpu-eval\",\"current_working_directory\":\"/tmp\","
                + "\"environment\":[\"PATH=/bin:/usr/bin\"],\"standard_output\":\"/dev/null\",\"hold\":true,"
                + "\"memory_per_node\":{\"set\":true,\"number\":64}}";
        HttpResponse<String> r = asRoot("POST", "/slurm/v0.0.40/job/submit",
                "{\"script\":\"#!/bin/bash\\nsleep 1\\n\",\"jobs\":[" + component + "," + component + "]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Long.parseLong(r.body().replaceAll("(?s).*\"job_id\"\\s*:\\s*(\\d+).*", "$1"));
    }

    private static void cancelAsRoot(long id) throws Exception {
        asRoot("DELETE", "/slurm/v0.0.40/job/" + id, null);
    }
}
