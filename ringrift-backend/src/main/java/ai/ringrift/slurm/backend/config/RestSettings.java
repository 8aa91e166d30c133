package ai.ringrift.slurm.backend.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to reach slurmrestd. Exactly one token source is set: {@code jwtKeyFile} (minted tokens of
 * {@code tokenLifespan}), {@code tokenFile}, or {@code tokenFromEnvironment} (SLURM_JWT).
 * {@code apiVersion} is {@code auto} (the newest data parser version both sides speak, chosen on
 * first contact) or the one pinned ({@code v0.0.40}, {@code v0.0.42}, {@code v0.0.44}).
 * {@code maxInFlight} bounds the requests this service has at slurmrestd at once. A submission is
 * waited for up to {@code submitTimeout}; one whose answer never came is looked for during
 * {@code submitSettle} before it is sent again (see the SDK's {@code SlurmClient.Builder}).
 */
public record RestSettings(String url, String user, Path jwtKeyFile, Duration tokenLifespan, Path tokenFile,
        boolean tokenFromEnvironment, Path caFile, String apiVersion, int maxInFlight,
        Duration submitTimeout, Duration submitSettle) {}
