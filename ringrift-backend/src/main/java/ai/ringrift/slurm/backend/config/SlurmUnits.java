package ai.ringrift.slurm.backend.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Slurm's ways of writing memory ("64G") and times ("HH:MM:SS", "D-HH:MM:SS"), and durations ("30s"), read strictly. */
public final class SlurmUnits {

    private static final Pattern MEMORY = Pattern.compile("^(\\d+)([KMGT])?$");
    private static final Pattern TIME = Pattern.compile("^(?:(\\d+)-)?(\\d{1,2}):(\\d{2}):(\\d{2})$");

    private static final Pattern DURATION = Pattern.compile("^(\\d+)(ms|s|m|h|d)$");

    private SlurmUnits() {}

    /**
     * A duration as the config and the command line write it: "500ms", "30s", "10m", "2h" or "1d",
     * longer than zero; IllegalArgumentException says what is wrong.
     */
    public static Duration duration(String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration like 500ms, 30s, 10m, 2h or 1d");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.isZero()) {
            throw new IllegalArgumentException("must be longer than zero");
        }
        return d;
    }

    /** Megabytes in "64G", "512M", "2T" or "1048576K" (no unit: MB); IllegalArgumentException says what is wrong. */
    public static long memoryMb(String text) {
        Matcher m = MEMORY.matcher(text.trim().toUpperCase());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a memory size like 64G, 512M or 2T");
        }
        long n = Long.parseLong(m.group(1));
        long mb = switch (m.group(2) == null ? "M" : m.group(2)) {
            case "K" -> (n + 1023) / 1024;
            case "M" -> n;
            case "G" -> n * 1024;
            default -> n * 1024 * 1024;
        };
        if (mb < 1) {
            throw new IllegalArgumentException("must be at least 1M");
        }
        return mb;
    }

    /** A time limit in "HH:MM:SS" or "D-HH:MM:SS"; IllegalArgumentException says what is wrong. */
    public static Duration time(String text) {
        Matcher m = TIME.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a time like HH:MM:SS or D-HH:MM:SS");
        }
        int hours = Integer.parseInt(m.group(2));
        int minutes = Integer.parseInt(m.group(3));
        int seconds = Integer.parseInt(m.group(4));
        if (minutes > 59 || seconds > 59 || (m.group(1) != null && hours > 23)) {
            throw new IllegalArgumentException("'" + text + "' has minutes or seconds over 59 (or hours over 23 after a day)");
        }
        Duration d = Duration.ofDays(m.group(1) == null ? 0 : Long.parseLong(m.group(1)))
                .plusHours(hours).plusMinutes(minutes).plusSeconds(seconds);
        if (d.isZero()) {
            throw new IllegalArgumentException("must be longer than zero");
        }
        return d;
    }
}
