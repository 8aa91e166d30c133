package ai.ringrift.slurm.metrics;

import ai.ringrift.slurm.rest.SlurmMetrics;
import ai.ringrift.slurm.rest.SlurmClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SDK's metrics in a Micrometer {@link MeterRegistry} (Micrometer is an optional dependency of
 * the SDK: add {@code io.micrometer:micrometer-core} to use this class). Meters:
 * <ul>
 *   <li>{@code slurm.requests} (timer; tags method, endpoint, outcome, status): every HTTP request sent,
 *       and {@code slurm.response.size} (bytes; tags method, endpoint);
 *   <li>{@code slurm.retries} (counter; tags operation, reason);
 *   <li>{@code slurm.submissions} (counter; tag outcome: created, adopted, failed) and
 *       {@code slurm.submit.duplicates.avoided} (counter: lost answers whose job was adopted, not sent again);
 *   <li>{@code slurm.tracking.rounds} (timer) and {@code slurm.tracked.jobs} (gauge; tag state);
 *   <li>{@code slurm.token.expiry} (time gauge, seconds until the client's token expires), once
 *       {@link #bindTokenExpiry} is called.
 * </ul>
 * Give it to {@link SlurmClient.Builder#metrics}; backends built on that client report through it.
 */
public final class MicrometerSlurmMetrics implements SlurmMetrics {

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, AtomicInteger> trackedByState = new ConcurrentHashMap<>();
    private final Counter duplicatesAvoided;
    private final Timer rounds;

    /** Records into {@code registry}. */
    public MicrometerSlurmMetrics(MeterRegistry registry) {
        this(registry, Clock.systemUTC());
    }

    /** Records into {@code registry}; token expiry is measured against {@code clock}. */
    public MicrometerSlurmMetrics(MeterRegistry registry, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry == null");
        this.clock = Objects.requireNonNull(clock, "clock == null");
        this.duplicatesAvoided = Counter.builder("slurm.submit.duplicates.avoided")
                .description("submissions whose answer was lost and whose job was found by its submit key and adopted")
                .register(registry);
        this.rounds = Timer.builder("slurm.tracking.rounds").description("job tracking rounds, requests included")
                .register(registry);
    }

    /** Adds {@code slurm.token.expiry}: seconds until the token {@code client} sends now expires (negative once it has). */
    public MicrometerSlurmMetrics bindTokenExpiry(SlurmClient client) {
        TimeGauge.builder("slurm.token.expiry", client, TimeUnit.SECONDS, c -> c.tokenExpiry()
                        .map(t -> (double) Duration.between(Instant.now(clock), t).toSeconds()).orElse(Double.NaN))
                .description("time until the token in use expires").register(registry);
        return this;
    }

    @Override
    public void request(String method, String endpoint, String outcome, int status, long bytes, Duration took) {
        Timer.builder("slurm.requests").description("HTTP requests sent to slurmrestd")
                .tags(Tags.of("method", method, "endpoint", endpoint, "outcome", outcome, "status", String.valueOf(status)))
                .register(registry).record(took);
        if (bytes >= 0) {
            DistributionSummary.builder("slurm.response.size").description("answers' body sizes").baseUnit("bytes")
                    .tags("method", method, "endpoint", endpoint).register(registry).record(bytes);
        }
    }

    @Override
    public void retry(String operation, String reason) {
        Counter.builder("slurm.retries").description("calls retried, by operation and failure")
                .tags("operation", operation, "reason", reason).register(registry).increment();
    }

    @Override
    public void submission(String outcome) {
        Counter.builder("slurm.submissions").description("submissions that ended, by outcome")
                .tag("outcome", outcome).register(registry).increment();
        if ("adopted".equals(outcome)) {
            duplicatesAvoided.increment();
        }
    }

    @Override
    public void trackingRound(Duration took, Map<String, Integer> byState) {
        rounds.record(took);
        for (Map.Entry<String, Integer> e : byState.entrySet()) {
            gauge(e.getKey()).set(e.getValue());
        }
        trackedByState.forEach((state, value) -> {
            if (!byState.containsKey(state)) {
                value.set(0);
            }
        });
    }

    private AtomicInteger gauge(String state) {
        return trackedByState.computeIfAbsent(state, s -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder("slurm.tracked.jobs", value, AtomicInteger::get).description("tracked jobs' rows by Slurm state")
                    .tag("state", s).register(registry);
            return value;
        });
    }
}
