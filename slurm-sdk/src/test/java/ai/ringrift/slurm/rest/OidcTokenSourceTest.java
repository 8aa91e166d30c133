package ai.ringrift.slurm.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OIDC token source against a scripted token endpoint on loopback (a JDK HttpServer that
 * signs RS256 tokens with a key made here), with a clock the test moves. What a real provider and
 * a real cluster make of it: OidcJwksRealClusterIT (ringrift-slurm-cli).
 */
class OidcTokenSourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "s3cr3t-Value-42";

    @TempDir Path dir;
    private HttpServer server;
    private String base;
    private KeyPair signingKey;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
    private final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger discoveries = new AtomicInteger();
    /** Changes what the next tokens say; by default a good token of 100 s. */
    private volatile Consumer<ObjectNode[]> shape = parts -> {};
    private volatile long lifeSeconds = 100;
    private volatile int delayMillis;
    private volatile int status = 200;
    private volatile String errorBody = "";
    private Path secretFile;

    @BeforeEach
    void start() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        signingKey = gen.generateKeyPair();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/realm/.well-known/openid-configuration", ex -> {
            discoveries.incrementAndGet();
            respond(ex, 200, "{\"issuer\":\"" + base + "/realm\",\"token_endpoint\":\"" + base + "/realm/token\"}");
        });
        server.createContext("/realm/token", this::token);
        server.start();
        secretFile = dir.resolve("secret");
        Files.writeString(secretFile, SECRET + "\n");
        Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void token(HttpExchange ex) throws IOException {
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        tokenRequests.add(form);
        authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (status != 200) {
            respond(ex, status, errorBody);
            return;
        }
        long now = clock.instant().getEpochSecond();
        ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT").put("kid", "realm-key");
        ObjectNode claims = JSON.createObjectNode().put("iss", base + "/realm").put("sub", "svc").put("aud", "slurm")
                .put("slurm_user", "ringrift").put("iat", now).put("exp", now + lifeSeconds)
                .put("jti", "n" + tokenRequests.size());
        shape.accept(new ObjectNode[] {header, claims});
        String token = sign(header, claims);
        respond(ex, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":" + lifeSeconds + "}");
    }

    private String sign(ObjectNode header, ObjectNode claims) {
        try {
            String input = b64(header.toString().getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.toString().getBytes(StandardCharsets.UTF_8));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(signingKey.getPrivate());
            rsa.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64(rsa.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void respond(HttpExchange ex, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private OidcTokenSource.Builder source() {
        return TokenSources.oidc().issuer(URI.create(base + "/realm")).clientId("svc one").clientSecretFile(secretFile)
                .scope("slurm.jobs").audience("slurm").userClaim("slurm_user").clock(clock);
    }

    @Test
    void getsATokenByClientCredentialsThroughDiscoveryWithTheSecretFromItsFile() {
        OidcTokenSource tokens = source().build();
        Token token = tokens.current();

        assertThat(token.expiresAt()).contains(clock.instant().plusSeconds(100));
        assertThat(discoveries).hasValue(1);
        assertThat(tokenRequests).hasSize(1);
        assertThat(tokenRequests.get(0)).containsEntry("grant_type", "client_credentials")
                .containsEntry("scope", "slurm.jobs").containsEntry("audience", "slurm").doesNotContainKey("client_secret");
        // client_secret_basic: id and secret form-encoded, then base64 (RFC 6749 2.3.1)
        assertThat(new String(Base64.getDecoder().decode(authorizations.get(0).substring("Basic ".length())), StandardCharsets.UTF_8))
                .isEqualTo("svc+one:" + SECRET);
        assertThat(tokens.describe()).contains(base + "/realm", "svc one", "user slurm_user=ringrift", "audience [slurm]")
                .doesNotContain(SECRET).doesNotContain(token.value());
        assertThat(tokens.toString()).doesNotContain(SECRET).doesNotContain(token.value());
        assertThat(tokens.current()).isSameAs(token);
        assertThat(tokenRequests).hasSize(1);
    }

    @Test
    void renewsWhenAFifthOfTheLifeIsLeftOnceForManyThreadsThatGoOnMeanwhile() throws Exception {
        OidcTokenSource tokens = source().build();
        Token first = tokens.current();
        clock.advance(Duration.ofSeconds(79)); // renewal is due at 80 s of 100
        assertThat(tokens.current()).isSameAs(first);
        assertThat(tokenRequests).hasSize(1);

        clock.advance(Duration.ofSeconds(2));
        delayMillis = 1500; // the provider is slow: the callers must not all wait for it
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> took = new ArrayList<>();
        List<Future<Token>> got = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Future<Token> f = pool.submit(() -> {
                go.await();
                return tokens.current();
            });
            got.add(f);
        }
        long t0 = System.nanoTime();
        go.countDown();
        int oldOnes = 0;
        for (Future<Token> f : got) {
            Token t = f.get(10, TimeUnit.SECONDS);
            if (t == first) {
                oldOnes++;
            }
        }
        pool.shutdown();
        assertThat(tokenRequests).as("one thread renewed").hasSize(2);
        assertThat(oldOnes).as("the others went on with the valid token").isEqualTo(15);
        assertThat(tokens.current()).isNotSameAs(first);
        assertThat(tokenRequests).hasSize(2);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aTokenPastItsExpiryIsNeverHandedOutAndACallerWaitsForTheNewOne() {
        OidcTokenSource tokens = source().build();
        Token first = tokens.current();
        clock.advance(Duration.ofSeconds(200));
        Token second = tokens.current();
        assertThat(second).isNotSameAs(first);
        assertThat(second.expiresAt()).contains(clock.instant().plusSeconds(100));
        assertThat(tokenRequests).hasSize(2);
    }

    @Test
    void aFailedRenewalKeepsTheValidTokenAndTriesAgainLater() {
        OidcTokenSource tokens = source().build();
        Token first = tokens.current();
        clock.advance(Duration.ofSeconds(85));
        status = 503;
        assertThat(tokens.current()).isSameAs(first);
        assertThat(tokens.current()).as("not again at once").isSameAs(first);
        assertThat(tokenRequests).hasSize(2);
        clock.advance(Duration.ofSeconds(6));
        status = 200;
        assertThat(tokens.current()).isNotSameAs(first);
        assertThat(tokenRequests).hasSize(3);
    }

    @Test
    void aRefusedTokenIsRenewedOnceAndAnotherThreadsRenewalIsReused() {
        OidcTokenSource tokens = source().build();
        Token first = tokens.current();
        Token renewed = tokens.renew(first);
        assertThat(renewed).isNotNull().isNotSameAs(first);
        assertThat(tokens.renew(first)).as("someone renewed already").isSameAs(renewed);
        assertThat(tokenRequests).hasSize(2);
        assertThat(tokens.renewable()).isTrue();
        assertThat(tokens.explainRefusal(renewed)).contains("kid", "JWKS file", "slurmctld and slurmdbd", "user claim")
                .doesNotContain(renewed.value());
    }

    @Test
    void tokensOfAnotherIssuerAudienceOrWithoutTheUserClaimAreRefusedBeforeTheyAreSent() {
        shape = p -> p[1].put("iss", "https://elsewhere.example/realm");
        assertRefused("its issuer is https://elsewhere.example/realm, not " + base + "/realm", "another issuer");

        shape = p -> p[1].put("aud", "another-cluster");
        assertRefused("its audience is [another-cluster], not slurm", "another audience");

        shape = p -> p[1].remove("slurm_user");
        assertRefused("it has no claim slurm_user", "map the job user into that claim");

        shape = p -> p[0].put("alg", "ES256");
        assertRefused("signed with ES256", "RS256 only");

        shape = p -> p[0].remove("kid");
        assertRefused("no kid");

        // Slurm reads sun before the user claim: a token that has it is taken as that user
        shape = p -> p[1].put("sun", "root");
        assertThat(source().build().describe()).isEqualTo("tokens from the OIDC provider " + base + "/realm for client svc one");
        OidcTokenSource withSun = source().build();
        withSun.current();
        assertThat(withSun.describe()).contains("user sun=root");
    }

    private void assertRefused(String... parts) {
        OidcTokenSource tokens = source().build();
        assertThatThrownBy(tokens::current).isInstanceOf(SlurmUsageException.class)
                .hasMessageContaining("before sending it to slurmrestd").hasMessageContainingAll(parts)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContainPattern("eyJ[A-Za-z0-9_-]{8,}\\."));
    }

    @Test
    void aProviderRefusalSaysWhatToFixWithoutTheSecret() {
        status = 401;
        errorBody = "{\"error\":\"invalid_client\",\"error_description\":\"bad secret eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl\"}";
        assertThatThrownBy(() -> source().build().current()).isInstanceOf(SlurmUsageException.class)
                .hasMessageContaining("refused client svc one: HTTP 401 invalid_client")
                .hasMessageContaining("the secret in " + secretFile)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("eyJhbGciOiJSUzI1NiJ9.eyJzdWIi"));

        status = 500;
        errorBody = "oops";
        assertThatThrownBy(() -> source().build().current()).isInstanceOf(SlurmUnreachableException.class)
                .hasMessageContaining("failed: HTTP 500");
    }

    @Test
    void aProviderThatIsDownOrAWrongIssuerIsSaidSo() throws IOException {
        assertThatThrownBy(() -> TokenSources.oidc().issuer(URI.create(base + "/nope")).clientId("svc")
                .clientSecretFile(secretFile).build().current())
                .isInstanceOf(SlurmUsageException.class).hasMessageContaining("no discovery document at " + base + "/nope/.well-known");
        server.stop(0);
        assertThatThrownBy(() -> source().build().current()).isInstanceOf(SlurmUnreachableException.class)
                .hasMessageContaining("Is the provider up");
    }

    @Test
    void setUpMistakesFailAtBuild() throws IOException {
        assertThatThrownBy(() -> TokenSources.oidc().clientId("x").clientSecretFile(secretFile).build())
                .hasMessageContaining("needs the issuer");
        assertThatThrownBy(() -> TokenSources.oidc().issuer(URI.create("http://idp.example/realm")).clientId("x")
                .clientSecretFile(secretFile).build()).hasMessageContaining("must be https://");
        assertThatThrownBy(() -> TokenSources.oidc().issuer(URI.create(base)).clientId("x").build())
                .hasMessageContaining("not neither");
        Path empty = Files.createFile(dir.resolve("empty"));
        assertThatThrownBy(() -> TokenSources.oidc().issuer(URI.create(base)).clientId("x").clientSecretFile(empty).build())
                .hasMessageContaining("is empty");
        assertThatThrownBy(() -> TokenSources.oidc().issuer(URI.create(base)).clientId("x").clientSecretFile(dir.resolve("none")).build())
                .hasMessageContaining("cannot read the OIDC client secret file");
    }

    @Test
    void aPrivateKeyJwtAssertionIsSignedForTheTokenEndpoint() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair client = gen.generateKeyPair();
        Path pem = dir.resolve("client.pem");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(client.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(pem, PosixFilePermissions.fromString("rw-------"));

        OidcTokenSource tokens = TokenSources.oidc().tokenEndpoint(URI.create(base + "/realm/token")).clientId("svc")
                .privateKeyJwt(pem, "client-key-1").audience("slurm").clock(clock).build();
        tokens.current();

        Map<String, String> form = tokenRequests.get(0);
        assertThat(discoveries).hasValue(0);
        assertThat(authorizations.get(0)).isEqualTo("null");
        assertThat(form).containsEntry("client_id", "svc")
                .containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        String[] parts = form.get("client_assertion").split("\\.");
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.path("alg").asText()).isEqualTo("RS256");
        assertThat(header.path("kid").asText()).isEqualTo("client-key-1");
        assertThat(claims.path("iss").asText()).isEqualTo("svc");
        assertThat(claims.path("sub").asText()).isEqualTo("svc");
        assertThat(claims.path("aud").asText()).isEqualTo(base + "/realm/token");
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(60);
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(client.getPublic());
        rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rsa.verify(Base64.getUrlDecoder().decode(parts[2]))).as("signed with the client's key").isTrue();
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
