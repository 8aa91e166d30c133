package com.example.slurmapp;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.spring.test.AutoConfigureFakeSlurm;
import ai.ringrift.slurm.testing.fake.FakeJob;
import ai.ringrift.slurm.testing.fake.FakeSlurm;
import ai.ringrift.slurm.testing.fake.JobRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/** The application over HTTP on the kit's fake Slurm: no cluster, no slurm.rest.* properties. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"slurm.fake.clock-speed=3600", "slurm.rest.health.cache-time=0s",
                // Boot's tests turn metrics export off; this application's scrape is part of what is tested
                "management.prometheus.metrics.export.enabled=true"})
@AutoConfigureFakeSlurm
class SlurmAppFakeTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    FakeSlurm slurm;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> call(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void submitsOnceReportsTheJobAndTheHealthFollowsSlurmrestd() throws Exception {
        slurm.onNextJobs(JobRun.runs(Duration.ofMinutes(2)).exitCode(3));
        HttpResponse<String> submitted = call("POST", "/jobs?name=fake-demo");
        assertThat(submitted.statusCode()).isEqualTo(200);
        long id = Long.parseLong(submitted.body().replaceAll(".*\"jobId\":(\\d+).*", "$1"));
        assertThat(slurm.jobs()).extracting(FakeJob::jobId).containsExactly(id);

        String report = "";
        for (int i = 0; i < 100 && !report.contains("\"final\":true"); i++) {
            report = call("GET", "/jobs/" + id).body();
            Thread.sleep(100);
        }
        assertThat(report).contains("\"name\":\"fake-demo\"", "\"state\":\"FAILED\"", "\"exitCode\":3");

        HttpResponse<String> health = call("GET", "/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode slurmHealth = JSON.readTree(health.body()).path("components").path("slurm");
        assertThat(slurmHealth.path("status").asText()).isEqualTo("UP");
        assertThat(slurmHealth.path("details").path("apiVersion").asText()).isEqualTo(slurm.version());
        assertThat(slurmHealth.path("details").path("release").asText()).isNotEmpty();
        assertThat(slurmHealth.path("details").path("tokenExpires").asText()).isNotEmpty();

        slurm.unreachableFor(Duration.ofHours(1));
        health = call("GET", "/actuator/health");
        assertThat(health.statusCode()).isEqualTo(503);
        slurmHealth = JSON.readTree(health.body()).path("components").path("slurm");
        assertThat(slurmHealth.path("status").asText()).isEqualTo("DOWN");
        assertThat(slurmHealth.path("details").path("reason").asText()).isEqualTo("slurmrestd unreachable");
        assertThat(health.body()).doesNotContain("\\tat ", "\"trace\"");
        slurm.clearFaults();
        assertThat(call("GET", "/actuator/health").statusCode()).isEqualTo(200);

        assertThat(call("GET", "/actuator/metrics/slurm.requests").body()).contains("\"name\":\"slurm.requests\"");
        assertThat(call("GET", "/actuator/prometheus").body()).contains("slurm_requests_seconds_count", "slurm_submissions");
        assertThat(slurm.jobs()).as("submitted once").hasSize(1);
    }
}
