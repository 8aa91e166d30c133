package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.RetryPolicy;
import ai.ringrift.slurm.rest.SlurmException;
import ai.ringrift.slurm.rest.SlurmMetrics;
import ai.ringrift.slurm.rest.SlurmRejectedException;
import ai.ringrift.slurm.rest.SlurmUnreachableException;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's one Resilience4j {@link Retry}, shared by all its calls: only {@link
 * SlurmException#isRetryable() retryable} failures are tried again, with exponential backoff and
 * jitter (or the server's Retry-After), at most {@link RetryPolicy#maxAttempts()} times and never
 * once {@link RetryPolicy#maxElapsed()} has passed since the call began. Its event publisher is
 * where retries are logged and counted. The first attempt runs on the caller's thread; the waits
 * run on the scheduler (which only schedules) and the later attempts on the client's worker
 * executor, so a retry never holds a scheduler thread while its request is on the wire.
 */
public final class Retrier {

    private static final Logger log = LoggerFactory.getLogger(Retrier.class);

    /**
     * One failed attempt, as the shared Retry sees it: the failure with its call's name and
     * deadline, which a shared configuration could not know otherwise.
     */
    private static final class Failed extends RuntimeException {
        final String operation;
        final Instant deadline;
        final SlurmException failure;

        Failed(String operation, Instant deadline, SlurmException failure) {
            super(failure.getMessage(), failure, false, false);
            this.operation = operation;
            this.deadline = deadline;
            this.failure = failure;
        }
    }

    private final RetryPolicy policy;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Executor workers;
    private final IntervalFunction backoff;
    private final Retry retry;

    Retrier(RetryPolicy policy, Clock clock, ScheduledExecutorService scheduler, Executor workers, SlurmMetrics metrics) {
        this.policy = policy;
        this.clock = clock;
        this.scheduler = scheduler;
        this.workers = workers;
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(policy.initialBackoff(), policy.multiplier(),
                policy.jitter(), policy.maxBackoff());
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(policy.maxAttempts())
                .retryOnException(e -> e instanceof Failed f && f.failure.isRetryable() && clock.instant().isBefore(f.deadline))
                .intervalBiFunction((n, outcome) -> waitMillis(n, outcome.isLeft() ? outcome.getLeft() : null))
                .failAfterMaxAttempts(false)
                .build();
        this.retry = Retry.of("slurmrestd", config);
        retry.getEventPublisher().onRetry(e -> {
            Failed f = e.getLastThrowable() instanceof Failed x ? x : null;
            String operation = f == null ? "call" : f.operation;
            log.info("{} failed ({}); attempt {} of {} in {} ms", operation, f == null ? e.getLastThrowable() : f.getMessage(),
                    e.getNumberOfRetryAttempts() + 1, policy.maxAttempts(), e.getWaitInterval().toMillis());
            metrics.retry(operationKind(operation), f == null ? "?" : f.failure.getClass().getSimpleName());
        });
    }

    RetryPolicy policy() {
        return policy;
    }

    /** The Resilience4j Retry every call of this client goes through. */
    Retry retry() {
        return retry;
    }

    /** Runs {@code attempt} until it succeeds or fails for good; the future fails with a SlurmException. */
    <T> CompletableFuture<T> run(String operation, Supplier<T> attempt) {
        Instant deadline = clock.instant().plus(policy.maxElapsed());
        AtomicInteger attempts = new AtomicInteger();
        Supplier<CompletionStage<T>> once = () -> attempts.incrementAndGet() == 1
                ? attempt(operation, deadline, attempt)
                : CompletableFuture.supplyAsync(() -> attempt(operation, deadline, attempt), workers).thenCompose(f -> f);
        CompletableFuture<T> result = new CompletableFuture<>();
        retry.executeCompletionStage(scheduler, once).whenComplete((value, failure) -> {
            if (failure == null) {
                result.complete(value);
                return;
            }
            Throwable cause = unwrap(failure);
            if (cause instanceof Failed f) {
                cause = attempts.get() > 1 ? f.failure.withAttempts(attempts.get()) : f.failure;
            }
            result.completeExceptionally(cause);
        });
        return result;
    }

    private static <T> CompletableFuture<T> attempt(String operation, Instant deadline, Supplier<T> attempt) {
        try {
            return CompletableFuture.completedFuture(attempt.get());
        } catch (SlurmException e) {
            return CompletableFuture.failedFuture(new Failed(operation, deadline, e));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Blocks for {@link #run}; rethrows its SlurmException as is. */
    <T> T call(String operation, Supplier<T> attempt) {
        return join(run(operation, attempt));
    }

    public static <T> T join(CompletableFuture<T> future) {
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

    private long waitMillis(int attempt, Throwable failure) {
        long wait = backoff.apply(attempt);
        if (!(failure instanceof Failed f)) {
            return wait;
        }
        if (f.failure instanceof SlurmRejectedException rejected && rejected.retryAfter().isPresent()) {
            wait = Math.max(1, rejected.retryAfter().get().toMillis());
        }
        long left = Duration.between(clock.instant(), f.deadline).toMillis();
        return Math.max(1, Math.min(wait, Math.max(left, 1)));
    }

    /** "get job 17" and "submit job 'rr-x'" become "get job" and "submit job": few, stable metric tags. */
    static String operationKind(String operation) {
        return operation.replaceAll("'[^']*'", "").replaceAll("\\b\\d+\\b", "").replaceAll("\\s+", " ").trim();
    }

    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
