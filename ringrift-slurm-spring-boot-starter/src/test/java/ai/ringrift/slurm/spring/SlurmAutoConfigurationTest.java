package ai.ringrift.slurm.spring;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.spring.actuate.SlurmHealthAutoConfiguration;
import ai.ringrift.slurm.testing.fake.FakeSlurm;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class SlurmAutoConfigurationTest {

    @TempDir
    static Path dir;

    private static String keyFile() throws Exception {
        Path key = dir.resolve("jwt_hs256.key");
        if (!Files.exists(key)) {
            Files.write(key, new byte[64]);
        }
        return key.toString();
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SlurmAutoConfiguration.class, SlurmHealthAutoConfiguration.class));

    private ApplicationContextRunner withKey(String url) throws Exception {
        return runner.withPropertyValues("slurm.rest.url=" + url, "slurm.rest.jwt-key-file=" + keyFile(), "slurm.rest.user=ringrift");
    }

    private static String startFailure(ApplicationContextRunner r) {
        String[] message = new String[1];
        r.run(ctx -> {
            assertThat(ctx).hasFailed();
            Throwable t = ctx.getStartupFailure();
            while (t != null && !(t instanceof SlurmPropertyException)) {
                t = t.getCause();
            }
            assertThat(t).as("a SlurmPropertyException among the causes of " + ctx.getStartupFailure()).isNotNull();
            FailureAnalysis analysis = new SlurmPropertyFailureAnalyzer().analyze(ctx.getStartupFailure());
            assertThat(analysis.getAction()).contains(((SlurmPropertyException) t).property());
            assertThat(analysis.getDescription()).contains(t.getMessage());
            message[0] = t.getMessage();
        });
        return message[0];
    }

    @Test
    void badPropertiesStopTheStartNamingThePropertyAndTheFix() throws Exception {
        assertThat(startFailure(runner)).startsWith("slurm.rest.url: is missing").contains("http://HOST:6820");
        assertThat(startFailure(runner.withPropertyValues("slurm.rest.url=http://h:6820")))
                .startsWith("slurm.rest: has no token source").contains("slurm.rest.token-file");
        assertThat(startFailure(withKey("http://h:6820").withPropertyValues("slurm.rest.token-env=true")))
                .contains("more than one token source (jwt-key-file, token-env)");
        assertThat(startFailure(runner.withPropertyValues("slurm.rest.url=http://h:6820", "slurm.rest.jwt-key-file=" + keyFile())))
                .startsWith("slurm.rest.user: is needed");
        assertThat(startFailure(withKey("http://h:6820").withPropertyValues("slurm.rest.max-in-flight=0")))
                .startsWith("slurm.rest.max-in-flight: maxInFlight must be at least 1");
        assertThat(startFailure(withKey("http://h:6820").withPropertyValues("slurm.rest.api-version=v0.0.39")))
                .startsWith("slurm.rest.api-version:").contains("v0.0.42");
        assertThat(startFailure(withKey("http://h:6820").withPropertyValues("slurm.rest.submit-timeout=0s")))
                .startsWith("slurm.rest.submit-timeout: submitTimeout must be a positive duration");
        assertThat(startFailure(withKey("not a url"))).startsWith("slurm.rest.url:").contains("http://HOST:6820");
        assertThat(startFailure(withKey("http://h:6820").withPropertyValues("slurm.rest.ca-file=/nonexistent/ca.pem")))
                .startsWith("slurm.rest.ca-file:").contains("/nonexistent/ca.pem");
        assertThat(startFailure(runner.withPropertyValues("slurm.rest.url=http://h:6820", "slurm.rest.oidc.issuer=https://idp.example.org")))
                .startsWith("slurm.rest.oidc.client-id: is missing");
    }

    @Test
    void startsWhileSlurmrestdIsDownAndTheHealthSaysWhyQuickly() throws Exception {
        withKey("http://127.0.0.1:1").withPropertyValues("slurm.rest.health.timeout=2s").run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(SlurmClient.class).hasBean("slurmHealthIndicator");
            long t0 = System.nanoTime();
            var health = ctx.getBean("slurmHealthIndicator", HealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("reason", "slurmrestd unreachable").containsKey("error");
            assertThat(health.getDetails().toString()).doesNotContain("\tat ");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("no retries in a check").isLessThan(Duration.ofSeconds(3));
        });
    }

    @Test
    void theHealthIndicatorCanBeTurnedOff() throws Exception {
        withKey("http://127.0.0.1:1").withPropertyValues("slurm.rest.health.enabled=false").run(ctx ->
                assertThat(ctx).hasNotFailed().hasSingleBean(SlurmClient.class)
                        .doesNotHaveBean(SlurmHealthCheck.class).doesNotHaveBean("slurmHealthIndicator"));
    }

    @Test
    void everyPropertyIsDocumentedInTheGeneratedMetadata() throws Exception {
        var metadata = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json"));
        java.util.Map<String, String> described = new java.util.TreeMap<>();
        metadata.path("properties").forEach(p -> described.put(p.path("name").asText(), p.path("description").asText()));
        assertThat(described).containsKeys("slurm.rest.url", "slurm.rest.token-file", "slurm.rest.jwt-key-file",
                "slurm.rest.token-env", "slurm.rest.oidc.issuer", "slurm.rest.oidc.client-id", "slurm.rest.ca-file",
                "slurm.rest.connect-timeout", "slurm.rest.read-timeout", "slurm.rest.call-timeout", "slurm.rest.max-in-flight",
                "slurm.rest.submit-timeout", "slurm.rest.submit-settle", "slurm.rest.api-version",
                "slurm.rest.health.cache-time", "slurm.backend.config-file");
        assertThat(described).allSatisfy((name, description) -> assertThat(description).as(name).isNotBlank());
    }

    @Test
    void theApplicationsOwnClientWinsAndIsTheOneChecked() {
        try (FakeSlurm fake = FakeSlurm.builder().start()) {
            runner.withBean(SlurmClient.class, fake::client).run(ctx -> {
                assertThat(ctx).hasNotFailed().hasSingleBean(SlurmClient.class).doesNotHaveBean(SlurmClients.class);
                assertThat(ctx.getBean(SlurmClient.class)).isSameAs(fake.client());
                var health = ctx.getBean("slurmHealthIndicator", HealthIndicator.class).health();
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails()).containsEntry("apiVersion", fake.version()).containsKeys("release", "tokenExpires");
            });
        }
    }

    @Test
    void theSdksMetersGoToTheApplicationsRegistry() throws Exception {
        try (FakeSlurm fake = FakeSlurm.builder().start()) {
            withKey(fake.baseUrl()).withPropertyValues("slurm.rest.jwt-key-file=" + fake.jwtKeyFile())
                    .withUserConfiguration(Registry.class).run(ctx -> {
                        assertThat(ctx).hasNotFailed();
                        ctx.getBean(SlurmClient.class).jobStates();
                        MeterRegistry registry = ctx.getBean(MeterRegistry.class);
                        assertThat(registry.find("slurm.requests").timers()).isNotEmpty();
                        assertThat(registry.find("slurm.token.expiry").gauge()).isNotNull();
                    });
        }
    }

    @Test
    void theClientIsClosedWithTheContext() throws Exception {
        SlurmClients[] clients = new SlurmClients[1];
        withKey("http://127.0.0.1:1").run(ctx -> clients[0] = ctx.getBean(SlurmClients.class));
        assertThat(clients[0]).isNotNull();
        // the SDK's retry scheduler is shut down with the client (a call after close is refused by it)
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> clients[0].client().jobStates())
                .hasMessageContaining("Terminated");
    }

    @Configuration(proxyBeanMethods = false)
    static class Registry {
        @Bean
        MeterRegistry registry() {
            return new SimpleMeterRegistry();
        }
    }

    /** A clock the test moves. */
    static final class MovableClock extends java.time.Clock {
        Instant now = Instant.parse("2026-12-02T12:00:00Z");
        @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public java.time.Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    /** A client as the starter's probe is: one attempt per request. */
    private static ai.ringrift.slurm.rest.SlurmClient probeClient(FakeSlurm fake) {
        return fake.clientBuilder().retryPolicy(ai.ringrift.slurm.rest.RetryPolicy.none()).build();
    }

    /** A check on a probe client of the fake that checks again every time. */
    private static SlurmHealthCheck uncachedCheck(FakeSlurm fake) {
        return new SlurmHealthCheck(probeClient(fake), Duration.ZERO, java.time.Clock.systemUTC());
    }

    @Test
    void aCheckIsReusedForTheCacheTimeThenDoneAgain() {
        try (FakeSlurm fake = FakeSlurm.builder().start()) {
            MovableClock clock = new MovableClock();
            SlurmHealthCheck check = new SlurmHealthCheck(probeClient(fake), Duration.ofSeconds(10), clock);
            assertThat(check.health().up()).isTrue();
            int before = fake.wireMock().getAllServeEvents().size();
            fake.unreachableFor(Duration.ofHours(1));
            clock.now = clock.now.plusSeconds(9);
            for (int i = 0; i < 50; i++) {
                assertThat(check.health().up()).as("cached").isTrue();
            }
            assertThat(fake.wireMock().getAllServeEvents()).hasSize(before);
            clock.now = clock.now.plusSeconds(1);
            SlurmHealth down = check.health();
            assertThat(down.up()).isFalse();
            assertThat(down.details()).containsEntry("reason", "slurmrestd unreachable");
            fake.clearFaults();
            assertThat(check.health().up()).as("still cached").isFalse();
            clock.now = clock.now.plusSeconds(10);
            assertThat(check.health().up()).as("up again").isTrue();
        }
    }

    @Test
    void slurmdbdDownAtFirstContactIsReportedAsSuch() {
        try (FakeSlurm fake = FakeSlurm.builder().start()) {
            SlurmHealthCheck check = uncachedCheck(fake);
            fake.slurmdbdDown();
            SlurmHealth h = check.health();
            assertThat(h.up()).isFalse();
            assertThat(h.details()).containsEntry("reason", "slurmdbd down");
        }
    }

    @Test
    void slurmdbdStoppedLaterIsReportedAsSuchAndItsReturnToo() {
        try (FakeSlurm fake = FakeSlurm.builder().start()) {
            SlurmHealthCheck check = uncachedCheck(fake);
            assertThat(check.health().up()).isTrue(); // first contact (the version check, which reads slurmdbd once) done
            fake.slurmdbdDown();
            SlurmHealth h = check.health();
            assertThat(h.up()).isFalse();
            assertThat(h.details()).containsEntry("reason", "slurmdbd down");
            fake.slurmdbdUp();
            assertThat(check.health().up()).as("slurmdbd back").isTrue();
        }
    }

    @Test
    void aRefusedTokenIsReportedAsSuch() {
        try (FakeSlurm fake = FakeSlurm.builder().start()) {
            SlurmHealthCheck check = uncachedCheck(fake);
            assertThat(check.health().up()).isTrue(); // first contact (the version check) done
            fake.refuseTokensAsForeign(-1);
            SlurmHealth h = check.health();
            assertThat(h.up()).isFalse();
            assertThat(h.details()).containsEntry("reason", "slurmctld down or token refused");
            assertThat(h.details().toString()).doesNotContain(fake.tokenSource("ringrift").current().value());
        }
    }
}
