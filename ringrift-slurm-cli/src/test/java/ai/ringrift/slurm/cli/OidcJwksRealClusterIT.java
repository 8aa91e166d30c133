package ai.ringrift.slurm.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.backend.SlurmBackend;
import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobState;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.RetryPolicy;
import ai.ringrift.slurm.rest.SlurmAuthenticationException;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.TokenSources;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The least-privilege way on real Slurm 24.11 and 26.05: clusters whose slurmctld and slurmdbd verify
 * RS256 tokens from a real OIDC provider on loopback (mock-oauth2-server, scripts/oidc-provider.sh)
 * by its JWKS and load no HS256 key (scripts/oidc-cluster.sh brings them up when they are not), and
 * the command line configured with slurm.rest.oidc and no key. Every request to slurmrestd goes
 * through a counting proxy (WireMock): the accepted token submits, tracks and cancels a job, read back
 * from slurmdbd too; a token of another issuer, for another audience, signed by another key or
 * without the user claim fails the loop's preflight with the fix line, and no POST reaches slurmrestd.
 * The OIDC part of the secret scan (SecretsNeverLeakIT has the rest): everything the command line printed,
 * System.out and System.err, java.util.logging at ALL, the OIDC source's describe(), toString() and
 * refusal text, and the daemons' logs of the JWKS clusters and the provider's log hold neither the
 * client secret, nor the provider's private key, nor the clusters' HS256 keys, nor any JWT.
 *
 * <p>Settings: RINGRIFT_OIDC_RELEASES (default "24.11 26.05"); the homes and ports of
 * scripts/oidc-cluster.sh and scripts/oidc-provider.sh (RINGRIFT_OIDC_CLUSTER_HOME_24_11,
 * RINGRIFT_OIDC_CLUSTER_HOME_26_05, RINGRIFT_OIDC_CLUSTER_PORT_BASE_24_11, ..._26_05,
 * RINGRIFT_OIDC_HOME, RINGRIFT_OIDC_PORT). Needs root to bring clusters up; fails if it cannot,
 * skips only with RINGRIFT_SKIP_CLUSTER_TESTS=true.
 */
class OidcJwksRealClusterIT {

    private static final Path PROJECT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Map<String, String> provider;
    private static Path rogueHome;
    private static String rogueIssuer;
    private static final List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
    private static java.io.PrintStream originalOut;
    private static java.io.PrintStream originalErr;
    private static final java.util.logging.Handler jul = new java.util.logging.Handler() {
        @Override
        public void publish(java.util.logging.LogRecord r) {
            said.add(r.getLoggerName() + " " + new java.util.logging.SimpleFormatter().formatMessage(r)
                    + (r.getThrown() == null ? "" : " " + r.getThrown()));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    static Stream<String> releases() {
        return Stream.of(System.getenv().getOrDefault("RINGRIFT_OIDC_RELEASES", "24.11 26.05").trim().split("\\s+"));
    }

    @BeforeAll
    static void providerAndClusters() throws Exception {
        if ("true".equalsIgnoreCase(System.getenv(LocalCluster.SKIP_VARIABLE))) {
            Assumptions.abort(LocalCluster.SKIP_VARIABLE + "=true: the JWKS clusters are not brought up");
        }
        for (String release : releases().toList()) {
            script(release, "scripts/oidc-cluster.sh", "--release", release, "up"); // also starts the provider
        }
        java.util.logging.Logger.getLogger("").addHandler(jul);
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.ALL);
        jul.setLevel(java.util.logging.Level.ALL);
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new java.io.PrintStream(new Tee(originalOut), true));
        System.setErr(new java.io.PrintStream(new Tee(originalErr), true));
        provider = envFile(Path.of(System.getenv().getOrDefault("RINGRIFT_OIDC_HOME", "/var/lib/ringrift-oidc"), "oidc.env"));
        // a second provider: the same issuer id and kid ("slurm"), a key of its own
        rogueHome = Files.createTempDirectory("rogue-oidc");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> rogueEnv = Map.of("RINGRIFT_OIDC_HOME", rogueHome.toString(), "RINGRIFT_OIDC_PORT", String.valueOf(port));
        run(rogueEnv, "scripts/oidc-provider.sh", "start");
        rogueIssuer = envFile(rogueHome.resolve("oidc.env")).get("OIDC_ISSUER");
    }

    @AfterAll
    static void noSecretWasSaidAnywhere() throws Exception {
        if (rogueHome != null) {
            run(Map.of("RINGRIFT_OIDC_HOME", rogueHome.toString()), "scripts/oidc-provider.sh", "stop");
            try (Stream<Path> files = Files.walk(rogueHome)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        if (originalOut == null) {
            return;
        }
        System.setOut(originalOut);
        System.setErr(originalErr);
        java.util.logging.Logger.getLogger("").removeHandler(jul);
        List<String> secrets = new java.util.ArrayList<>();
        secrets.add(Files.readString(Path.of(provider.get("OIDC_SECRET_FILE"))).strip());
        Path home = Path.of(provider.get("OIDC_SECRET_FILE")).getParent();
        var key = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(home.resolve("signing-key.jwk")));
        for (String part : List.of("d", "p", "q")) {
            secrets.add(key.path(part).asText().substring(0, 40));
        }
        List<String> texts = new java.util.ArrayList<>(said);
        synchronized (console) {
            texts.add(console.toString(StandardCharsets.UTF_8));
        }
        texts.add(Files.readString(home.resolve("provider.log")));
        int logs = 0;
        for (String release : releases().toList()) {
            Map<String, String> cluster = cluster(release);
            byte[] hs = Files.readAllBytes(Path.of(cluster.get("SLURM_JWT_KEY_FILE")));
            secrets.add(Base64.getEncoder().encodeToString(hs));
            secrets.add(Base64.getUrlEncoder().withoutPadding().encodeToString(hs));
            try (Stream<Path> files = Files.list(Path.of(cluster.get("SLURM_CLUSTER_ROOT"), "var/log/slurm"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    byte[] bytes = Files.readAllBytes(f);
                    int from = Math.max(0, bytes.length - 4_000_000);
                    texts.add(new String(bytes, from, bytes.length - from, StandardCharsets.ISO_8859_1));
                    logs++;
                }
            }
        }
        assertThat(logs).as("the daemons' logs").isGreaterThanOrEqualTo(4);
        assertThat(said).as("the command line's output and java.util.logging were captured").hasSizeGreaterThan(10);
        java.util.regex.Pattern jwt = java.util.regex.Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}");
        for (String text : texts) {
            for (String secret : secrets) {
                assertThat(text).as("a secret in the output, the logs or a message").doesNotContain(secret);
            }
            var m = jwt.matcher(text);
            assertThat(m.find()).as("a JWT in: " + (m.find(0) ? text.substring(Math.max(0, m.start() - 200), m.start()) : "")).isFalse();
        }
    }

    /** Writes to the stream and to the capture. */
    private static final class Tee extends java.io.OutputStream {
        private final java.io.OutputStream out;

        Tee(java.io.OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            synchronized (console) {
                console.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            synchronized (console) {
                console.write(b, off, len);
            }
        }
    }

    private static Cli.Run cli(Path config, String... args) {
        Cli.Run r = Cli.run(config, args);
        said.add(r.out());
        said.add(r.err());
        return r;
    }

    @ParameterizedTest(name = "Slurm {0}")
    @MethodSource("releases")
    void theProvidersTokenSubmitsTracksAndCancelsWithNoKeyGivenToTheService(String release) throws Exception {
        Map<String, String> cluster = cluster(release);
        assertThat(cluster).containsEntry("SLURM_AUTH", "jwks");
        assertThat(Files.readString(Path.of(cluster.get("SLURM_CLUSTER_ROOT"), "etc/slurm/slurm.conf")))
                .contains("AuthAltParameters=jwks=/etc/slurm/jwks.json,userclaimfield=slurm_user").doesNotContain("jwt_key=");
        WireMockServer proxy = proxy(cluster);
        try {
            String yaml = yaml(release, proxy);
            assertThat(yaml).contains("oidc:").doesNotContain("jwt_key_file").doesNotContain("jwt_hs256");
            Path config = write(yaml);

            Cli.Run preflight = cli(config, "preflight", "--probe-timeout", "60s");
            assertThat(preflight.exit()).as(preflight.all()).isZero();
            String tokenLine = preflight.out().lines().filter(l -> l.contains("token accepted")).findFirst().orElseThrow();
            assertThat(tokenLine).startsWith("PASS").contains("issuer " + provider.get("OIDC_ISSUER"))
                    .contains("user slurm_user=ringrift").contains("expires ").contains("audience [ringrift-slurm]");
            assertThat(preflight.out()).doesNotContain("HS256").doesNotContain("WARN  token source");

            // the OIDC source itself: what it says of itself and of a refusal
            var settings = ConfigLoader.load(config).slurm();
            var source = SlurmBackend.tokenSource(settings.rest());
            String token = source.current().value();
            said.add(source.describe());
            said.add(source.toString());
            said.add(String.valueOf(source.current()));
            said.add(source.explainRefusal(source.current()));
            assertThat(String.join("\n", said)).doesNotContain(token);
            try (SlurmBackend backend = SlurmBackend.create(settings)) {
                SlurmClient client = backend.client();
                said.add(client.toString());
                long id = client.submit(JobSubmission.builder().name("oidc-jwks-" + release).partition("cpu-eval")
                        .account("ringrift").cpusPerTask(1).memoryPerNodeMb(64).timeLimit(Duration.ofMinutes(5))
                        .workingDirectory(cluster.get("SLURM_SHARED_DIR"))
                        .standardOutput(cluster.get("SLURM_SHARED_DIR") + "/slurm/logs/oidc-%j.out")
                        .putEnvironment("PATH", "/usr/bin:/bin").script("#!/bin/bash\nsleep 300\n").build()).jobId();
                JobInfo live = until(() -> client.job(id).filter(j -> j.state() == JobState.RUNNING), Duration.ofSeconds(60));
                assertThat(live.name()).isEqualTo("oidc-jwks-" + release);
                client.cancel(id);
                JobInfo done = client.waiter().await(id, Duration.ofSeconds(60));
                assertThat(done.state()).isEqualTo(JobState.CANCELLED);
                // slurmdbd verified the same RS256 token
                JobInfo recorded = until(() -> client.accountingJobs(List.of(id)).stream().filter(j -> j.jobId() == id)
                        .filter(JobInfo::isFinal).findFirst(), Duration.ofSeconds(60));
                assertThat(recorded.state()).isEqualTo(JobState.CANCELLED);
            }
            List<LoggedRequest> all = proxy.findAll(anyRequestedFor(anyUrl()));
            assertThat(proxy.findAll(postRequestedFor(anyUrl()))).as("the probe job and the job were submitted").hasSizeGreaterThanOrEqualTo(2);
            // the one header that works on 24.11 and 26.05 (Authorization: Bearer does too; both at once is refused)
            assertThat(all).allSatisfy(r -> {
                assertThat(r.getHeader("X-SLURM-USER-TOKEN")).startsWith("eyJ");
                assertThat(r.containsHeader("Authorization")).isFalse();
            });
        } finally {
            proxy.stop();
        }
    }

    record Refusal(String name, String from, String to, String check, String fix, boolean reachesSlurmrestd) {}

    @ParameterizedTest(name = "Slurm {0}")
    @MethodSource("releases")
    void tokensOfAnotherIssuerAudienceOrKeyOrWithoutTheUserFailThePreflightAndNothingIsPosted(String release) throws Exception {
        Map<String, String> cluster = cluster(release);
        WireMockServer proxy = proxy(cluster);
        try {
            String yaml = yaml(release, proxy);
            String issuer = "issuer: " + provider.get("OIDC_ISSUER");
            List<Refusal> cases = List.of(
                    // signed with the other issuer's key: this client's checks pass, slurmctld refuses
                    new Refusal("another issuer", issuer, "issuer: " + provider.get("OIDC_OTHER_ISSUER"), "token accepted",
                            "key or issuer", true),
                    // aud another-cluster: Slurm does not check aud, this client does
                    new Refusal("another audience", "client_id: ringrift-loop", "client_id: ringrift-other-audience",
                            "token from the OIDC provider", "audience:", false),
                    // a provider with another key under the same issuer id and kid: the signature fails
                    new Refusal("another key", issuer, "issuer: " + rogueIssuer, "token accepted", "key or issuer", true),
                    new Refusal("no user claim", "client_id: ringrift-loop", "client_id: ringrift-no-user",
                            "token from the OIDC provider", "user claim:", false),
                    // the same token when this client is not told the claim: slurmctld refuses it
                    new Refusal("no user claim, unchecked here", "client_id: ringrift-loop\n", "client_id: ringrift-no-user\n",
                            "token accepted", "user", true));
            for (Refusal c : cases) {
                String mutated = yaml.replace(c.from(), c.to());
                if (c.name().endsWith("unchecked here")) {
                    mutated = mutated.replace("      user_claim: slurm_user\n", "");
                }
                assertThat(mutated).as(c.name()).isNotEqualTo(yaml);
                proxy.resetRequests();
                Cli.Run loop = cli(write(mutated), "loop", "--demo-scripts");
                assertThat(loop.exit()).as(c.name() + ": " + loop.all()).isEqualTo(1);
                String line = loop.out().lines().filter(l -> l.contains("FAIL  " + c.check())).findFirst()
                        .orElseThrow(() -> new AssertionError(c.name() + ": no FAIL line for " + c.check() + " in\n" + loop.all()));
                assertThat(line).as(c.name()).contains("-> fix: ").contains(c.fix());
                assertThat(loop.err()).contains("preflight failed; not starting the loop");
                assertThat(proxy.findAll(postRequestedFor(anyUrl()))).as(c.name() + ": POSTs at slurmrestd").isEmpty();
                if (c.reachesSlurmrestd()) {
                    assertThat(proxy.findAll(anyRequestedFor(anyUrl()))).as(c.name() + ": refused by slurmrestd").isNotEmpty();
                } else {
                    assertThat(proxy.findAll(anyRequestedFor(anyUrl()))).as(c.name() + ": refused before any request").isEmpty();
                }
                System.out.printf("[oidc-it] Slurm %s, %s: %s; requests at slurmrestd %d, POSTs 0%n", release, c.name(),
                        line.substring(0, Math.min(line.length(), 140)), proxy.findAll(anyRequestedFor(anyUrl())).size());
            }

            URI rest = URI.create(cluster.get("SLURM_REST_URL"));
            // slurmctld's answer: 26.05 answers a refused token at slurmdbd's endpoints (the version check) as if
            // slurmdbd were down
            ApiVersion version = ApiVersion.of(release.equals("24.11") ? "v0.0.42" : "v0.0.45");
            // the HS256 key is on disk but no daemon loads it: a token signed with it is refused
            String hs256 = TokenSources.jwtKey(Path.of(cluster.get("SLURM_JWT_KEY_FILE")), "ringrift", java.time.Duration.ofMinutes(10),
                    java.time.Clock.systemUTC()).current().value();
            try (SlurmClient client = SlurmClient.builder().baseUrl(rest.toString()).tokenSource(TokenSources.fixed(hs256))
                    .checkVersion(false).apiVersion(version).retryPolicy(RetryPolicy.none()).build()) {
                assertThatThrownBy(client::partitions).isInstanceOf(SlurmAuthenticationException.class);
            }
            // and why the audience is checked here: slurmctld takes a token for another audience
            String otherAudience = providerToken(provider.get("OIDC_ISSUER"), "ringrift-other-audience");
            assertThat(claims(otherAudience)).contains("\"aud\":\"another-cluster\"");
            try (SlurmClient client = SlurmClient.builder().baseUrl(rest.toString()).tokenSource(TokenSources.fixed(otherAudience))
                    .checkVersion(false).apiVersion(version).retryPolicy(RetryPolicy.none()).build()) {
                assertThat(client.partitions()).isNotEmpty();
            }
        } finally {
            proxy.stop();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, String> cluster(String release) throws IOException {
        String home = System.getenv("RINGRIFT_OIDC_CLUSTER_HOME_" + release.replace('.', '_'));
        if (home == null || home.isBlank()) {
            home = release.equals("24.11") ? "/var/lib/ringrift-slurm-oidc" : "/var/lib/ringrift-slurm-oidc-" + release;
        }
        return envFile(Path.of(home, "cluster.env"));
    }

    private static WireMockServer proxy(Map<String, String> cluster) {
        WireMockServer proxy = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        proxy.start();
        proxy.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(cluster.get("SLURM_REST_URL"))));
        return proxy;
    }

    /** scripts/oidc-cluster.sh yaml, pointed at the proxy and with faster polling. */
    private static String yaml(String release, WireMockServer proxy) throws Exception {
        Map<String, String> cluster = cluster(release);
        return run(envFor(release), "scripts/oidc-cluster.sh", "--release", release, "yaml")
                .replace(cluster.get("SLURM_REST_URL"), "http://127.0.0.1:" + proxy.port())
                .replace("poll_interval_min: 2s", "poll_interval_min: 500ms")
                .replace("poll_interval_max: 60s", "poll_interval_max: 2s");
    }

    private static Path write(String yaml) throws IOException {
        Path file = Files.createTempFile("unified_loop_oidc", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static String providerToken(String issuer, String client) throws Exception {
        String secret = Files.readString(Path.of(provider.get("OIDC_SECRET_FILE"))).strip();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(issuer + "/token"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("access_token").asText();
    }

    private static String claims(String jwt) {
        return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
    }

    private static <T> T until(java.util.function.Supplier<Optional<T>> probe, Duration within) throws InterruptedException {
        Instant end = Instant.now().plus(within);
        while (Instant.now().isBefore(end)) {
            Optional<T> got = probe.get();
            if (got.isPresent()) {
                return got.get();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("not within " + within);
    }

    private static Map<String, String> envFor(String release) {
        Map<String, String> env = new LinkedHashMap<>();
        String suffix = release.replace('.', '_');
        String home = System.getenv("RINGRIFT_OIDC_CLUSTER_HOME_" + suffix);
        String base = System.getenv("RINGRIFT_OIDC_CLUSTER_PORT_BASE_" + suffix);
        if (home != null) {
            env.put("RINGRIFT_OIDC_CLUSTER_HOME", home);
        }
        if (base != null) {
            env.put("RINGRIFT_OIDC_CLUSTER_PORT_BASE", base);
        }
        return env;
    }

    private static void script(String release, String... command) throws Exception {
        run(envFor(release), command);
    }

    /** Runs a project script; its output goes to target/oidc-it-*.log, and a failure fails the test with its tail. */
    private static String run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(PROJECT.toFile());
        pb.environment().putAll(env);
        Path err = Files.createTempFile("oidc-it", ".log");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 10 minutes");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (" + p.exitValue() + "):\n" + out + Files.readString(err));
        }
        return out;
    }

    private static Map<String, String> envFile(Path file) throws IOException {
        Map<String, String> facts = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                facts.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return facts;
    }
}
