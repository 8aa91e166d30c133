package ai.ringrift.slurm.backend.config;

import ai.ringrift.slurm.rest.ApiVersion;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How to reach slurmrestd. Exactly one token source is set: {@code oidc} (tokens from the site's
 * OpenID Connect provider), {@code jwtKeyFile} (minted tokens of {@code tokenLifespan}),
 * {@code tokenFile}, or {@code tokenFromEnvironment} (SLURM_JWT).
 * {@code apiVersion} is the data parser version pinned ({@code slurm.rest.api_version}), or null for
 * {@code auto}: the newest version both sides speak, chosen on first contact.
 * {@code maxInFlight} bounds the requests this service has at slurmrestd at once. A submission is
 * waited for up to {@code submitTimeout}; one whose answer never came is looked for during
 * {@code submitSettle} before it is sent again (see the SDK's {@code SlurmClient.Builder}).
 */
public record RestSettings(String url, String user, Path jwtKeyFile, Duration tokenLifespan, Path tokenFile,
        boolean tokenFromEnvironment, Path caFile, ApiVersion apiVersion, int maxInFlight,
        Duration submitTimeout, Duration submitSettle, OidcSettings oidc) {

    /** Settings without OIDC (one of the other token sources). */
    public RestSettings(String url, String user, Path jwtKeyFile, Duration tokenLifespan, Path tokenFile,
            boolean tokenFromEnvironment, Path caFile, ApiVersion apiVersion, int maxInFlight,
            Duration submitTimeout, Duration submitSettle) {
        this(url, user, jwtKeyFile, tokenLifespan, tokenFile, tokenFromEnvironment, caFile, apiVersion, maxInFlight,
                submitTimeout, submitSettle, null);
    }
}
