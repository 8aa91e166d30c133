package ai.ringrift.slurm.spring;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code slurm.rest.*}: how the application reaches slurmrestd. The keys are those of the
 * {@code slurm.rest} block of {@code unified_loop.yaml}, in Spring's kebab case. Exactly one token
 * source: {@code oidc.*}, {@code jwt-key-file}, {@code token-file} or {@code token-env}. A setting
 * left unset takes the SDK's default ({@code SlurmClient.Builder}). Spring's binder fills this
 * object; {@link SlurmClientFactory} reads it once, at start-up, and fails naming the property.
 */
@ConfigurationProperties(prefix = "slurm.rest")
public class SlurmRestProperties {

    /** slurmrestd's URL, like http://HOST:6820 (required). */
    private String url;

    /** The user the jobs run as: the user tokens are minted for with jwt-key-file, sent as X-SLURM-USER-NAME with token-file or token-env. */
    private String user;

    /** Mint tokens for the user from the cluster's HS256 key file (for test clusters: the key signs for any user). */
    private Path jwtKeyFile;

    /** Lifespan of the tokens minted from jwt-key-file. */
    private Duration tokenLifespan = Duration.ofMinutes(30);

    /** A token file (as `scontrol token` prints it), read again whenever it changes: rotate it underneath the application. */
    private Path tokenFile;

    /** Take the token from the environment variable SLURM_JWT. */
    private boolean tokenEnv;

    /** A PEM file of CA certificates to trust for an https slurmrestd, instead of the JVM's. */
    private Path caFile;

    /** The data parser version: auto (the newest both sides speak, chosen on first contact) or one to pin, like v0.0.42. */
    private String apiVersion = "auto";

    /** Time to open a connection to slurmrestd (SDK default 10s). */
    private Duration connectTimeout;

    /** Time to wait for an answer once a request is sent (SDK default 60s). */
    private Duration readTimeout;

    /** The whole of one request, connecting and reading included (SDK default 90s). */
    private Duration callTimeout;

    /** At most this many requests of the application at slurmrestd at once (SDK default 16); keep the sum over a cluster's services below slurmrestd's --max-connections minus one. */
    private Integer maxInFlight;

    /** How long the answer to a submit is waited for (SDK default 5m): a submit given up on may still create its job. */
    private Duration submitTimeout;

    /** After a submit whose answer was lost, how long its submit key is looked for before it is sent again (SDK default 30s). */
    private Duration submitSettle;

    /** Tokens from the site's OpenID Connect provider by client credentials. */
    private final Oidc oidc = new Oidc();

    /** The Actuator health indicator. */
    private final Health health = new Health();

    /** slurm.rest.oidc.*: tokens from the site's OpenID Connect provider (the least-privilege token source). */
    public static class Oidc {
        /** The provider's issuer URL; its discovery document gives the token endpoint, and every token's iss must be it. */
        private URI issuer;
        /** The provider's token endpoint, when there is no discovery. */
        private URI tokenUrl;
        /** This application's client at the provider. */
        private String clientId;
        /** A file holding the client secret (mode 600). */
        private Path clientSecretFile;
        /** A PKCS#8 PEM RSA key for a private-key JWT assertion, instead of a secret. */
        private Path privateKeyFile;
        /** The kid of private-key-file at the provider. */
        private String keyId;
        /** The scope asked for. */
        private String scope;
        /** The audience asked for: every token's aud must hold it. */
        private String audience;
        /** The claim the cluster's userclaimfield names: every token must name the job user in it. */
        private String userClaim;
        /** A PEM CA for an https provider signed by the site's own CA. */
        private Path caFile;

        public URI getIssuer() { return issuer; }
        public void setIssuer(URI issuer) { this.issuer = issuer; }
        public URI getTokenUrl() { return tokenUrl; }
        public void setTokenUrl(URI tokenUrl) { this.tokenUrl = tokenUrl; }
        public String getClientId() { return clientId; }
        public void setClientId(String clientId) { this.clientId = clientId; }
        public Path getClientSecretFile() { return clientSecretFile; }
        public void setClientSecretFile(Path clientSecretFile) { this.clientSecretFile = clientSecretFile; }
        public Path getPrivateKeyFile() { return privateKeyFile; }
        public void setPrivateKeyFile(Path privateKeyFile) { this.privateKeyFile = privateKeyFile; }
        public String getKeyId() { return keyId; }
        public void setKeyId(String keyId) { this.keyId = keyId; }
        public String getScope() { return scope; }
        public void setScope(String scope) { this.scope = scope; }
        public String getAudience() { return audience; }
        public void setAudience(String audience) { this.audience = audience; }
        public String getUserClaim() { return userClaim; }
        public void setUserClaim(String userClaim) { this.userClaim = userClaim; }
        public Path getCaFile() { return caFile; }
        public void setCaFile(Path caFile) { this.caFile = caFile; }

        boolean isSet() {
            return issuer != null || tokenUrl != null || clientId != null || clientSecretFile != null || privateKeyFile != null;
        }
    }

    /** slurm.rest.health.*: the Actuator health indicator "slurm". */
    public static class Health {
        /** Whether to contribute the "slurm" health indicator. */
        private boolean enabled = true;
        /** How long one check's answer is reused: a busy health endpoint costs slurmrestd at most one ping per this time. */
        private Duration cacheTime = Duration.ofSeconds(10);
        /** The longest one check waits for slurmrestd (it is made with no retries). */
        private Duration timeout = Duration.ofSeconds(5);

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public Duration getCacheTime() { return cacheTime; }
        public void setCacheTime(Duration cacheTime) { this.cacheTime = cacheTime; }
        public Duration getTimeout() { return timeout; }
        public void setTimeout(Duration timeout) { this.timeout = timeout; }
    }

    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public String getUser() { return user; }
    public void setUser(String user) { this.user = user; }
    public Path getJwtKeyFile() { return jwtKeyFile; }
    public void setJwtKeyFile(Path jwtKeyFile) { this.jwtKeyFile = jwtKeyFile; }
    public Duration getTokenLifespan() { return tokenLifespan; }
    public void setTokenLifespan(Duration tokenLifespan) { this.tokenLifespan = tokenLifespan; }
    public Path getTokenFile() { return tokenFile; }
    public void setTokenFile(Path tokenFile) { this.tokenFile = tokenFile; }
    public boolean isTokenEnv() { return tokenEnv; }
    public void setTokenEnv(boolean tokenEnv) { this.tokenEnv = tokenEnv; }
    public Path getCaFile() { return caFile; }
    public void setCaFile(Path caFile) { this.caFile = caFile; }
    public String getApiVersion() { return apiVersion; }
    public void setApiVersion(String apiVersion) { this.apiVersion = apiVersion; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    public Duration getReadTimeout() { return readTimeout; }
    public void setReadTimeout(Duration readTimeout) { this.readTimeout = readTimeout; }
    public Duration getCallTimeout() { return callTimeout; }
    public void setCallTimeout(Duration callTimeout) { this.callTimeout = callTimeout; }
    public Integer getMaxInFlight() { return maxInFlight; }
    public void setMaxInFlight(Integer maxInFlight) { this.maxInFlight = maxInFlight; }
    public Duration getSubmitTimeout() { return submitTimeout; }
    public void setSubmitTimeout(Duration submitTimeout) { this.submitTimeout = submitTimeout; }
    public Duration getSubmitSettle() { return submitSettle; }
    public void setSubmitSettle(Duration submitSettle) { this.submitSettle = submitSettle; }
    public Oidc getOidc() { return oidc; }
    public Health getHealth() { return health; }
}
