package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.recordings.Recordings;
import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.rest.internal.Jwts;
import ai.ringrift.slurm.testsupport.VirtualTime;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fault matrix: what the client sends and what the caller gets, against WireMock stubs built
 * from answers recorded on the real slurmrestd 24.11. WireMock stands in only for what a real server
 * will not do on demand: resets, empty replies, slowness, 503s, broken JSON.
 */
class SlurmRestClientFaultTest {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String JOB = "/slurm/v0.0.40/job/42";
    private static final String SUBMIT = "/slurm/v0.0.40/job/submit";
    private static final String JOBS = "/slurm/v0.0.40/jobs/";
    private static final String DB_JOBS = "/slurmdb/v0.0.40/jobs/";
    private static final String STATES = "/slurm/v0.0.40/jobs/state/";

    /**
     * slurmctld holds these jobs (a state row each); {@code withKey} carries the submit key, the
     * others another comment and a submit time long before any test's clock.
     */
    private void slurmctldHolds(long withKey, String key, long... others) {
        long[] all = java.util.stream.LongStream.concat(java.util.stream.LongStream.of(others),
                withKey > 0 ? java.util.stream.LongStream.of(withKey) : java.util.stream.LongStream.empty()).toArray();
        wm.stubFor(get(urlPathEqualTo(STATES)).willReturn(aResponse().withStatus(200).withBody(Recorded.statesOf(all))));
        for (long id : others) {
            wm.stubFor(get(urlPathEqualTo("/slurm/v0.0.40/job/" + id)).willReturn(aResponse().withStatus(200)
                    .withBody(Recorded.jobListWith("job-get-held", id, "someone else's job", 1_000_000_000L))));
        }
        if (withKey > 0) {
            wm.stubFor(get(urlPathEqualTo("/slurm/v0.0.40/job/" + withKey)).willReturn(aResponse().withStatus(200)
                    .withBody(Recorded.jobListWith("job-get-held", withKey, SlurmClient.SUBMIT_KEY_PREFIX + key))));
        }
    }

    private VirtualTime time;
    private SlurmClient client;

    @BeforeEach
    void setUp() {
        time = new VirtualTime(Instant.parse("2026-11-29T12:00:00Z"));
        client = client(RetryPolicy.builder().maxAttempts(4).build(), Duration.ofSeconds(5), TokenSources.fixed("t0k3n"));
    }

    @AfterEach
    void tearDown() {
        client.close();
        time.shutdown();
    }

    private SlurmClient client(RetryPolicy policy, Duration readTimeout, TokenSource tokens) {
        return SlurmClient.builder()
                .baseUrl(wm.baseUrl())
                .tokenSource(tokens)
                .retryPolicy(policy)
                .readTimeout(readTimeout)
                .submitTimeout(readTimeout) // these tests give up on submits as quickly as on reads
                .clock(time)
                .retryScheduler(time.scheduler())
                .checkVersion(false).apiVersion(ApiVersion.of("v0.0.40"))
                .build();
    }

    private static JobSubmission job(String key) {
        return JobSubmission.builder().name("fault-test").script("#!/bin/bash\ntrue\n").partition("cpu-eval")
                .workingDirectory("/tmp").submitKey(key).build();
    }

    private void stubOnceThen(com.github.tomakehurst.wiremock.client.MappingBuilder first,
            com.github.tomakehurst.wiremock.client.MappingBuilder then) {
        wm.stubFor(first.inScenario("s").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("second"));
        wm.stubFor(then.inScenario("s").whenScenarioStateIs("second"));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder recorded(String name) {
        Recorded.Answer a = Recorded.answer(name);
        return aResponse().withStatus(a.status()).withHeader("Content-Type", "application/json").withBody(a.body());
    }

    @Test
    void connectionResetOnARead_isRetriedOnce() {
        stubOnceThen(get(urlPathEqualTo(JOB)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)),
                get(urlPathEqualTo(JOB)).willReturn(recorded("job-get-completed")));
        assertThat(client.jobs(42)).singleElement().satisfies(j -> assertThat(j.state()).isEqualTo(JobState.COMPLETED));
        wm.verify(2, getRequestedFor(urlPathEqualTo(JOB)));
        assertThat(time.waits()).hasSize(1);
    }

    @Test
    void emptyReply_isRetried() {
        stubOnceThen(get(urlPathEqualTo(JOB)).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)),
                get(urlPathEqualTo(JOB)).willReturn(recorded("job-get-completed")));
        assertThat(client.jobs(42)).hasSize(1);
        wm.verify(2, getRequestedFor(urlPathEqualTo(JOB)));
    }

    @Test
    void http503ThenOk_isRetriedWithBackoff() {
        stubOnceThen(get(urlPathEqualTo(JOB)).willReturn(aResponse().withStatus(503).withBody("busy")),
                get(urlPathEqualTo(JOB)).willReturn(recorded("job-get-completed")));
        assertThat(client.jobs(42)).hasSize(1);
        wm.verify(2, getRequestedFor(urlPathEqualTo(JOB)));
        // first backoff: 250 ms +/- 50 %
        assertThat(time.waits()).singleElement().satisfies(w -> assertThat(w.toMillis()).isBetween(125L, 375L));
    }

    @Test
    void http429_honoursRetryAfter() {
        stubOnceThen(get(urlPathEqualTo(JOB)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")),
                get(urlPathEqualTo(JOB)).willReturn(recorded("job-get-completed")));
        assertThat(client.jobs(42)).hasSize(1);
        assertThat(time.waits()).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void alwaysUnavailable_stopsAfterMaxAttemptsWithExponentialWaits() {
        wm.stubFor(get(urlPathEqualTo(JOB)).willReturn(aResponse().withStatus(503)));
        assertThatThrownBy(() -> client.jobs(42))
                .isInstanceOfSatisfying(SlurmRejectedException.class, e -> {
                    assertThat(e.attempts()).isEqualTo(4);
                    assertThat(e.httpStatus()).hasValue(503);
                    assertThat(e.getMessage()).contains("after 4 attempts");
                });
        wm.verify(4, getRequestedFor(urlPathEqualTo(JOB)));
        assertThat(time.waits()).hasSize(3);
        // each wait is drawn around 250, 500, 1000 ms
        assertThat(time.waits().get(0).toMillis()).isBetween(125L, 375L);
        assertThat(time.waits().get(1).toMillis()).isBetween(250L, 750L);
        assertThat(time.waits().get(2).toMillis()).isBetween(500L, 1500L);
    }

    @Test
    void totalRetryTimeIsBounded() {
        client.close();
        client = client(RetryPolicy.builder().maxAttempts(100).initialBackoff(Duration.ofSeconds(1)).jitter(0.1)
                .maxElapsed(Duration.ofSeconds(10)).build(), Duration.ofSeconds(5), TokenSources.fixed("t0k3n"));
        wm.stubFor(get(urlPathEqualTo(JOB)).willReturn(aResponse().withStatus(503)));
        Instant start = time.instant();
        assertThatThrownBy(() -> client.jobs(42)).isInstanceOf(SlurmRejectedException.class);
        assertThat(Duration.between(start, time.instant())).isLessThanOrEqualTo(Duration.ofSeconds(10));
        int sent = wm.findAll(getRequestedFor(urlPathEqualTo(JOB))).size();
        assertThat(sent).isBetween(3, 6);
    }

    @Test
    void readTimeout_isRetried() {
        client.close();
        client = client(RetryPolicy.builder().maxAttempts(3).build(), Duration.ofMillis(300), TokenSources.fixed("t0k3n"));
        stubOnceThen(get(urlPathEqualTo(JOB)).willReturn(recorded("job-get-completed").withFixedDelay(2000)),
                get(urlPathEqualTo(JOB)).willReturn(recorded("job-get-completed")));
        assertThat(client.jobs(42)).hasSize(1);
        wm.verify(2, getRequestedFor(urlPathEqualTo(JOB)));
    }

    @Test
    void malformedJson_failsAtOnceAsUnreadable() {
        wm.stubFor(get(urlPathEqualTo(JOB)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"jobs\": [ {\"job_id\": 4")));
        assertThatThrownBy(() -> client.jobs(42)).isInstanceOfSatisfying(SlurmException.class, e -> {
            assertThat(e).isInstanceOfAny(SlurmResponseException.class, SlurmUnreachableException.class);
            assertThat(e.getMessage()).contains("GET /slurm/v0.0.40/job/42");
        });
    }

    @Test
    void garbageThatIsNotJson_failsAtOnceAsUnreadable() {
        wm.stubFor(get(urlPathEqualTo(JOB)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("<html>proxy error</html>")));
        assertThatThrownBy(() -> client.jobs(42)).isInstanceOfSatisfying(SlurmResponseException.class,
                e -> assertThat(e.attempts()).isEqualTo(1));
        wm.verify(1, getRequestedFor(urlPathEqualTo(JOB)));
    }

    @Test
    void rejectedToken_fixedSourceFailsOnceAndSaysWhenItExpired() {
        String expired = Jwts.mint(new byte[32], "ringrift", time.instant().minusSeconds(3600), time.instant().minusSeconds(600));
        client.close();
        client = client(RetryPolicy.defaults(), Duration.ofSeconds(5), TokenSources.fixed(expired));
        wm.stubFor(get(urlPathEqualTo(JOB)).willReturn(recorded("error-auth-expired-token-jobs")));
        assertThatThrownBy(() -> client.jobs(42))
                .isInstanceOfSatisfying(SlurmAuthenticationException.class, e -> {
                    assertThat(e.httpStatus()).hasValue(511);
                    assertThat(e.hasErrorNumber(1007)).isTrue();
                    assertThat(e.getMessage()).contains("expired at 2026-11-29T11:50:00Z").contains("a fixed token")
                            .doesNotContain(expired);
                });
        wm.verify(1, getRequestedFor(urlPathEqualTo(JOB)));
    }

    @Test
    void rejectedToken_renewableSourceRenewsOnceAndResends() {
        TokenSource renewing = new TokenSource() {
            private volatile Token token = Token.of("first-token");

            @Override
            public Token current() {
                return token;
            }

            @Override
            public Token renew(Token rejected) {
                token = Token.of("second-token");
                return token;
            }

            @Override
            public String describe() {
                return "a test source";
            }
        };
        client.close();
        client = client(RetryPolicy.defaults(), Duration.ofSeconds(5), renewing);
        wm.stubFor(get(urlPathEqualTo(JOB)).withHeader("X-SLURM-USER-TOKEN", com.github.tomakehurst.wiremock.client.WireMock.equalTo("first-token"))
                .willReturn(recorded("error-auth-bad-token-jobs")));
        wm.stubFor(get(urlPathEqualTo(JOB)).withHeader("X-SLURM-USER-TOKEN", com.github.tomakehurst.wiremock.client.WireMock.equalTo("second-token"))
                .willReturn(recorded("job-get-completed")));
        assertThat(client.jobs(42)).hasSize(1);
        wm.verify(2, getRequestedFor(urlPathEqualTo(JOB)));
    }

    @Test
    void unknownPartition_failsAtOnceWithTheFix() {
        wm.stubFor(post(urlPathEqualTo(SUBMIT)).willReturn(recorded("error-submit-unknown-partition")));
        assertThatThrownBy(() -> client.submit(job("key-unknown-partition")))
                .isInstanceOfSatisfying(SlurmRejectedException.class, e -> {
                    assertThat(e.httpStatus()).hasValue(500);
                    assertThat(e.hasErrorNumber(2000)).isTrue();
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.attempts()).isEqualTo(1);
                    assertThat(e.getMessage()).contains("Invalid partition name specified").contains("Fix: use a partition");
                });
        wm.verify(1, postRequestedFor(urlPathEqualTo(SUBMIT)));
        wm.verify(0, getRequestedFor(urlPathEqualTo(JOBS)));
    }

    @Test
    void invalidAccount_failsAtOnceWithTheFix() {
        wm.stubFor(post(urlPathEqualTo(SUBMIT)).willReturn(recorded("error-submit-invalid-account")));
        assertThatThrownBy(() -> client.submit(job("key-invalid-account")))
                .isInstanceOfSatisfying(SlurmRejectedException.class, e -> {
                    assertThat(e.hasErrorNumber(2045)).isTrue();
                    assertThat(e.getMessage()).contains("Fix: use an account the user is associated with");
                });
        wm.verify(1, postRequestedFor(urlPathEqualTo(SUBMIT)));
    }

    @Test
    void manyAccountingIds_goInRequestsOf200_soTheRequestLineArrivesInOneRead() {
        wm.stubFor(get(urlPathEqualTo(DB_JOBS)).willReturn(aResponse().withStatus(200).withBody(Recorded.emptyAccounting())));
        List<Long> ids = java.util.stream.LongStream.rangeClosed(1_000_001, 1_000_450).boxed().toList();
        assertThat(client.accountingJobs(ids)).isEmpty();
        wm.verify(3, getRequestedFor(urlPathEqualTo(DB_JOBS)));
        assertThat(wm.findAll(getRequestedFor(urlPathEqualTo(DB_JOBS)))).allSatisfy(r -> assertThat(r.getUrl().length()).isLessThan(4096));
    }

    @Test
    void unknownJob_isEmptyNotAnError() {
        wm.stubFor(get(urlPathEqualTo("/slurm/v0.0.40/job/999999")).willReturn(recorded("error-get-unknown-job")));
        assertThat(client.jobs(999999)).isEmpty();
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/job/999999")));
    }

    @Test
    void submitWhoseAnswerIsLost_adoptsTheJobFoundByItsKeyWithoutSendingAgain() {
        String key = "lost-answer-key-1";
        wm.stubFor(post(urlPathEqualTo(SUBMIT)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        slurmctldHolds(777, key, 5);
        SubmittedJob job = client.submit(job(key));
        assertThat(job.jobId()).isEqualTo(777);
        assertThat(job.adopted()).isTrue();
        wm.verify(1, postRequestedFor(urlPathEqualTo(SUBMIT)));
        // the light state rows, then the newest job: never every job slurmctld holds
        wm.verify(1, getRequestedFor(urlPathEqualTo(STATES)));
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/job/777")));
        wm.verify(0, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/job/5")));
        wm.verify(0, getRequestedFor(urlPathEqualTo(JOBS)));
    }

    @Test
    void aLookupReadsOnlyTheJobsNewerThanTheLastSubmitThatWasAnswered() {
        String key = "lost-answer-key-3";
        long answered = Recordings.jobId("v0.0.40", "job-submit");
        stubOnceThen(post(urlPathEqualTo(SUBMIT)).willReturn(recorded("job-submit")),
                post(urlPathEqualTo(SUBMIT)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        assertThat(client.submit(job("answered-key")).jobId()).isEqualTo(answered);
        slurmctldHolds(answered + 1, key, answered - 1, answered, answered + 2);
        SubmittedJob job = client.submit(job(key));
        assertThat(job.jobId()).isEqualTo(answered + 1);
        assertThat(job.adopted()).isTrue();
        // newest first, down to the job: nothing at or below the id the first submit was answered with
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/job/" + (answered + 2))));
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/job/" + (answered + 1))));
        wm.verify(0, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/job/" + answered)));
        wm.verify(0, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/job/" + (answered - 1))));
        wm.verify(0, getRequestedFor(urlPathEqualTo(JOBS)));
    }

    @Test
    void submitWhoseAnswerIsLostAndNoJobExists_isSentAgainOnce() {
        String key = "lost-answer-key-2";
        stubOnceThen(post(urlPathEqualTo(SUBMIT)).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)),
                post(urlPathEqualTo(SUBMIT)).willReturn(recorded("job-submit")));
        slurmctldHolds(0, key, 5, 6);
        wm.stubFor(get(urlPathEqualTo(DB_JOBS)).willReturn(aResponse().withStatus(200).withBody(Recorded.emptyAccounting())));
        Instant lost = time.instant();
        SubmittedJob job = client.submit(job(key));
        assertThat(job.adopted()).isFalse();
        assertThat(job.attempts()).isEqualTo(2);
        wm.verify(2, postRequestedFor(urlPathEqualTo(SUBMIT)));
        // sent again only after the default settle time (30 s) of lookups that found nothing: the
        // request the client gave up on could still have created the job inside slurmrestd
        assertThat(Duration.between(lost, time.instant())).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
        int lookups = wm.findAll(getRequestedFor(urlPathEqualTo(STATES))).size();
        assertThat(lookups).as("state reads while settling, one every 3 s").isBetween(10, 12);
        // the newest job was submitted long before this attempt: the reading stops there, and a job
        // read once (not this submission's) is not read again by the later lookups
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/job/6")));
        wm.verify(0, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/job/5")));
        wm.verify(0, getRequestedFor(urlPathEqualTo(JOBS)));
        // slurmdbd is asked for jobs of this name only, once per lookup
        wm.verify(lookups, getRequestedFor(urlPathEqualTo(DB_JOBS)).withQueryParam("job_name",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo("fault-test")));
    }

    @Test
    void aJobThatAppearsWhileTheSubmissionSettlesIsAdoptedNotSentAgain() {
        // under slurmctld's rate limit the request the client gave up on lands seconds later
        String key = "late-landing-key";
        stubOnceThen(post(urlPathEqualTo(SUBMIT)).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)),
                post(urlPathEqualTo(SUBMIT)).willReturn(recorded("job-submit")));
        wm.stubFor(get(urlPathEqualTo(DB_JOBS)).willReturn(aResponse().withStatus(200).withBody(Recorded.emptyAccounting())));
        for (long id : new long[] {5, 6}) {
            wm.stubFor(get(urlPathEqualTo("/slurm/v0.0.40/job/" + id)).willReturn(aResponse().withStatus(200)
                    .withBody(Recorded.jobListWith("job-get-held", id, "someone else's job", 1_000_000_000L))));
        }
        wm.stubFor(get(urlPathEqualTo("/slurm/v0.0.40/job/9")).willReturn(aResponse().withStatus(200)
                .withBody(Recorded.jobListWith("job-get-held", 9, SlurmClient.SUBMIT_KEY_PREFIX + key))));
        // the first two lookups see jobs 5 and 6; the third sees job 9, which carries the key
        wm.stubFor(get(urlPathEqualTo(STATES)).inScenario("late").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("once").willReturn(aResponse().withStatus(200).withBody(Recorded.statesOf(5, 6))));
        wm.stubFor(get(urlPathEqualTo(STATES)).inScenario("late").whenScenarioStateIs("once")
                .willSetStateTo("landed").willReturn(aResponse().withStatus(200).withBody(Recorded.statesOf(5, 6))));
        wm.stubFor(get(urlPathEqualTo(STATES)).inScenario("late").whenScenarioStateIs("landed")
                .willReturn(aResponse().withStatus(200).withBody(Recorded.statesOf(5, 6, 9))));
        SubmittedJob job = client.submit(job(key));
        assertThat(job.adopted()).isTrue();
        assertThat(job.jobId()).isEqualTo(9);
        wm.verify(1, postRequestedFor(urlPathEqualTo(SUBMIT)));
        wm.verify(3, getRequestedFor(urlPathEqualTo(STATES)));
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/job/6"))); // read once, skipped after
    }

    @Test
    void submitWhoseControllerConnectionWasReset_looksForTheJobBeforeSendingAgain() {
        // seen on the real server while slurmctld restarted: HTTP 500, errno 104 from slurm_submit_batch_job()
        String key = "reset-mid-rpc-key";
        wm.stubFor(post(urlPathEqualTo(SUBMIT)).willReturn(aResponse().withStatus(500).withBody(
                "{\"errors\":[{\"description\":\"Batch job submission failed\",\"error_number\":104,"
                        + "\"error\":\"Connection reset by peer\",\"source\":\"slurm_submit_batch_job()\"}],\"warnings\":[]}")));
        slurmctldHolds(4242, key);
        SubmittedJob job = client.submit(job(key));
        assertThat(job.jobId()).isEqualTo(4242);
        assertThat(job.adopted()).isTrue();
        wm.verify(1, postRequestedFor(urlPathEqualTo(SUBMIT)));
    }

    @Test
    void submitThatCouldNotConnect_isSentAgainWithoutLooking() {
        // slurmctld down behind slurmrestd: HTTP 502 with Slurm error 1800
        stubOnceThen(post(urlPathEqualTo(SUBMIT)).willReturn(recorded("error-submit-controller-down")),
                post(urlPathEqualTo(SUBMIT)).willReturn(recorded("job-submit")));
        SubmittedJob job = client.submit(job("controller-down-key"));
        assertThat(job.adopted()).isFalse();
        wm.verify(2, postRequestedFor(urlPathEqualTo(SUBMIT)));
        wm.verify(0, getRequestedFor(urlPathEqualTo(STATES)));
    }

    @Test
    void aSubmitAnsweredAfterTheReadTimeoutIsWaitedFor() {
        // slurmrestd under slurmctld's rate limit answers a submit late; other requests would time out
        client.close();
        client = SlurmClient.builder().baseUrl(wm.baseUrl()).tokenSource(TokenSources.fixed("t0k3n"))
                .readTimeout(Duration.ofMillis(200)).checkVersion(false).apiVersion(ApiVersion.of("v0.0.40")).build();
        wm.stubFor(post(urlPathEqualTo(SUBMIT)).willReturn(recorded("job-submit").withFixedDelay(1000)));
        SubmittedJob job = client.submit(job("late-answer-key"));
        assertThat(job.attempts()).isEqualTo(1);
        assertThat(job.adopted()).isFalse();
        wm.verify(0, getRequestedFor(urlPathEqualTo(STATES)));
        stubOnceThen(get(urlPathEqualTo(JOB)).willReturn(recorded("job-get-completed").withFixedDelay(1000)),
                get(urlPathEqualTo(JOB)).willReturn(recorded("job-get-completed")));
        assertThat(client.jobs(42)).hasSize(1); // a read is not: it timed out and was sent again
        wm.verify(2, getRequestedFor(urlPathEqualTo(JOB)));
    }

    @Test
    void submitTimesOutEveryTime_failsWithTheKeyToLookForWhenTheLookupFailsToo() {
        client.close();
        client = client(RetryPolicy.builder().maxAttempts(2).build(), Duration.ofMillis(200), TokenSources.fixed("t0k3n"));
        wm.stubFor(post(urlPathEqualTo(SUBMIT)).willReturn(recorded("job-submit").withFixedDelay(1000)));
        wm.stubFor(get(urlPathEqualTo(STATES)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        assertThatThrownBy(() -> client.submit(job("never-answered-key")))
                .isInstanceOfSatisfying(SlurmUnreachableException.class, e -> {
                    assertThat(e.getMessage()).contains("may or may not have created a job")
                            .contains(SlurmClient.SUBMIT_KEY_PREFIX + "never-answered-key");
                });
        // never a second POST while the first one's fate is unknown
        wm.verify(1, postRequestedFor(urlPathEqualTo(SUBMIT)));
    }

    @Test
    void submitTimesOutEveryTime_andNoJobAppears_failsSayingNothingWasCreated() {
        client.close();
        client = client(RetryPolicy.builder().maxAttempts(2).build(), Duration.ofMillis(200), TokenSources.fixed("t0k3n"));
        wm.stubFor(post(urlPathEqualTo(SUBMIT)).willReturn(recorded("job-submit").withFixedDelay(1000)));
        slurmctldHolds(0, "settled-key", 5);
        wm.stubFor(get(urlPathEqualTo(DB_JOBS)).willReturn(aResponse().withStatus(200).withBody(Recorded.emptyAccounting())));
        assertThatThrownBy(() -> client.submit(job("settled-key")))
                .isInstanceOfSatisfying(SlurmUnreachableException.class, e -> {
                    assertThat(e.mayHaveReachedServer()).isFalse();
                    assertThat(e.getMessage()).contains("no answer in time").contains("No job was created")
                            .contains("30 s of answered lookups").contains("submitting it again is safe")
                            .doesNotContain("may or may not");
                });
        // sent again once, after the first one had settled; each settled before the error
        wm.verify(2, postRequestedFor(urlPathEqualTo(SUBMIT)));
    }

    @Test
    void lookupsThatGoUnanswered_endTheWaitAfterTheSubmitTimeout_withTheKeyToLookFor() {
        // slurmrestd died with the submit in it and stays down: the job's fate cannot be learnt, and
        // the call must not wait for ever (it did: each unanswered lookup started the settle time again)
        wm.stubFor(post(urlPathEqualTo(SUBMIT)).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
        wm.stubFor(get(urlPathEqualTo(STATES)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        wm.stubFor(get(urlPathEqualTo(DB_JOBS)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        Instant lost = time.instant();
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
                assertThatThrownBy(() -> client.submit(job("down-for-good-key")))
                        .isInstanceOfSatisfying(SlurmUnreachableException.class, e -> {
                            assertThat(e.mayHaveReachedServer()).isTrue();
                            assertThat(e.getMessage()).contains("may or may not have created a job")
                                    .contains(SlurmClient.SUBMIT_KEY_PREFIX + "down-for-good-key");
                        }));
        // the submit timeout of this client is 5 s; the lookups went unanswered for that long, and
        // the retries of the call and of the last lookup add their backoff (4 attempts each)
        assertThat(Duration.between(lost, time.instant())).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(60));
        wm.verify(1, postRequestedFor(urlPathEqualTo(SUBMIT)));
    }

    @Test
    void readWhileSlurmctldIsDown_isRetried() {
        // slurmctld down: HTTP 500 with the unspecified error -1; safe to repeat for a read
        stubOnceThen(get(urlPathEqualTo(JOB)).willReturn(recorded("error-get-job-controller-down")),
                get(urlPathEqualTo(JOB)).willReturn(recorded("job-get-completed")));
        assertThat(client.jobs(42)).hasSize(1);
        wm.verify(2, getRequestedFor(urlPathEqualTo(JOB)));
    }

    @Test
    void accountingReadWhileSlurmdbdIsDown_isRetried() {
        String path = "/slurmdb/v0.0.40/job/42";
        stubOnceThen(get(urlPathEqualTo(path)).willReturn(recorded("error-slurmdb-job-slurmdbd-down")),
                get(urlPathEqualTo(path)).willReturn(recorded("slurmdb-job-completed")));
        assertThat(client.accountingJobs(42)).singleElement()
                .satisfies(j -> assertThat(j.source()).isEqualTo(JobInfo.Source.ACCOUNTING));
        wm.verify(2, getRequestedFor(urlPathEqualTo(path)));
    }

    @Test
    void slurmdbdRefusingTheToken_isAnAuthenticationErrorNotARetry() {
        String path = "/slurmdb/v0.0.40/job/42";
        wm.stubFor(get(urlPathEqualTo(path)).willReturn(recorded("error-auth-expired-token-slurmdb")));
        assertThatThrownBy(() -> client.accountingJobs(42)).isInstanceOfSatisfying(SlurmAuthenticationException.class, e -> {
            assertThat(e.httpStatus()).hasValue(502);
            assertThat(e.hasErrorNumber(7000)).isTrue();
        });
        wm.verify(1, getRequestedFor(urlPathEqualTo(path)));
    }

    @Test
    void invalidQos_failsAtOnceWithTheFix() {
        wm.stubFor(post(urlPathEqualTo(SUBMIT)).willReturn(recorded("error-submit-invalid-qos")));
        assertThatThrownBy(() -> client.submit(job("key-invalid-qos")))
                .isInstanceOfSatisfying(SlurmRejectedException.class, e -> {
                    assertThat(e.hasErrorNumber(2066)).isTrue();
                    assertThat(e.getMessage()).contains("Fix: use a qos");
                });
        wm.verify(1, postRequestedFor(urlPathEqualTo(SUBMIT)));
    }

    @Test
    void jobStatesReadTheRealShapeOfArrayTasks() {
        wm.stubFor(get(urlPathEqualTo("/slurm/v0.0.40/jobs/state/")).willReturn(recorded("jobs-state-array-held")));
        List<JobStateEntry> states = client.jobStates();
        assertThat(states).hasSize(4).allSatisfy(s -> {
            assertThat(s.isArrayTask()).isTrue();
            assertThat(s.state()).isEqualTo(JobState.PENDING);
        });
        assertThat(states).extracting(JobStateEntry::arrayTaskId).containsExactly(0, 1, 2, 3);
        assertThat(states.get(0).id()).isEqualTo(states.get(0).jobId() + "_0");
    }

    @Test
    void cancelManyJobsIsOneRequest() {
        wm.stubFor(delete(urlPathEqualTo(JOBS)).willReturn(aResponse().withStatus(200).withBody("{\"status\":[],\"errors\":[],\"warnings\":[]}")));
        client.cancel(List.of(1L, 2L, 3L));
        wm.verify(1, deleteRequestedFor(urlPathEqualTo(JOBS)));
    }

    @Test
    void aNewerServerWithNoVersionInCommon_failsOnceSayingThatANewerSdkIsNeeded() {
        client.close();
        client = SlurmClient.builder().baseUrl(wm.baseUrl()).tokenSource(TokenSources.fixed("t0k3n"))
                .clock(time).retryScheduler(time.scheduler()).build();
        // a server of a later release that serves v0.0.46 only (the ping recorded from 24.11, release rewritten);
        // every other path is WireMock's 404, as the real server answers a version it does not serve
        wm.stubFor(get(urlPathEqualTo("/slurm/v0.0.46/ping/")).willReturn(aResponse().withStatus(200)
                .withBody(Recorded.answer("ping").body().replace("24.11.5", "27.05.1"))));
        assertThatThrownBy(() -> client.jobs(42)).isInstanceOfSatisfying(SlurmVersionException.class, e -> {
            assertThat(e.getMessage()).contains("(Slurm 27.05.1) serves none of the API versions this client speaks")
                    .contains("use a newer release of this SDK").doesNotContain("v0.0.4");
            assertThat(e.slurmRelease()).isEqualTo("27.05.1");
            assertThat(e.servedVersions()).extracting(ApiVersion::text).containsExactly("v0.0.46");
            assertThat(e.versionsInCommon()).isEmpty();
            assertThat(e.spokenVersions()).isEqualTo(ApiVersion.supported());
        });
        wm.verify(0, getRequestedFor(urlPathEqualTo(JOB)));
        for (ApiVersion v : ApiVersion.supported()) {
            wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/" + v + "/ping/"))); // asked once each
        }
    }

    @Test
    void anOlderServerWithNoVersionInCommon_namesTheReleaseThatWouldBringOne() {
        client.close();
        client = SlurmClient.builder().baseUrl(wm.baseUrl()).tokenSource(TokenSources.fixed("t0k3n"))
                .clock(time).retryScheduler(time.scheduler()).build();
        wm.stubFor(get(urlPathEqualTo("/slurm/v0.0.39/ping/")).willReturn(aResponse().withStatus(200)
                .withBody(Recorded.answer("ping").body().replace("24.11.5", "23.02.7"))));
        assertThatThrownBy(() -> client.jobs(42)).isInstanceOfSatisfying(SlurmVersionException.class,
                e -> assertThat(e.getMessage()).contains("(Slurm 23.02.7) serves none of the API versions this client speaks: "
                        + "Slurm 23.11 or later serves v0.0.40: upgrade slurmrestd").doesNotContain("v0.0.39"));
    }

    @Test
    void negotiation_takesTheNewestVersionTheServerServes_inOneCheapExchange() {
        client.close();
        client = SlurmClient.builder().baseUrl(wm.baseUrl()).tokenSource(TokenSources.fixed("t0k3n"))
                .clock(time).retryScheduler(time.scheduler()).build();
        // a Slurm 24.11: v0.0.45 and v0.0.44 are not there (404, text/plain, as the real server answers), v0.0.42 is
        for (String missing : List.of("v0.0.45", "v0.0.44")) {
            wm.stubFor(get(urlPathEqualTo("/slurm/" + missing + "/ping/")).willReturn(aResponse().withStatus(404)
                    .withHeader("Content-Type", "text/plain").withBody("Unable to find requested URL endpoint.")));
        }
        wm.stubFor(get(urlPathEqualTo("/slurm/v0.0.42/ping/")).willReturn(recorded("ping")));
        wm.stubFor(get(urlPathEqualTo("/slurmdb/v0.0.42/tres/")).willReturn(recorded("slurmdb-tres")));
        assertThat(client.apiVersion()).isEqualTo(ApiVersion.of("v0.0.42"));
        assertThat(client.apiVersion()).isEqualTo(ApiVersion.of("v0.0.42")); // chosen once per client
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/v0.0.45/ping/")));
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/v0.0.44/ping/")));
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/v0.0.42/ping/"))); // not pinged again by the check
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurmdb/v0.0.42/tres/")));
        wm.verify(0, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/ping/")));
        assertThat(wm.getAllServeEvents()).hasSize(4);
    }

    @Test
    void aPinnedVersionTheServerLacks_namesOnlyTheVersionsBothSpeak() {
        client.close();
        client = SlurmClient.builder().baseUrl(wm.baseUrl()).tokenSource(TokenSources.fixed("t0k3n")).apiVersion(ApiVersion.of("v0.0.40"))
                .clock(time).retryScheduler(time.scheduler()).build();
        // a Slurm 26.05: v0.0.42 to v0.0.45 served (v0.0.43 too, which this client does not speak)
        for (String served : List.of("v0.0.45", "v0.0.44", "v0.0.43", "v0.0.42")) {
            wm.stubFor(get(urlPathEqualTo("/slurm/" + served + "/ping/")).willReturn(aResponse().withStatus(200)
                    .withBody(Recorded.answer("ping").body().replace("24.11.5", "26.05.5"))));
        }
        assertThatThrownBy(() -> client.ping()).isInstanceOfSatisfying(SlurmVersionException.class, e -> {
            assertThat(e.getMessage()).contains("(Slurm 26.05.5) does not serve v0.0.40, the API version pinned")
                    .contains("pin one both speak (v0.0.45, v0.0.44, v0.0.42) or use auto, which picks v0.0.45")
                    .doesNotContain("v0.0.43");
            assertThat(e.fix()).startsWith("pin one both speak");
            assertThat(e.versionsInCommon()).extracting(ApiVersion::text).containsExactly("v0.0.45", "v0.0.44", "v0.0.42");
            assertThat(e.spokenVersions()).containsExactly(ApiVersion.of("v0.0.40"));
        });
        wm.verify(1, getRequestedFor(urlPathEqualTo("/slurm/v0.0.40/ping/")));
        assertThatThrownBy(() -> SlurmClient.builder().apiVersion(ApiVersion.of("v0.0.41"))).isInstanceOf(SlurmUsageException.class)
                .hasMessageContaining(ApiVersion.supported().toString());
    }

    @Test
    void warningsInSuccessfulAnswersDoNotFailTheCall() {
        wm.stubFor(get(urlPathEqualTo(JOB)).willReturn(aResponse().withStatus(200).withBody(
                Recorded.answer("job-get-completed").body().replace("\"warnings\":[]",
                        "\"warnings\":[{\"description\":\"a warning from the server\",\"source\":\"test\"}]"))));
        assertThat(client.jobs(42)).hasSize(1);
    }
}
