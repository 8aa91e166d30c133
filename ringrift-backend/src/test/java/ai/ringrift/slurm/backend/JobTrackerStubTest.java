package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.backend.config.ContainerRuntime;
import ai.ringrift.slurm.recordings.Recordings;
import ai.ringrift.slurm.rest.JobWatcher;
import ai.ringrift.slurm.testsupport.VirtualTime;
import java.time.Instant;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.rest.RetryPolicy;
import ai.ringrift.slurm.rest.SlurmAuthenticationException;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.TokenSources;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The tracker's rules on recorded answers: one request per round, and a missing job is never finished. */
class JobTrackerStubTest {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private SlurmClient client;
    private JobTracker tracker;

    @BeforeEach
    void setUp() {
        client = SlurmClient.builder().baseUrl(wm.baseUrl()).tokenSource(TokenSources.fixed("t"))
                .retryPolicy(RetryPolicy.none()).checkVersion(false).apiVersion(ApiVersion.of("v0.0.40")).build();
        tracker = new JobTracker(client, Duration.ofHours(1), Duration.ofHours(1)); // rounds run by hand
    }

    @AfterEach
    void tearDown() {
        tracker.close();
        client.close();
    }

    private static JsonNode recorded(String name) {
        return Recordings.mapping("v0.0.40", name).path("response");
    }

    private void stub(String path, int status, String body) {
        wm.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static String states(String rows) throws Exception {
        ObjectNode body = (ObjectNode) recorded("jobs-state-held").path("jsonBody").deepCopy();
        body.set("jobs", JSON.readTree(rows));
        return body.toString();
    }

    @Test
    void aRunningJobCostsOneRequestPerRound() throws Exception {
        stub("/slurm/v0.0.40/jobs/state/", 200, states("[{\"job_id\":\"77\",\"state\":[\"RUNNING\"]}]"));
        JobTracker.Aggregate aggregate = new JobTracker.Aggregate(WorkType.TRAINING, "t", 1);
        tracker.track(new JobTracker.Tracked(77, false, 1, 0, "/nonexistent/%j.out", aggregate));
        for (int i = 0; i < 5; i++) {
            tracker.pollOnce();
        }
        // counted where they arrive, not by the tracker's own counter
        assertThat(wm.getAllServeEvents()).hasSize(5);
        wm.verify(5, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/jobs/state/")));
        assertThat(tracker.requests()).isEqualTo(5);
        assertThat(aggregate.future).isNotDone();
    }

    @Test
    void aJobInNeitherDaemonStaysTrackedUntilSlurmdbdHasIt() throws Exception {
        stub("/slurm/v0.0.40/jobs/state/", 200, states("[]"));
        JsonNode unknown = recorded("error-get-unknown-job");
        stub("/slurm/v0.0.40/job/77", unknown.path("status").asInt(), unknown.path("jsonBody").toString());
        ObjectNode emptyDb = (ObjectNode) recorded("slurmdb-job-completed").path("jsonBody").deepCopy();
        emptyDb.putArray("jobs");
        stub("/slurmdb/v0.0.40/job/77", 200, emptyDb.toString());

        JobTracker.Aggregate aggregate = new JobTracker.Aggregate(WorkType.TOURNAMENT, "t", 1);
        tracker.track(new JobTracker.Tracked(77, false, 1, 0, "/nonexistent/%j.out", aggregate));
        for (int i = 0; i < 3; i++) {
            tracker.pollOnce();
        }
        assertThat(aggregate.future).as("a job missing everywhere is not finished").isNotDone();
        assertThat(tracker.liveJobIds()).containsExactly(77L);

        ObjectNode db = (ObjectNode) recorded("slurmdb-job-completed").path("jsonBody").deepCopy();
        ((ObjectNode) db.path("jobs").get(0)).put("job_id", 77);
        stub("/slurmdb/v0.0.40/job/77", 200, db.toString());
        tracker.pollOnce();
        TaskOutcome outcome = aggregate.future.getNow(null).tasks().get(0);
        assertThat(outcome.fromAccounting()).isTrue();
        assertThat(outcome.kind()).isEqualTo(OutcomeKind.SUCCESS);
        assertThat(outcome.logProblem()).contains("/nonexistent/77.out");
        assertThat(tracker.liveJobIds()).isEmpty();
    }

    private String recordedBody(String name) throws Exception {
        return recorded(name).path("jsonBody").toString();
    }

    /** The recorded array (tasks 0-5, %1): task 0 ran to its end, task 1 was cancelled running, tasks 2-5 never ran. */
    private static final long ARRAY = Recordings.jobId("v0.0.40", "job-get-array-cancelled-rest");

    private static void assertTheRecordedArraysOutcome(JobOutcome outcome, boolean fromAccounting) {
        assertThat(outcome).as("every task of array %d resolved", ARRAY).isNotNull();
        assertThat(outcome.tasks()).hasSize(6);
        assertThat(outcome.tasks().get(0).kind()).isEqualTo(OutcomeKind.SUCCESS);
        assertThat(outcome.tasks().subList(1, 6)).allMatch(t -> t.kind() == OutcomeKind.CANCELLED);
        assertThat(outcome.tasks().get(5).slurmId()).isEqualTo(ARRAY + "_5");
        if (fromAccounting) {
            assertThat(outcome.tasks()).allMatch(TaskOutcome::fromAccounting);
        }
    }

    @Test
    void everyRecordedIdShapeIsReadAndACancelledArraysRestIsResolved() throws Exception {
        // recorded: the array cancelled (its rows N_0 .. N_5) beside a held heterogeneous job's N+0, N+1;
        // and a plain job that has left slurmctld
        stub("/slurm/v0.0.40/jobs/state/", 200, recordedBody("jobs-state-het-and-cancelled-array"));
        stub("/slurm/v0.0.40/job/" + ARRAY, 200, recordedBody("job-get-array-cancelled-rest"));
        ObjectNode completed = (ObjectNode) recorded("job-get-completed").path("jsonBody").deepCopy();
        ((ObjectNode) completed.path("jobs").get(0)).put("job_id", 27);
        stub("/slurm/v0.0.40/job/27", 200, completed.toString());

        JobTracker.Aggregate array = new JobTracker.Aggregate(WorkType.SELFPLAY, "a", 6);
        tracker.track(new JobTracker.Tracked(ARRAY, true, 6, 0, "/nonexistent/a-%A_%a.out", array));
        JobTracker.Aggregate plain = new JobTracker.Aggregate(WorkType.TOURNAMENT, "p", 1);
        tracker.track(new JobTracker.Tracked(27, false, 1, 0, "/nonexistent/p-%j.out", plain));
        tracker.pollOnce();

        assertTheRecordedArraysOutcome(array.future.getNow(null), false);
        assertThat(plain.future.getNow(null).tasks().get(0).kind()).isEqualTo(OutcomeKind.SUCCESS);
        assertThat(tracker.liveJobIds()).isEmpty();
        // one state request, one read per job that became final
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/jobs/state/")));
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/job/" + ARRAY)));
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/job/27")));
    }

    @Test
    void jobsThatEndInTheSameRoundAreReadTogetherFromSlurmdbdInOneRequest() throws Exception {
        // five jobs end between two rounds: one state request, then ONE slurmdbd request for all
        // five (repeated step parameters), whatever their number; no per-job reads
        stub("/slurm/v0.0.40/jobs/state/", 200, states("[{\"job_id\":\"71\",\"state\":[\"COMPLETED\"]},"
                + "{\"job_id\":\"72\",\"state\":[\"COMPLETED\"]},{\"job_id\":\"73\",\"state\":[\"COMPLETED\"]},"
                + "{\"job_id\":\"74\",\"state\":[\"COMPLETED\"]},{\"job_id\":\"75\",\"state\":[\"COMPLETED\"]}]"));
        ObjectNode db = (ObjectNode) recorded("slurmdb-job-completed").path("jsonBody").deepCopy();
        ObjectNode one = (ObjectNode) db.path("jobs").get(0);
        com.fasterxml.jackson.databind.node.ArrayNode jobs = db.putArray("jobs");
        for (int id = 71; id <= 75; id++) {
            jobs.add(one.deepCopy().put("job_id", id));
        }
        stub("/slurmdb/v0.0.40/jobs/", 200, db.toString());
        List<JobTracker.Aggregate> all = trackTournaments(71, 75);
        tracker.pollOnce();
        for (JobTracker.Aggregate a : all) {
            assertThat(a.future.getNow(null)).isNotNull();
            assertThat(a.future.getNow(null).tasks().get(0).kind()).isEqualTo(OutcomeKind.SUCCESS);
        }
        assertThat(wm.getAllServeEvents()).hasSize(2);
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurmdb/v0.0.40/jobs/"))
                .withQueryParam("step", com.github.tomakehurst.wiremock.client.WireMock.havingExactly("71", "72", "73", "74", "75")));
        assertThat(tracker.liveJobIds()).isEmpty();
    }

    @Test
    void jobsSlurmdbdHasNoFinalRecordForAreReadFromSlurmctldTwoARound() throws Exception {
        // slurmdbd lags (or is down): the jobs slurmctld says ended are read one by one from it, at
        // most two a round, so a round stays bounded; the rest come in the next rounds
        stub("/slurm/v0.0.40/jobs/state/", 200, states("[{\"job_id\":\"81\",\"state\":[\"COMPLETED\"]},"
                + "{\"job_id\":\"82\",\"state\":[\"COMPLETED\"]},{\"job_id\":\"83\",\"state\":[\"COMPLETED\"]}]"));
        JsonNode down = recorded("error-slurmdb-job-slurmdbd-down");
        stub("/slurmdb/v0.0.40/jobs/", down.path("status").asInt(), down.path("jsonBody").toString());
        for (int id = 81; id <= 83; id++) {
            ObjectNode completed = (ObjectNode) recorded("job-get-completed").path("jsonBody").deepCopy();
            ((ObjectNode) completed.path("jobs").get(0)).put("job_id", id);
            stub("/slurm/v0.0.40/job/" + id, 200, completed.toString());
        }
        List<JobTracker.Aggregate> all = trackTournaments(81, 83);
        tracker.pollOnce();
        assertThat(all.stream().filter(a -> a.future.isDone()).count()).isEqualTo(2);
        int first = wm.getAllServeEvents().size();
        assertThat(first).as("state + slurmdbd + 2 reads").isLessThanOrEqualTo(4);
        tracker.pollOnce();
        assertThat(all).allMatch(a -> a.future.isDone());
        assertThat(tracker.liveJobIds()).isEmpty();
    }

    @Test
    void slurmdbdsBitmapOfAnArraysRestIsResolvedToo() throws Exception {
        // the array has left slurmctld; slurmdbd keeps its never-run rest as a bitmap ("0x3C": tasks 2-5)
        stub("/slurm/v0.0.40/jobs/state/", 200, states("[]"));
        JsonNode unknown = recorded("error-get-unknown-job");
        stub("/slurm/v0.0.40/job/" + ARRAY, unknown.path("status").asInt(), unknown.path("jsonBody").toString());
        stub("/slurmdb/v0.0.40/job/" + ARRAY, 200, recordedBody("slurmdb-job-array-cancelled-rest"));
        JobTracker.Aggregate array = new JobTracker.Aggregate(WorkType.SELFPLAY, "a", 6);
        tracker.track(new JobTracker.Tracked(ARRAY, true, 6, 0, "/nonexistent/a-%A_%a.out", array));
        tracker.pollOnce();
        assertTheRecordedArraysOutcome(array.future.getNow(null), true);
    }

    @Test
    void anArraysRestListedAsNStarIsResolvedFromSlurmdbdsBitmap() throws Exception {
        // "N_*": slurmctld's record of the array is final but names none of its tasks (the recorded
        // /job/ answer with its task string emptied); slurmdbd keeps the rest as a bitmap
        stub("/slurm/v0.0.40/jobs/state/", 200, states("[{\"job_id\":\"" + ARRAY + "_*\",\"state\":[\"CANCELLED\"]}]"));
        ObjectNode meta = (ObjectNode) recorded("job-get-array-cancelled-rest").path("jsonBody").deepCopy();
        for (JsonNode record : meta.path("jobs")) {
            if (record.path("job_id").asLong() == ARRAY) {
                ((ObjectNode) record).put("array_task_string", "");
            }
        }
        stub("/slurm/v0.0.40/job/" + ARRAY, 200, meta.toString());
        stub("/slurmdb/v0.0.40/job/" + ARRAY, 200, recordedBody("slurmdb-job-array-cancelled-rest"));
        JobTracker.Aggregate array = new JobTracker.Aggregate(WorkType.SELFPLAY, "a", 6);
        tracker.track(new JobTracker.Tracked(ARRAY, true, 6, 0, "/nonexistent/a-%A_%a.out", array));
        tracker.pollOnce();
        assertTheRecordedArraysOutcome(array.future.getNow(null), false);
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/job/" + ARRAY)));
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurmdb/v0.0.40/job/" + ARRAY)));
    }

    @Test
    void aRowOfAnUnknownShapeNeitherStopsTheRoundNorTheOtherJobs() throws Exception {
        stub("/slurm/v0.0.40/jobs/state/", 200, states("[{\"job_id\":\"no id here\",\"state\":[\"RUNNING\"]},"
                + "{\"job_id\":\"77#odd\",\"state\":[\"COMPLETED\"]},{\"job_id\":\"78\",\"state\":[\"RUNNING\"]}]"));
        ObjectNode completed = (ObjectNode) recorded("job-get-completed").path("jsonBody").deepCopy();
        ((ObjectNode) completed.path("jobs").get(0)).put("job_id", 77);
        stub("/slurm/v0.0.40/job/77", 200, completed.toString());
        JobTracker.Aggregate odd = new JobTracker.Aggregate(WorkType.TOURNAMENT, "odd", 1);
        tracker.track(new JobTracker.Tracked(77, false, 1, 0, "/nonexistent/%j.out", odd));
        JobTracker.Aggregate running = new JobTracker.Aggregate(WorkType.TOURNAMENT, "running", 1);
        tracker.track(new JobTracker.Tracked(78, false, 1, 0, "/nonexistent/%j.out", running));
        tracker.pollOnce();
        tracker.pollOnce();
        assertThat(odd.future.getNow(null).tasks().get(0).kind()).as("resolved from its job info").isEqualTo(OutcomeKind.SUCCESS);
        assertThat(running.future).isNotDone();
        assertThat(tracker.liveJobIds()).containsExactly(78L);
    }

    @Test
    void aRefusedTokenThatCannotBeRenewedEndsEveryWaitAtOnce() throws Exception {
        JsonNode expired = recorded("error-auth-expired-token-jobs");
        stub("/slurm/v0.0.40/jobs/state/", expired.path("status").asInt(), expired.path("jsonBody").toString());
        JobTracker.Aggregate a = new JobTracker.Aggregate(WorkType.TOURNAMENT, "a", 1);
        JobTracker.Aggregate b = new JobTracker.Aggregate(WorkType.TRAINING, "b", 1);
        tracker.track(new JobTracker.Tracked(77, false, 1, 0, "/nonexistent/%j.out", a));
        tracker.track(new JobTracker.Tracked(78, false, 1, 0, "/nonexistent/%j.out", b));
        tracker.pollOnce();
        assertThat(a.future).isCompletedExceptionally();
        assertThat(b.future).isCompletedExceptionally();
        assertThatThrownBy(a.future::join).hasCauseInstanceOf(SlurmAuthenticationException.class);
        assertThat(tracker.liveJobIds()).isEmpty();
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/jobs/state/")));
    }

    @Test
    void aFailureThatCanHealIsRetriedWithGrowingPauses() throws Exception {
        JsonNode down = recorded("error-jobs-state-controller-down");
        stub("/slurm/v0.0.40/jobs/state/", down.path("status").asInt(), down.path("jsonBody").toString());
        VirtualTime time = VirtualTime.stepped(Instant.parse("2026-12-02T12:00:00Z"));
        JobWatcher watcher = JobWatcher.builder(client).minInterval(Duration.ofMillis(100)).maxInterval(Duration.ofHours(1))
                .scheduler(time.scheduler()).clock(time).build();
        try (JobTracker healing = new JobTracker(watcher, JobUserAccess.forUser(null), ContainerRuntime.NONE)) {
            JobTracker.Aggregate a = new JobTracker.Aggregate(WorkType.TOURNAMENT, "a", 1);
            healing.track(new JobTracker.Tracked(77, false, 1, 0, "/nonexistent/%j.out", a));
            // the first round 100 ms after start, then pauses of 200, 400, 800, 1600 ms: rounds at
            // 0.1, 0.3, 0.7, 1.5 and 3.1 s of virtual time, where a fixed 100 ms pause would make 31
            time.advance(Duration.ofMillis(3_099));
            assertThat(sentStateRequests()).isEqualTo(4);
            time.advance(Duration.ofMillis(1));
            assertThat(sentStateRequests()).isEqualTo(5);
            assertThat(time.waits()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
                    Duration.ofMillis(800), Duration.ofMillis(1600), Duration.ofMillis(3200));
            assertThat(a.future).isNotDone();
            assertThat(healing.liveJobIds()).containsExactly(77L);
        } finally {
            time.shutdown();
        }
    }

    private static int sentStateRequests() {
        return wm.findAll(getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/jobs/state/"))).size();
    }

    /** Tracks one single-task tournament job for each id from {@code first} to {@code last}. */
    private List<JobTracker.Aggregate> trackTournaments(int first, int last) {
        List<JobTracker.Aggregate> all = new java.util.ArrayList<>();
        for (int id = first; id <= last; id++) {
            JobTracker.Aggregate a = new JobTracker.Aggregate(WorkType.TOURNAMENT, "t" + id, 1);
            all.add(a);
            tracker.track(new JobTracker.Tracked(id, false, 1, 0, "/nonexistent/%j.out", a));
        }
        return all;
    }
}
