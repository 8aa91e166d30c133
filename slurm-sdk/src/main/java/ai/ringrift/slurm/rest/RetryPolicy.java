package ai.ringrift.slurm.rest;

import java.time.Duration;
import java.util.Objects;

/**
 * How the client retries what can succeed on a second try (connection failures, timeouts, HTTP
 * 429/502/503/504, a controller that is briefly unreachable): exponential backoff with jitter,
 * bounded in attempts and in total time. Errors that will fail again are never retried. The
 * defaults wait about 16 s in all (0.25 + 0.5 + 1 + 2 + 4 + 8 s, each +/- half), so a call rides
 * out a slurmrestd restart of several seconds (measured: killed and started again, about 4 s
 * without answers; with 5 attempts, about 4 s of waits, some submissions failed).
 *
 * @param maxAttempts requests per call at most, the first included (default 7)
 * @param initialBackoff the first wait (default 250 ms)
 * @param multiplier growth of the wait per attempt (default 2.0)
 * @param jitter randomization factor, 0 to 1: each wait is drawn from wait*(1 +/- jitter) (default 0.5)
 * @param maxBackoff the longest single wait (default 10 s); a longer Retry-After is still honoured
 * @param maxElapsed no retry starts once this much time has passed since the call began (default 2 min)
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, double jitter,
        Duration maxBackoff, Duration maxElapsed) {

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff == null");
        Objects.requireNonNull(maxBackoff, "maxBackoff == null");
        Objects.requireNonNull(maxElapsed, "maxElapsed == null");
        if (maxAttempts < 1) {
            throw new SlurmUsageException("retry maxAttempts must be at least 1, not " + maxAttempts);
        }
        if (initialBackoff.toMillis() < 1 || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new SlurmUsageException("retry backoff must be at least 1 ms and maxBackoff >= initialBackoff (got "
                    + initialBackoff + " and " + maxBackoff + ")");
        }
        if (multiplier < 1.0) {
            throw new SlurmUsageException("retry multiplier must be 1.0 or more, not " + multiplier);
        }
        if (jitter < 0 || jitter >= 1) {
            throw new SlurmUsageException("retry jitter must be in [0, 1), not " + jitter);
        }
        if (maxElapsed.isNegative()) {
            throw new SlurmUsageException("retry maxElapsed must not be negative");
        }
    }

    public static RetryPolicy defaults() {
        return builder().build();
    }

    /** One attempt, no retries. */
    public static RetryPolicy none() {
        return builder().maxAttempts(1).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().maxAttempts(maxAttempts).initialBackoff(initialBackoff).multiplier(multiplier)
                .jitter(jitter).maxBackoff(maxBackoff).maxElapsed(maxElapsed);
    }

    public static final class Builder {
        private int maxAttempts = 7;
        private Duration initialBackoff = Duration.ofMillis(250);
        private double multiplier = 2.0;
        private double jitter = 0.5;
        private Duration maxBackoff = Duration.ofSeconds(10);
        private Duration maxElapsed = Duration.ofMinutes(2);

        private Builder() {}

        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
            return this;
        }

        public Builder multiplier(double multiplier) {
            this.multiplier = multiplier;
            return this;
        }

        public Builder jitter(double jitter) {
            this.jitter = jitter;
            return this;
        }

        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
            return this;
        }

        public Builder maxElapsed(Duration maxElapsed) {
            this.maxElapsed = maxElapsed;
            return this;
        }

        public RetryPolicy build() {
            return new RetryPolicy(maxAttempts, initialBackoff, multiplier, jitter, maxBackoff, maxElapsed);
        }
    }
}
