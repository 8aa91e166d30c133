package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.metrics.MicrometerSlurmMetrics;
import ai.ringrift.slurm.rest.*;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.RetryPolicy;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.TokenSources;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The metrics against what WireMock received: every request on the wire is counted once, by endpoint. */
class MicrometerSlurmMetricsTest {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static JsonNode recorded(String name) throws Exception {
        try (InputStream in = MicrometerSlurmMetricsTest.class.getResourceAsStream("/slurmrestd/v0.0.40/mappings/" + name + ".json")) {
            return new ObjectMapper().readTree(in).path("response");
        }
    }

    private static String tokenExpiringAt(Instant exp) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"sun\":\"u\",\"exp\":" + exp.getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8))
                + ".c2lnbmF0dXJl";
    }

    @Test
    void requestsRetriesSubmissionsAndTokenExpiryAreRecordedAsSent() throws Exception {
        JsonNode submitted = recorded("job-submit");
        JsonNode down = recorded("error-submit-controller-down");
        JsonNode job = recorded("job-get-completed");
        // the first submit meets slurmctld down (recorded: 502, error 1800, nothing created: retried
        // without a lookup), the second succeeds
        wm.stubFor(post(urlPathEqualTo("/slurm/v0.0.40/job/submit")).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(down.path("status").asInt()).withHeader("Content-Type", "application/json")
                        .withBody(down.path("jsonBody").toString())).willSetStateTo("up"));
        wm.stubFor(post(urlPathEqualTo("/slurm/v0.0.40/job/submit")).inScenario("s").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(submitted.path("jsonBody").toString())));
        wm.stubFor(get(urlPathMatching("/slurm/v0.0.40/job/[0-9]+")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(job.path("jsonBody").toString())));

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Instant now = Instant.parse("2026-11-29T12:00:00Z");
        MicrometerSlurmMetrics metrics = new MicrometerSlurmMetrics(registry, Clock.fixed(now, ZoneOffset.UTC));
        try (SlurmClient client = SlurmClient.builder().baseUrl(wm.baseUrl())
                .tokenSource(TokenSources.fixed(tokenExpiringAt(now.plusSeconds(600))))
                .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(10)).build()).checkVersion(false).apiVersion(ApiVersion.of("v0.0.40"))
                .metrics(metrics).build()) {
            metrics.bindTokenExpiry(client);
            long id = client.submit(JobSubmission.builder().name("m").script("#!/bin/bash\ntrue\n").workingDirectory("/tmp").build()).jobId();
            client.job(id);
            client.job(id);
            assertThat(registry.get("slurm.token.expiry").timeGauge().value(TimeUnit.SECONDS)).isEqualTo(600.0);
        }

        int posts = wm.findAll(postRequestedFor(urlPathEqualTo("/slurm/v0.0.40/job/submit"))).size();
        int gets = wm.findAll(getRequestedFor(urlPathMatching("/slurm/v0.0.40/job/[0-9]+"))).size();
        assertThat(posts).isEqualTo(2);
        assertThat(gets).isEqualTo(2);
        assertThat(registry.get("slurm.requests").tags("method", "POST", "endpoint", "/slurm/v0.0.40/job/submit").timers()
                .stream().mapToLong(t -> t.count()).sum()).isEqualTo(posts);
        assertThat(registry.get("slurm.requests").tags("endpoint", "/slurm/v0.0.40/job/{id}", "status", "200").timer().count())
                .isEqualTo(gets);
        assertThat(registry.get("slurm.requests").tags("outcome", "server_error", "status", String.valueOf(down.path("status").asInt()))
                .timer().count()).isEqualTo(1);
        assertThat(registry.get("slurm.retries").tags("operation", "submit job", "reason", "SlurmRejectedException").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("slurm.submissions").tags("outcome", "created").counter().count()).isEqualTo(1);
        assertThat(registry.get("slurm.submit.duplicates.avoided").counter().count()).isZero();
    }

    @Test
    void trackedJobsByStateFollowTheRounds() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerSlurmMetrics metrics = new MicrometerSlurmMetrics(registry);
        metrics.trackingRound(Duration.ofMillis(5), java.util.Map.of("RUNNING", 3, "PENDING", 2));
        metrics.trackingRound(Duration.ofMillis(7), java.util.Map.of("RUNNING", 1, "COMPLETED", 4));
        assertThat(registry.get("slurm.tracked.jobs").tag("state", "RUNNING").gauge().value()).isEqualTo(1);
        assertThat(registry.get("slurm.tracked.jobs").tag("state", "PENDING").gauge().value()).isZero();
        assertThat(registry.get("slurm.tracked.jobs").tag("state", "COMPLETED").gauge().value()).isEqualTo(4);
        assertThat(registry.get("slurm.tracking.rounds").timer().count()).isEqualTo(2);
    }
}
