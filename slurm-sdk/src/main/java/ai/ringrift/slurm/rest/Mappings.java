package ai.ringrift.slurm.rest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the mappings of every data parser version share: values with one meaning in all of them.
 * Each version's own mapping ({@code V00xxMapping}) reads its generated models through these.
 */
final class Mappings {

    private static final Pattern GPU_COUNT = Pattern.compile("(?:^|,)gpu(?::[^:(,]+)?:(\\d+)");

    private Mappings() {}

    /** {@code f} applied to each of {@code items}; none when the answer left the list out. */
    static <T, R> List<R> each(List<T> items, Function<T, R> f) {
        return items == null ? List.of() : items.stream().map(f).toList();
    }

    /** GPUs in a gres string such as "gpu:4", "gpu:h100:8(S:0-1)" or "gpu:h100:2(IDX:0-1),shard:0". */
    static int gpus(String gres) {
        if (gres == null || gres.isBlank() || "(null)".equals(gres)) {
            return 0;
        }
        int total = 0;
        Matcher m = GPU_COUNT.matcher(gres);
        while (m.find()) {
            total += Integer.parseInt(m.group(1));
        }
        return total;
    }

    /** The names of a list of flags or states; one the generator did not know is "UNKNOWN". */
    static List<String> names(List<? extends Enum<?>> values) {
        if (values == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>(values.size());
        for (Enum<?> v : values) {
            names.add(v.toString().equals("unknown_default_open_api") ? "UNKNOWN" : v.toString());
        }
        return names;
    }

    /** A number that may be unset ({@code {"set":false}}): {@code unset} then. */
    static long number(Boolean set, Number number, long unset) {
        return !Boolean.TRUE.equals(set) || number == null ? unset : number.longValue();
    }

    /** A time in epoch seconds that may be unset; 0 means none too. */
    static Instant time(Boolean set, Number seconds) {
        long s = number(set, seconds, 0);
        return s == 0 ? null : Instant.ofEpochSecond(s);
    }

    /** A time in plain epoch seconds (slurmdbd's records); 0 means none. */
    static Instant epoch(Long seconds) {
        return seconds == null || seconds == 0 ? null : Instant.ofEpochSecond(seconds);
    }

    /** The resolved path when the server sent one ({@code *_expanded}), else {@code fallback}. */
    static String resolved(String expanded, String fallback) {
        return expanded == null || expanded.isBlank() ? (fallback == null ? "" : fallback) : expanded;
    }

    static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    static int orZero(Integer n) {
        return n == null ? 0 : n;
    }

    static long orZero(Long n) {
        return n == null ? 0 : n;
    }
}
