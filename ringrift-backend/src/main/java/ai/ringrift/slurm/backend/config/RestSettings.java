package ai.ringrift.slurm.backend.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to reach slurmrestd. Exactly one token source is set: {@code jwtKeyFile} (minted tokens of
 * {@code tokenLifespan}), {@code tokenFile}, or {@code tokenFromEnvironment} (SLURM_JWT).
 */
public record RestSettings(String url, String user, Path jwtKeyFile, Duration tokenLifespan, Path tokenFile,
        boolean tokenFromEnvironment, Path caFile) {}
