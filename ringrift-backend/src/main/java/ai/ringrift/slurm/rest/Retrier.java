package ai.ringrift.slurm.rest;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a call under Resilience4j Retry: only {@link SlurmException#isRetryable() retryable}
 * failures are tried again, with exponential backoff and jitter (or the server's Retry-After), at
 * most {@link RetryPolicy#maxAttempts()} times and never once {@link RetryPolicy#maxElapsed()} has
 * passed. The waits run on the given scheduler, so tests can run them in virtual time.
 */
final class Retrier {

    private static final Logger log = LoggerFactory.getLogger(Retrier.class);

    private final RetryPolicy policy;
    private final SlurmMetrics metrics;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final IntervalFunction backoff;

    Retrier(RetryPolicy policy, Clock clock, ScheduledExecutorService scheduler) {
        this(policy, clock, scheduler, SlurmMetrics.NONE);
    }

    Retrier(RetryPolicy policy, Clock clock, ScheduledExecutorService scheduler, SlurmMetrics metrics) {
        this.metrics = metrics;
        this.policy = policy;
        this.clock = clock;
        this.scheduler = scheduler;
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(policy.initialBackoff(), policy.multiplier(),
                policy.jitter(), policy.maxBackoff());
    }

    RetryPolicy policy() {
        return policy;
    }

    /** Runs {@code attempt} until it succeeds or fails for good; the future fails with a SlurmException. */
    <T> CompletableFuture<T> run(String operation, Supplier<T> attempt) {
        Instant deadline = clock.instant().plus(policy.maxElapsed());
        AtomicInteger attempts = new AtomicInteger();
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(policy.maxAttempts())
                .retryOnException(e -> unwrap(e) instanceof SlurmException se && se.isRetryable()
                        && clock.instant().isBefore(deadline))
                .intervalBiFunction((n, outcome) -> waitMillis(n, outcome.isLeft() ? outcome.getLeft() : null, deadline))
                .failAfterMaxAttempts(false)
                .build();
        Retry retry = Retry.of(operation, config);
        retry.getEventPublisher().onRetry(e -> {
            log.info("{} failed ({}); attempt {} of {} in {} ms", operation, messageOf(e.getLastThrowable()),
                    e.getNumberOfRetryAttempts() + 1, policy.maxAttempts(), e.getWaitInterval().toMillis());
            metrics.retry(operationKind(operation), unwrap(e.getLastThrowable()).getClass().getSimpleName());
        });
        Supplier<CompletionStage<T>> once = () -> {
            attempts.incrementAndGet();
            try {
                return CompletableFuture.completedFuture(attempt.get());
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        };
        CompletableFuture<T> result = new CompletableFuture<>();
        retry.executeCompletionStage(scheduler, once).whenComplete((value, failure) -> {
            if (failure == null) {
                result.complete(value);
                return;
            }
            Throwable cause = unwrap(failure);
            if (cause instanceof SlurmException se) {
                se.recordAttempts(attempts.get());
            }
            result.completeExceptionally(cause);
        });
        return result;
    }

    /** Blocks for {@link #run}; rethrows its SlurmException as is. */
    <T> T call(String operation, Supplier<T> attempt) {
        return join(run(operation, attempt));
    }

    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new SlurmUnreachableException("call failed: " + cause, true, cause);
        }
    }

    private long waitMillis(int attempt, Throwable failure, Instant deadline) {
        long wait = backoff.apply(attempt);
        if (unwrap(failure) instanceof SlurmRejectedException rejected && rejected.retryAfter().isPresent()) {
            wait = Math.max(1, rejected.retryAfter().get().toMillis());
        }
        long left = Duration.between(clock.instant(), deadline).toMillis();
        return Math.max(1, Math.min(wait, Math.max(left, 1)));
    }

    /** "get job 17" and "submit job 'rr-x'" become "get job" and "submit job": few, stable metric tags. */
    static String operationKind(String operation) {
        return operation.replaceAll("'[^']*'", "").replaceAll("\\b\\d+\\b", "").replaceAll("\\s+", " ").trim();
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String messageOf(Throwable t) {
        Throwable cause = unwrap(t);
        return cause == null ? "?" : cause.getMessage();
    }
}
