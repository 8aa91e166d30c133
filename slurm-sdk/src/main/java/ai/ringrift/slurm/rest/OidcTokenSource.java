package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.rest.internal.TlsTrust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokens from an OpenID Connect provider by the client credentials grant (RFC 6749 4.4), for a
 * cluster whose slurmctld and slurmdbd verify RS256 tokens with the provider's keys
 * ({@code AuthAltParameters=jwks=FILE,userclaimfield=CLAIM}). The service never holds the
 * cluster's HS256 key, which signs tokens for every user, root included.
 *
 * <p>The client authenticates with a secret read from a file (HTTP Basic, read again for each
 * request, so it can be rotated) or with a private-key JWT assertion (RFC 7523, RS256, from a
 * PKCS#8 PEM key). The token endpoint is given, or found through the issuer's discovery document.
 * A token is renewed when a fifth of its life (at most five minutes) is left, by one thread while
 * the others go on with the current token; only a caller without a usable token waits. When
 * slurmrestd refuses a token, {@link #renew} fetches a new one once.
 *
 * <p>What Slurm checks of such a token (auth/jwt, 24.11 and 26.05): the signature, with the key the
 * token's {@code kid} names in the JWKS file; {@code exp}; the user in {@code sun}, else
 * {@code username}, else the claim {@code userclaimfield} names. It checks neither {@code iss} nor
 * {@code aud}. So this source checks them on every token it gets, before the token is sent: a token
 * of another issuer, for another audience, without the user claim, or not RS256 with a kid is
 * refused here with what to fix, and never reaches slurmrestd.
 *
 * <p>Neither the secret nor a token is ever logged or put in a message or {@code toString()}.
 */
public final class OidcTokenSource implements TokenSource {

    private static final Logger log = LoggerFactory.getLogger(OidcTokenSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration USABLE_MARGIN = Duration.ofSeconds(5);
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);

    private final URI issuer;
    private final URI configuredTokenEndpoint;
    private final String clientId;
    private final Path secretFile;
    private final Path privateKeyFile;
    private final String keyId;
    private final String scope;
    private final String audience;
    private final String userClaim;
    private final Clock clock;
    private final OkHttpClient http;

    private final ReentrantLock lock = new ReentrantLock();
    private volatile Held held;
    private volatile URI tokenEndpoint;
    private volatile Instant nextAttempt = Instant.MIN;
    private volatile String lastFacts = "";

    /** A token with what was read from it. */
    private record Held(Token token, Instant renewAt, Instant expiresAt, String facts) {}

    private OidcTokenSource(Builder b) {
        this.issuer = b.issuer;
        this.configuredTokenEndpoint = b.tokenEndpoint;
        this.tokenEndpoint = b.tokenEndpoint;
        this.clientId = b.clientId;
        this.secretFile = b.secretFile;
        this.privateKeyFile = b.privateKeyFile;
        this.keyId = b.keyId;
        this.scope = b.scope;
        this.audience = b.audience;
        this.userClaim = b.userClaim;
        this.clock = b.clock;
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .connectTimeout(b.timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(b.timeout.toMillis(), TimeUnit.MILLISECONDS)
                .callTimeout(b.timeout.multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS)
                .retryOnConnectionFailure(false)
                .followRedirects(false);
        if (b.caFile != null) {
            TlsTrust.trustOnly(http, b.caFile);
        }
        this.http = http.build();
        if (secretFile != null) {
            TokenSources.warnIfOthersCanRead(secretFile, "OIDC client secret file");
            readSecret(); // fail at set-up, not at the first request
        } else {
            TokenSources.warnIfOthersCanRead(privateKeyFile, "OIDC client key file");
            readPrivateKey();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Token current() {
        Held h = held;
        Instant now = clock.instant();
        if (h != null && now.isBefore(h.renewAt)) {
            return h.token;
        }
        if (h != null && now.isBefore(h.expiresAt.minus(USABLE_MARGIN))) {
            // due for renewal but still good: one thread renews, the others go on with this token
            if (now.isBefore(nextAttempt) || !lock.tryLock()) {
                return h.token;
            }
            try {
                if (held == h) {
                    held = fetch();
                }
            } catch (SlurmException e) {
                nextAttempt = clock.instant().plus(RETRY_AFTER_FAILURE);
                log.warn("could not renew the token from {} (the current one is valid until {}): {}",
                        describeProvider(), h.expiresAt, e.getMessage());
            } finally {
                lock.unlock();
            }
            return held.token;
        }
        lock.lock();
        try {
            Held again = held;
            if (again != null && clock.instant().isBefore(again.expiresAt.minus(USABLE_MARGIN))) {
                return again.token;
            }
            Held fresh = fetch();
            held = fresh;
            return fresh.token;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean renewable() {
        return true;
    }

    @Override
    public Token renew(Token rejected) {
        lock.lock();
        try {
            Held h = held;
            if (h != null && !h.token.value().equals(rejected.value())) {
                return h.token; // another thread renewed it already
            }
            Held fresh = fetch();
            held = fresh;
            return fresh.token.value().equals(rejected.value()) ? null : fresh.token;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String explainRefusal(Token refused) {
        String facts = lastFacts.isEmpty() ? "" : " Its claims: " + lastFacts + ".";
        return "The token was issued by " + describeProvider() + " and passed this client's checks (issuer"
                + (audience == null ? "" : ", audience") + (userClaim == null ? "" : ", user claim") + ", RS256 with a kid)."
                + facts + " Slurm verifies such a token only by its signature, with the key its kid names in the"
                + " cluster's JWKS file (AuthAltParameters=jwks=...), and takes the user from sun, username or the claim"
                + " userclaimfield names: so the cluster does not trust this key (another issuer than the cluster's,"
                + " or the provider rotated its keys: copy its jwks_uri document into the JWKS file again and restart"
                + " slurmctld and slurmdbd), or the user claim is not the one the cluster reads"
                + (userClaim == null ? " (set the user claim here to have it checked)" : "")
                + ", or the user is unknown to the cluster";
    }

    @Override
    public String describe() {
        String facts = lastFacts;
        return "tokens from the OIDC provider " + describeProvider() + " for client " + clientId
                + (facts.isEmpty() ? "" : " (" + facts + ")");
    }

    @Override
    public String toString() {
        return "OidcTokenSource[" + describe() + "]";
    }

    private String describeProvider() {
        return issuer != null ? issuer.toString() : configuredTokenEndpoint.toString();
    }

    // ------------------------------------------------------------------ the token request

    private Held fetch() {
        URI endpoint = endpoint();
        FormBody.Builder form = new FormBody.Builder().add("grant_type", "client_credentials");
        if (scope != null) {
            form.add("scope", scope);
        }
        if (audience != null) {
            form.add("audience", audience); // Auth0 and Keycloak's token exchange read it; others ignore it
        }
        Request.Builder request = new Request.Builder().url(endpoint.toString()).header("Accept", "application/json");
        if (secretFile != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (formEncode(clientId) + ":" + formEncode(readSecret())).getBytes(StandardCharsets.UTF_8)));
        } else {
            form.add("client_id", clientId)
                    .add("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                    .add("client_assertion", assertion(endpoint));
        }
        Instant asked = clock.instant();
        JsonNode answer;
        try (Response response = http.newCall(request.post(form.build()).build()).execute()) {
            ResponseBody body = response.body();
            String text = body == null ? "" : body.string();
            if (!response.isSuccessful()) {
                throw refusedByProvider(endpoint, response.code(), text);
            }
            answer = JSON.readTree(text);
        } catch (IOException e) {
            throw new SlurmUnreachableException("cannot get a token from the OIDC provider at " + endpoint + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage())
                    + ". Is the provider up, and slurm.rest.oidc right?", false, e);
        }
        String value = answer.path("access_token").asText("");
        if (value.isEmpty()) {
            throw new SlurmUsageException("the OIDC provider at " + endpoint + " answered without an access_token "
                    + "(fields: " + fieldNames(answer) + ")");
        }
        return check(value, answer.path("expires_in").asLong(0), asked);
    }

    /** What Slurm needs of the token, and what this client was configured to expect; refused here if not. */
    private Held check(String value, long expiresIn, Instant asked) {
        String[] parts = value.split("\\.");
        JsonNode header;
        JsonNode claims;
        try {
            if (parts.length != 3) {
                throw new IllegalArgumentException();
            }
            header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            throw refused("its access token is not a JWT; Slurm needs a signed JWT: configure the client at "
                    + "the provider to issue JWT access tokens");
        }
        List<String> problems = new ArrayList<>();
        String alg = header.path("alg").asText("");
        if (!"RS256".equals(alg)) {
            problems.add("it is signed with " + (alg.isEmpty() ? "no algorithm" : alg) + "; Slurm verifies RS256 only: "
                    + "make the provider sign this client's tokens with RS256");
        }
        String kid = header.path("kid").asText("");
        if (kid.isEmpty()) {
            problems.add("its header has no kid; Slurm finds the key by kid in its JWKS file");
        }
        String iss = claims.path("iss").asText("");
        if (issuer != null && !sameIssuer(iss, issuer.toString())) {
            problems.add("its issuer is " + quoted(iss) + ", not " + issuer + " (slurm.rest.oidc.issuer): the token comes "
                    + "from another issuer than configured");
        }
        List<String> aud = new ArrayList<>();
        JsonNode audNode = claims.path("aud");
        if (audNode.isArray()) {
            audNode.forEach(a -> aud.add(a.asText()));
        } else if (audNode.isTextual()) {
            aud.add(audNode.asText());
        }
        if (audience != null && !aud.contains(audience)) {
            problems.add("its audience is " + aud + ", not " + audience + " (slurm.rest.oidc.audience): the token is for "
                    + "another audience; have the provider issue this client's tokens for " + audience);
        }
        // Slurm takes the user from sun, else username, else the userclaimfield claim
        String user = null;
        String userFrom = null;
        for (String name : userClaim == null ? List.of("sun", "username") : List.of("sun", "username", userClaim)) {
            if (user == null && claims.path(name).isTextual() && !claims.path(name).asText().isBlank()) {
                user = claims.path(name).asText();
                userFrom = name;
            }
        }
        if (userClaim != null && user == null) {
            problems.add("it has no claim " + userClaim + " (slurm.rest.oidc.user_claim, the cluster's userclaimfield): "
                    + "map the job user into that claim for this client at the provider");
        }
        Instant exp;
        if (claims.path("exp").canConvertToLong()) {
            exp = Instant.ofEpochSecond(claims.path("exp").asLong());
        } else {
            problems.add("it has no exp claim; Slurm needs one");
            exp = asked.plusSeconds(Math.max(expiresIn, 0));
        }
        Instant now = clock.instant();
        if (!exp.isAfter(now)) {
            problems.add("it expired at " + exp + " when it arrived (is this machine's clock right? now " + now + ")");
        }
        String facts = "issuer " + (iss.isEmpty() ? "(none)" : iss) + ", audience " + aud + ", kid " + quoted(kid)
                + ", user " + (user == null ? "(none)" : userFrom + "=" + user) + ", expires " + exp;
        lastFacts = facts;
        if (!problems.isEmpty()) {
            throw refused(String.join("; ", problems) + " [" + facts + "]");
        }
        // renew when a fifth of the life is left, and no earlier than five minutes before expiry
        Duration life = Duration.between(asked, exp);
        Duration fifth = life.dividedBy(5);
        Duration renewBefore = fifth.compareTo(Duration.ofMinutes(5)) > 0 ? Duration.ofMinutes(5) : fifth;
        log.debug("got a token from {} for client {}: {}", describeProvider(), clientId, facts);
        return new Held(Token.of(value, exp), exp.minus(renewBefore), exp, facts);
    }

    private SlurmUsageException refused(String why) {
        return new SlurmUsageException("refused the token from the OIDC provider " + describeProvider() + " for client "
                + clientId + " before sending it to slurmrestd: " + why);
    }

    private SlurmException refusedByProvider(URI endpoint, int status, String text) {
        String error = "";
        String description = "";
        try {
            JsonNode body = JSON.readTree(text);
            error = body.path("error").asText("");
            description = body.path("error_description").asText("");
        } catch (IOException notJson) {
            // a proxy's page, or nothing
        }
        String said = error.isEmpty() ? "HTTP " + status : "HTTP " + status + " " + error
                + (description.isEmpty() ? "" : " (" + scrub(description) + ")");
        String fix;
        if ("invalid_client".equals(error) || status == 401) {
            fix = "check slurm.rest.oidc.client_id and " + (secretFile != null ? "the secret in " + secretFile
                    : "that the provider has the public key of " + privateKeyFile + (keyId == null ? "" : " (kid " + keyId + ")"));
        } else if ("invalid_scope".equals(error) || "invalid_target".equals(error)) {
            fix = "check slurm.rest.oidc.scope / audience: the provider does not grant them to this client";
        } else if ("unauthorized_client".equals(error)) {
            fix = "allow the client credentials grant for client " + clientId + " at the provider";
        } else if (status >= 500) {
            return new SlurmUnreachableException("the OIDC provider at " + endpoint + " failed: " + said, false, null);
        } else {
            fix = "check slurm.rest.oidc against the provider's set-up of client " + clientId;
        }
        return new SlurmUsageException("the OIDC provider at " + endpoint + " refused client " + clientId + ": " + said
                + ". Fix: " + fix);
    }

    /** The token endpoint, from the issuer's discovery document when it was not given. */
    private URI endpoint() {
        URI known = tokenEndpoint;
        if (known != null) {
            return known;
        }
        String base = issuer.toString().endsWith("/") ? issuer.toString() : issuer + "/";
        String where = base + ".well-known/openid-configuration";
        try (Response response = http.newCall(new Request.Builder().url(where).header("Accept", "application/json").build())
                .execute()) {
            ResponseBody body = response.body();
            if (!response.isSuccessful() || body == null) {
                throw new SlurmUsageException("the OIDC provider has no discovery document at " + where + " (HTTP "
                        + response.code() + "): check slurm.rest.oidc.issuer, or give token_url instead");
            }
            JsonNode doc = JSON.readTree(body.string());
            String said = doc.path("issuer").asText("");
            if (!sameIssuer(said, issuer.toString())) {
                throw new SlurmUsageException("the discovery document at " + where + " names the issuer " + quoted(said)
                        + ", not " + issuer + ": set slurm.rest.oidc.issuer to exactly the provider's issuer");
            }
            String endpoint = doc.path("token_endpoint").asText("");
            if (endpoint.isEmpty()) {
                throw new SlurmUsageException("the discovery document at " + where + " has no token_endpoint");
            }
            tokenEndpoint = URI.create(endpoint);
            return tokenEndpoint;
        } catch (IOException e) {
            throw new SlurmUnreachableException("cannot read the OIDC provider's discovery document at " + where + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage())
                    + ". Is the provider up, and slurm.rest.oidc.issuer right?", false, e);
        }
    }

    // ------------------------------------------------------------------ client credentials

    private String readSecret() {
        try {
            String secret = Files.readString(secretFile, StandardCharsets.UTF_8).strip();
            if (secret.isEmpty()) {
                throw new SlurmUsageException("the OIDC client secret file " + secretFile + " is empty");
            }
            return secret;
        } catch (IOException e) {
            throw new SlurmUsageException("cannot read the OIDC client secret file " + secretFile + ": "
                    + e.getClass().getSimpleName(), e);
        }
    }

    private PrivateKey readPrivateKey() {
        String pem;
        try {
            pem = Files.readString(privateKeyFile, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new SlurmUsageException("cannot read the OIDC client key file " + privateKeyFile + ": "
                    + e.getClass().getSimpleName(), e);
        }
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new SlurmUsageException("the OIDC client key file " + privateKeyFile + " is not a PKCS#8 PEM RSA key "
                    + "(-----BEGIN PRIVATE KEY-----); convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem");
        }
        String base64 = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"))
                .replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SlurmUsageException("the OIDC client key file " + privateKeyFile + " holds no RSA private key", null);
        }
    }

    /** A short-lived RS256 client assertion for the token endpoint (RFC 7523 section 3). */
    private String assertion(URI endpoint) {
        long now = clock.instant().getEpochSecond();
        var header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT");
        if (keyId != null) {
            header.put("kid", keyId);
        }
        var claims = JSON.createObjectNode().put("iss", clientId).put("sub", clientId).put("aud", endpoint.toString())
                .put("jti", UUID.randomUUID().toString()).put("iat", now).put("exp", now + 60);
        String signingInput = b64(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + b64(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(readPrivateKey());
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new SlurmUsageException("cannot sign the client assertion with the key in " + privateKeyFile, null);
        }
    }

    // ------------------------------------------------------------------ small things

    private static boolean sameIssuer(String a, String b) {
        return stripSlash(a).equals(stripSlash(b));
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String quoted(String s) {
        return s.isEmpty() ? "(none)" : s;
    }

    private static String formEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return String.join(", ", names);
    }

    /** A provider's error text, with anything shaped like a token taken out and cut short. */
    private static String scrub(String text) {
        String s = text.replaceAll("[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}", "****");
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** How to reach the provider and what to expect of its tokens. */
    public static final class Builder {
        private URI issuer;
        private URI tokenEndpoint;
        private String clientId;
        private Path secretFile;
        private Path privateKeyFile;
        private String keyId;
        private String scope;
        private String audience;
        private String userClaim;
        private Path caFile;
        private Clock clock = Clock.systemUTC();
        private Duration timeout = Duration.ofSeconds(10);

        private Builder() {}

        /** The issuer: its discovery document gives the token endpoint, and every token's iss must be it. */
        public Builder issuer(URI issuer) { this.issuer = Objects.requireNonNull(issuer, "issuer == null"); return this; }

        /** The token endpoint, when the provider has no discovery document (then iss is checked only if an issuer is given too). */
        public Builder tokenEndpoint(URI tokenEndpoint) { this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint == null"); return this; }

        public Builder clientId(String clientId) { this.clientId = Objects.requireNonNull(clientId, "clientId == null"); return this; }

        /** The client secret, in a file (mode 600) read again for each token request. */
        public Builder clientSecretFile(Path file) { this.secretFile = Objects.requireNonNull(file, "file == null"); return this; }

        /** Instead of a secret: a private-key JWT assertion signed with this PKCS#8 PEM RSA key; {@code keyId} may be null. */
        public Builder privateKeyJwt(Path pemFile, String keyId) {
            this.privateKeyFile = Objects.requireNonNull(pemFile, "pemFile == null");
            this.keyId = keyId;
            return this;
        }

        /** The scope to ask for (space-separated), if the provider needs one. */
        public Builder scope(String scope) { this.scope = blankToNull(scope); return this; }

        /** The audience every token must be for (the {@code aud} claim); also asked for as {@code audience}. */
        public Builder audience(String audience) { this.audience = blankToNull(audience); return this; }

        /** The claim the cluster's {@code userclaimfield} names: every token must carry the job user in it. */
        public Builder userClaim(String claim) { this.userClaim = blankToNull(claim); return this; }

        /** A PEM CA file for an https provider signed by the site's own CA. */
        public Builder trustedCaFile(Path caFile) { this.caFile = caFile; return this; }

        public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock, "clock == null"); return this; }

        /** Connect and read timeout of each request to the provider (10 s). */
        public Builder timeout(Duration timeout) { this.timeout = Objects.requireNonNull(timeout, "timeout == null"); return this; }

        public OidcTokenSource build() {
            if (issuer == null && tokenEndpoint == null) {
                throw new SlurmUsageException("the OIDC token source needs the issuer (or the token endpoint)");
            }
            for (URI uri : new URI[] {issuer, tokenEndpoint}) {
                if (uri != null && !"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && isLoopback(uri))) {
                    throw new SlurmUsageException("the OIDC provider URL " + uri + " must be https:// (http:// only on "
                            + "loopback): the client secret and the tokens travel over it");
                }
            }
            if (clientId == null || clientId.isBlank()) {
                throw new SlurmUsageException("the OIDC token source needs a client id");
            }
            if ((secretFile == null) == (privateKeyFile == null)) {
                throw new SlurmUsageException("give the OIDC client either a secret file or a private key for a JWT "
                        + "assertion, not " + (secretFile == null ? "neither" : "both"));
            }
            return new OidcTokenSource(this);
        }

        private static boolean isLoopback(URI uri) {
            String host = uri.getHost();
            return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"));
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.strip();
        }
    }
}
