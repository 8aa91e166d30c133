package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.rest.RetryPolicy;
import ai.ringrift.slurm.rest.SlurmMetrics;
import ai.ringrift.slurm.rest.TokenSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import okhttp3.HttpUrl;

/**
 * What {@code SlurmClient.Builder} was told, checked by it, as the client is made from it.
 *
 * @param apiVersion the version pinned, or null to negotiate
 * @param retryScheduler where retry waits are scheduled, or null for the client's own
 */
public record ClientSettings(HttpUrl baseUrl, Duration connectTimeout, Duration readTimeout, Duration callTimeout,
        int maxIdleConnections, Duration keepAlive, Path caFile, String userName, TokenSource tokens, RetryPolicy retryPolicy,
        Clock clock, ScheduledExecutorService retryScheduler, boolean checkVersion, SlurmMetrics metrics, ApiVersion apiVersion,
        int maxInFlight, Duration submitSettle, Duration submitTimeout) {}
