package ai.ringrift.slurm.spring;

import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.rest.OidcTokenSource;
import ai.ringrift.slurm.rest.RetryPolicy;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.SlurmMetrics;
import ai.ringrift.slurm.rest.SlurmUsageException;
import ai.ringrift.slurm.rest.TokenSource;
import ai.ringrift.slurm.rest.TokenSources;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Makes the {@link SlurmClient} the properties describe, with the SDK's own builder and
 * {@link TokenSources}. Each rule about a value lives where the SDK checks it (the builder, the token
 * sources, {@link ApiVersion#fromSetting}); this class only says which property a refusal is about.
 * The one rule of its own: exactly one token source. Nothing is sent to slurmrestd here: the
 * client contacts it on first use, so the application starts while slurmrestd is down.
 */
public final class SlurmClientFactory {

    private static final String P = "slurm.rest.";

    private final SlurmRestProperties props;
    private final TokenSource tokens;

    /** Reads the properties once; throws {@link SlurmPropertyException} naming the first unusable one. */
    public SlurmClientFactory(SlurmRestProperties props) {
        this.props = Objects.requireNonNull(props, "props == null");
        if (props.getUrl() == null || props.getUrl().isBlank()) {
            throw new SlurmPropertyException(P + "url", "is missing; set it to slurmrestd's URL, like http://HOST:6820");
        }
        this.tokens = tokenSource(props);
    }

    /** The application's client: the SDK's retries, reporting to {@code metrics}. */
    public SlurmClient client(SlurmMetrics metrics) {
        SlurmClient.Builder b = builder().metrics(metrics);
        at("connect-timeout", props.getConnectTimeout(), b::connectTimeout);
        at("read-timeout", props.getReadTimeout(), b::readTimeout);
        at("call-timeout", props.getCallTimeout(), b::callTimeout);
        return build(b);
    }

    /**
     * The health indicator's client: the same URL and token source (one renewal, shared), one attempt
     * per request and every request ended after {@code timeout}, so that a check of a slurmrestd that is
     * down answers in that time rather than after the SDK's retries. Not counted in the meters.
     */
    public SlurmClient probeClient(Duration timeout) {
        SlurmClient.Builder b = builder().retryPolicy(RetryPolicy.none());
        at("health.timeout", timeout, t -> b.connectTimeout(t).readTimeout(t).callTimeout(t));
        return build(b);
    }

    private SlurmClient.Builder builder() {
        SlurmClient.Builder b = SlurmClient.builder().baseUrl(props.getUrl().trim()).tokenSource(tokens);
        at("api-version", props.getApiVersion(), v -> b.apiVersion(ApiVersion.fromSetting(v)));
        at("max-in-flight", props.getMaxInFlight(), b::maxInFlight);
        at("submit-timeout", props.getSubmitTimeout(), b::submitTimeout);
        at("submit-settle", props.getSubmitSettle(), b::submitSettleTime);
        if (props.getTokenFile() != null || props.isTokenEnv()) {
            b.userName(props.getUser());
        }
        if (props.getCaFile() != null) {
            b.trustedCaFile(props.getCaFile());
        }
        return b;
    }

    private SlurmClient build(SlurmClient.Builder b) {
        try {
            return b.build();
        } catch (SlurmUsageException e) {
            // build() checks the URL and the CA file: say which
            String message = String.valueOf(e.getMessage());
            String property = message.contains("CA file") ? "ca-file" : "url";
            throw new SlurmPropertyException(P + property, message);
        }
    }

    private static TokenSource tokenSource(SlurmRestProperties p) {
        List<String> set = new ArrayList<>();
        if (p.getOidc().isSet()) set.add("oidc.*");
        if (p.getJwtKeyFile() != null) set.add("jwt-key-file");
        if (p.getTokenFile() != null) set.add("token-file");
        if (p.isTokenEnv()) set.add("token-env");
        if (set.isEmpty()) {
            throw new SlurmPropertyException("slurm.rest", "has no token source; set one of slurm.rest.oidc.issuer (with client-id "
                    + "and client-secret-file), slurm.rest.jwt-key-file (with user), slurm.rest.token-file or slurm.rest.token-env=true");
        }
        if (set.size() > 1) {
            throw new SlurmPropertyException("slurm.rest", "has more than one token source (" + String.join(", ", set) + "); keep one");
        }
        if (p.getOidc().isSet()) {
            return oidc(p.getOidc());
        }
        if (p.getJwtKeyFile() != null) {
            if (p.getUser() == null || p.getUser().isBlank()) {
                throw new SlurmPropertyException(P + "user", "is needed to mint tokens from jwt-key-file: the user the jobs run as");
            }
            return get("jwt-key-file", () -> TokenSources.jwtKey(p.getJwtKeyFile(), p.getUser().trim(), p.getTokenLifespan(), Clock.systemUTC()));
        }
        if (p.getTokenFile() != null) {
            return get("token-file", () -> TokenSources.file(p.getTokenFile()));
        }
        return get("token-env", TokenSources::environment);
    }

    private static TokenSource oidc(SlurmRestProperties.Oidc o) {
        String at = "oidc";
        if (o.getClientId() == null || o.getClientId().isBlank()) {
            throw new SlurmPropertyException(P + "oidc.client-id", "is missing: the client this application is at the provider");
        }
        return get(at, () -> {
            OidcTokenSource.Builder b = TokenSources.oidc().clientId(o.getClientId()).scope(o.getScope())
                    .audience(o.getAudience()).userClaim(o.getUserClaim()).trustedCaFile(o.getCaFile());
            if (o.getIssuer() != null) b.issuer(o.getIssuer());
            if (o.getTokenUrl() != null) b.tokenEndpoint(o.getTokenUrl());
            if (o.getClientSecretFile() != null) b.clientSecretFile(o.getClientSecretFile());
            if (o.getPrivateKeyFile() != null) b.privateKeyJwt(o.getPrivateKeyFile(), o.getKeyId());
            return b.build();
        });
    }

    private static <T> T get(String property, Supplier<T> make) {
        try {
            return make.get();
        } catch (SlurmUsageException e) {
            throw new SlurmPropertyException(P + property, e.getMessage());
        }
    }

    private static <T> void at(String property, T value, java.util.function.Consumer<T> set) {
        if (value == null) {
            return; // the SDK's default
        }
        try {
            set.accept(value);
        } catch (SlurmUsageException e) {
            throw new SlurmPropertyException(P + property, e.getMessage());
        }
    }
}
