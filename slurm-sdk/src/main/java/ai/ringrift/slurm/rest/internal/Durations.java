package ai.ringrift.slurm.rest.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Durations as the SDK writes them in its messages and its queries, in one place. */
final class Durations {

    private Durations() {}

    /** "30 s", or "250 ms" when it is not whole seconds. */
    static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** From {@code past} to now; at least a second (slurmdbd's windows are whole seconds). */
    static Duration since(Instant past, Clock clock) {
        Duration d = Duration.between(past, clock.instant());
        return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d;
    }

    /** Slurm's relative time for a window back from now: "now-600seconds" (slurmdbd answers 422 to epoch seconds). */
    static String slurmWindow(Duration window) {
        return "now-" + Math.max(1, window.getSeconds()) + "seconds";
    }
}
