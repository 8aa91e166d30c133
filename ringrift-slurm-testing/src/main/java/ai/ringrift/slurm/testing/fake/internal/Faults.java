package ai.ringrift.slurm.testing.fake.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/** The HTTP-level faults a test asked for; read by the {@link Router} on every request. */
public final class Faults {

    /** How a token is refused. */
    public enum TokenRefusal { EXPIRED, FOREIGN }

    final AtomicInteger lostSubmitAnswers = new AtomicInteger();
    volatile Instant unreachableUntil;
    volatile Duration slowBy = Duration.ZERO;
    final AtomicInteger slowCount = new AtomicInteger();
    volatile Duration controllerLateBy = Duration.ZERO;
    volatile boolean slurmdbdDown;
    volatile TokenRefusal refuseTokens;
    final AtomicInteger tokenRefusals = new AtomicInteger();

    public void clear() {
        lostSubmitAnswers.set(0);
        unreachableUntil = null;
        slowBy = Duration.ZERO;
        slowCount.set(0);
        controllerLateBy = Duration.ZERO;
        slurmdbdDown = false;
        refuseTokens = null;
        tokenRefusals.set(0);
    }

    public void loseSubmitAnswers(int n) {
        lostSubmitAnswers.addAndGet(n);
    }

    public void unreachableUntil(Instant until) {
        unreachableUntil = until;
    }

    /** The next {@code count} answers (all when negative) come {@code by} late. */
    public void slow(Duration by, int count) {
        slowBy = by;
        slowCount.set(count);
    }

    public void controllerLateBy(Duration by) {
        controllerLateBy = by;
    }

    public void slurmdbdDown(boolean down) {
        slurmdbdDown = down;
    }

    /** The next {@code count} requests (all when negative) are refused as with such a token; null stops it. */
    public void refuseTokens(TokenRefusal how, int count) {
        refuseTokens = how;
        tokenRefusals.set(count);
    }
}
