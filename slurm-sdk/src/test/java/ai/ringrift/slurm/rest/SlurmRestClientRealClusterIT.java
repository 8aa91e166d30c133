package ai.ringrift.slurm.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.testsupport.LocalCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The REST layer against the real slurmrestd 24.11 of scripts/local-slurm.sh. */
class SlurmRestClientRealClusterIT {

    private static LocalCluster cluster;
    private static SlurmClient client;
    private static final List<Long> submitted = new ArrayList<>();

    @BeforeAll
    static void connect() {
        cluster = LocalCluster.require();
        client = clientFor(cluster.restUrl().toString(), minted(), RetryPolicy.defaults());
    }

    @AfterAll
    static void cleanUp() {
        if (client != null) {
            synchronized (submitted) {
                client.cancel(submitted);
            }
            client.close();
        }
    }

    /** The API version under test: SLURM_REST_API_VERSION, else null: negotiated (the newest both speak). */
    static final ApiVersion API_VERSION = ApiVersion.fromSetting(System.getenv("SLURM_REST_API_VERSION"));

    private static TokenSource minted() {
        return TokenSources.jwtKey(cluster.jwtKeyFile(), cluster.user(), Duration.ofMinutes(30), Clock.systemUTC());
    }

    private static SlurmClient clientFor(String url, TokenSource tokens, RetryPolicy policy) {
        return SlurmClient.builder().baseUrl(url).tokenSource(tokens).retryPolicy(policy)
                .apiVersion(API_VERSION).readTimeout(Duration.ofSeconds(60)).build();
    }

    private static JobSubmission.Builder heldJob(String name) {
        return JobSubmission.builder().name(name).script("#!/bin/bash\necho held\n").partition("cpu-eval")
                .account(cluster.account()).workingDirectory(cluster.sharedDir().toString())
                .standardOutput(cluster.sharedDir().resolve("rest-it-%j.out").toString())
                .timeLimit(Duration.ofMinutes(5)).cpusPerTask(1).memoryPerNodeMb(100).hold(true);
    }

    private static SubmittedJob track(SubmittedJob job) {
        synchronized (submitted) {
            submitted.add(job.jobId());
        }
        return job;
    }

    @Test
    void confirmsTheVersionAndReadsTheCluster() {
        ServerInfo info = client.checkVersion();
        assertThat(info.dataParser()).contains(client.apiVersion().text());
        if (API_VERSION == null) {
            // the newest version both speak, as the version table has it: 24.11 -> v0.0.42, 26.05 -> v0.0.45
            ApiVersion newest = ai.ringrift.slurm.rest.internal.VersionTable.get().release(info.slurmRelease()).orElseThrow().serves().stream()
                    .filter(ApiVersion::isSupported).max(java.util.Comparator.naturalOrder()).orElseThrow();
            assertThat(client.apiVersion()).isEqualTo(newest);
            assertThat(newest.text()).isEqualTo(info.slurmRelease().startsWith("24.11") ? "v0.0.42" : "v0.0.45");
        }
        assertThat(info.controllerUp()).isTrue();
        assertThat(client.partitions()).extracting(PartitionInfo::name).contains("gpu-train", "gpu-selfplay", "cpu-eval");
        assertThat(client.partitions()).allMatch(PartitionInfo::up);
        NodeInfo node = client.nodes().stream().filter(n -> n.name().equals("localhost")).findFirst().orElseThrow();
        assertThat(node.gpus()).isEqualTo(4);
        assertThat(node.isUsable()).isTrue();
    }

    @Test
    void submitsReadsAndCancelsAHeldJob() throws Exception {
        SubmittedJob job = track(client.submit(heldJob("rest-held").build()));
        assertThat(job.adopted()).isFalse();
        assertThat(job.attempts()).isEqualTo(1);

        JobInfo info = client.job(job.jobId()).orElseThrow();
        assertThat(info.state()).isEqualTo(JobState.PENDING);
        assertThat(info.stateReason()).isEqualTo("JobHeldUser");
        assertThat(info.comment()).isEqualTo(SlurmClient.SUBMIT_KEY_PREFIX + job.submitKey());
        assertThat(client.jobStates(List.of(job.jobId()))).singleElement()
                .satisfies(s -> assertThat(s.state()).isEqualTo(JobState.PENDING));

        client.cancel(job.jobId());
        assertThat(await(() -> client.job(job.jobId()).orElseThrow(), j -> j.state() == JobState.CANCELLED).isFinal()).isTrue();
        JobInfo recorded = await(() -> client.accountingJobs(job.jobId()).stream().findFirst().orElse(null),
                j -> j != null && j.state() == JobState.CANCELLED);
        assertThat(recorded.source()).isEqualTo(JobInfo.Source.ACCOUNTING);
        assertThat(recorded.comment()).isEqualTo(info.comment());
    }

    @Test
    void cancelsManyJobsInOneRequest() throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(track(client.submit(heldJob("rest-bulk-" + i).build())).jobId());
        }
        client.cancel(ids);
        for (long id : ids) {
            await(() -> client.job(id).orElseThrow(), j -> j.state() == JobState.CANCELLED);
        }
    }

    @Test
    void refusesWhatWillFailAgainAtOnce() {
        assertThatThrownBy(() -> client.submit(heldJob("rest-bad-partition").partition("no-such-partition").build()))
                .isInstanceOfSatisfying(SlurmRejectedException.class, e -> {
                    assertThat(e.hasErrorNumber(2000)).isTrue();
                    assertThat(e.attempts()).isEqualTo(1);
                    assertThat(e.getMessage()).contains("Fix: use a partition");
                });
        assertThatThrownBy(() -> client.submit(heldJob("rest-bad-account").account("no-such-account").build()))
                .isInstanceOfSatisfying(SlurmRejectedException.class, e -> {
                    assertThat(e.hasErrorNumber(2045)).isTrue();
                    assertThat(e.attempts()).isEqualTo(1);
                });
        assertThatThrownBy(() -> client.submit(heldJob("rest-bad-qos").qos("no-such-qos").build()))
                .isInstanceOfSatisfying(SlurmRejectedException.class, e -> {
                    assertThat(e.attempts()).isEqualTo(1);
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.getMessage()).containsIgnoringCase("qos");
                });
        assertThat(client.jobs(99_999_999L)).isEmpty();
    }

    @Test
    void anExpiredFixedTokenFailsWithWhenItExpired() {
        String expired = cluster.mintToken(cluster.user(), Duration.ofSeconds(-120), Clock.systemUTC());
        try (SlurmClient stale = clientFor(cluster.restUrl().toString(), TokenSources.fixed(expired), RetryPolicy.defaults())) {
            // the version check's slurmdbd request is the first to be refused: HTTP 502, error 7000
            assertThatThrownBy(() -> stale.jobs(1)).isInstanceOfSatisfying(SlurmAuthenticationException.class, e -> {
                assertThat(e.attempts()).isEqualTo(1);
                assertThat(e.getMessage()).contains("expired at").doesNotContain(expired);
            });
        }
    }

    @Test
    void anExpiredTokenIsRefusedBySlurmctldWithHttp511() {
        String expired = cluster.mintToken(cluster.user(), Duration.ofSeconds(-120), Clock.systemUTC());
        try (SlurmClient stale = SlurmClient.builder().baseUrl(cluster.restUrl().toString())
                .tokenSource(TokenSources.fixed(expired)).apiVersion(API_VERSION).checkVersion(false).build()) {
            assertThatThrownBy(() -> stale.jobs(1)).isInstanceOfSatisfying(SlurmAuthenticationException.class, e -> {
                assertThat(e.httpStatus()).hasValue(511);
                assertThat(e.hasErrorNumber(1007)).isTrue();
                assertThat(e.getMessage()).contains("expired at");
            });
        }
    }

    @Test
    void aRefusedTokenFromARenewableSourceIsRenewedOnce() {
        String expired = cluster.mintToken(cluster.user(), Duration.ofSeconds(-120), Clock.systemUTC());
        TokenSource real = minted();
        TokenSource staleFirst = new TokenSource() {
            private volatile Token token = Token.of(expired);

            @Override
            public Token current() {
                return token;
            }

            @Override
            public Token renew(Token rejected) {
                token = real.current();
                return token;
            }

            @Override
            public String describe() {
                return "a source whose first token has expired";
            }
        };
        try (SlurmClient renewing = clientFor(cluster.restUrl().toString(), staleFirst, RetryPolicy.none())) {
            assertThat(renewing.ping().controllerUp()).isTrue();
        }
    }

    @Test
    void aLostAnswerToASubmissionNeverMakesASecondJob() throws Exception {
        try (ResponseDroppingProxy proxy = new ResponseDroppingProxy(cluster.restUrl().getHost(),
                        cluster.restUrl().getPort(), "POST /slurm/" + client.apiVersion() + "/job/submit");
                SlurmClient viaProxy = clientFor(proxy.url(), minted(), RetryPolicy.defaults())) {
            String key = "lost-" + UUID.randomUUID();
            SubmittedJob job = track(viaProxy.submit(heldJob("rest-lost-answer").submitKey(key).build()));
            assertThat(proxy.dropped.get()).isEqualTo(1);
            assertThat(job.adopted()).isTrue();
            assertThat(job.attempts()).isEqualTo(1);

            // exactly one job carries the key
            assertThat(client.findBySubmitKey(SlurmClient.SUBMIT_KEY_PREFIX + key, Instant.now().minusSeconds(600)))
                    .contains(job.jobId());
            long withKey = client.jobStates().stream().map(s -> client.job(s.jobId()))
                    .flatMap(java.util.Optional::stream)
                    .filter(j -> j.comment().equals(SlurmClient.SUBMIT_KEY_PREFIX + key)).count();
            assertThat(withKey).isEqualTo(1);
        }
    }

    @Test
    void aServerWithoutV0040IsNamedInTheError() {
        try (SlurmClient wrong = clientFor(cluster.restUrl().resolve("/not-slurm/").toString(), minted(), RetryPolicy.none())) {
            assertThatThrownBy(wrong::ping).isInstanceOfSatisfying(SlurmVersionException.class,
                    e -> assertThat(e.getMessage()).contains(API_VERSION == null
                            ? "serves none of the API versions this client speaks"
                            : "does not serve " + API_VERSION + ", the API version pinned"));
        }
    }

    @Test
    void aSubmissionWaitsOutARestartOfSlurmctld() throws Exception {
        client.checkVersion();
        cluster.stop("slurmctld");
        CompletableFuture<Void> restart = CompletableFuture.runAsync(() -> {
            try {
                TimeUnit.SECONDS.sleep(20); // past slurmrestd's own ~9 s wait for slurmctld
                cluster.up();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (SlurmClient patient = clientFor(cluster.restUrl().toString(), minted(),
                RetryPolicy.builder().maxAttempts(20).initialBackoff(Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(3))
                        .maxElapsed(Duration.ofMinutes(2)).build())) {
            SubmittedJob job = track(patient.submit(heldJob("rest-ctld-restart").build()));
            assertThat(job.attempts()).isGreaterThan(1);
            assertThat(client.job(job.jobId())).isPresent();
        } finally {
            restart.get(2, TimeUnit.MINUTES);
        }
    }

    private static <T> T await(java.util.function.Supplier<T> read, Predicate<T> until) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        T last = null;
        while (Instant.now().isBefore(deadline)) {
            last = read.get();
            if (until.test(last)) {
                return last;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("not reached within 60 s; last: " + last);
    }
}
