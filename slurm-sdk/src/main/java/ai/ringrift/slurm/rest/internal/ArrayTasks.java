package ai.ringrift.slurm.rest.internal;


import java.math.BigInteger;
import java.util.BitSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Slurm's ways of writing a set of array task ids, read in one place: a range expression as
 * slurmctld sends it ({@code "1-5%2"}, {@code "0,3,7-9"}, {@code "0-9:3"}) and the hex bitmap
 * slurmdbd keeps for an array's record ({@code "0x3E"}: tasks 1 to 5).
 */
public final class ArrayTasks {

    /** Larger than any MaxArraySize a cluster allows (4,000,001 is Slurm's ceiling). */
    private static final int LIMIT = 4_000_001;
    private static final Pattern RANGE = Pattern.compile("^(\\d+)(?:-(\\d+)(?::(\\d+))?)?$");

    private ArrayTasks() {}

    /**
     * The task ids in {@code expression}; empty for an empty or unreadable one (the caller then knows
     * nothing about which tasks a record stands for, and must not guess).
     */
    public static BitSet parse(String expression) {
        BitSet tasks = new BitSet();
        if (expression == null) {
            return tasks;
        }
        String e = expression.trim();
        if (e.startsWith("[") && e.endsWith("]")) {
            e = e.substring(1, e.length() - 1);
        }
        if (e.isEmpty()) {
            return tasks;
        }
        if (e.startsWith("0x") || e.startsWith("0X")) {
            try {
                BigInteger bits = new BigInteger(e.substring(2), 16);
                for (int i = bits.getLowestSetBit(); i >= 0 && i < LIMIT; i = nextSetBit(bits, i + 1)) {
                    tasks.set(i);
                }
                return tasks;
            } catch (NumberFormatException bad) {
                return new BitSet();
            }
        }
        int throttle = e.indexOf('%');
        if (throttle >= 0) {
            e = e.substring(0, throttle);
        }
        for (String part : e.split(",")) {
            Matcher m = RANGE.matcher(part.trim());
            if (!m.matches()) {
                return new BitSet();
            }
            try {
                int from = Integer.parseInt(m.group(1));
                int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
                int step = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
                if (to < from || step < 1 || to >= LIMIT) {
                    return new BitSet();
                }
                for (int i = from; i <= to; i += step) {
                    tasks.set(i);
                }
            } catch (NumberFormatException tooLarge) {
                return new BitSet();
            }
        }
        return tasks;
    }

    private static int nextSetBit(BigInteger bits, int from) {
        for (int i = from; i < bits.bitLength(); i++) {
            if (bits.testBit(i)) {
                return i;
            }
        }
        return -1;
    }
}
