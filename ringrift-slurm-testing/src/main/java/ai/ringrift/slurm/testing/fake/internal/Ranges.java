package ai.ringrift.slurm.testing.fake.internal;

import java.util.BitSet;

/** Task sets written as Slurm writes them: ranges ("1-5,7") in slurmctld, a hex bitmap ("0x3E") in slurmdbd. */
final class Ranges {

    private Ranges() {}

    static String of(BitSet tasks) {
        StringBuilder sb = new StringBuilder();
        int i = tasks.nextSetBit(0);
        while (i >= 0) {
            int j = i;
            while (tasks.get(j + 1)) {
                j++;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(i);
            if (j > i) {
                sb.append('-').append(j);
            }
            i = tasks.nextSetBit(j + 1);
        }
        return sb.toString();
    }

    static String hex(BitSet tasks) {
        if (tasks.isEmpty()) {
            return "";
        }
        return "0x" + new java.math.BigInteger(1, reverse(tasks.toByteArray())).toString(16).toUpperCase(java.util.Locale.ROOT);
    }

    private static byte[] reverse(byte[] littleEndian) {
        byte[] out = new byte[littleEndian.length];
        for (int i = 0; i < littleEndian.length; i++) {
            out[i] = littleEndian[littleEndian.length - 1 - i];
        }
        return out;
    }

    /**
     * Parses Slurm's array expression ("0-9", "1,3,5-7", "0-15:4", each optionally with "%N"):
     * the tasks, and the throttle (0: none). Null when it is not one.
     */
    static Parsed parse(String expression) {
        String e = expression.trim();
        int throttle = 0;
        int pct = e.indexOf('%');
        try {
            if (pct >= 0) {
                throttle = Integer.parseInt(e.substring(pct + 1));
                e = e.substring(0, pct);
            }
            BitSet tasks = new BitSet();
            for (String part : e.split(",")) {
                int step = 1;
                int colon = part.indexOf(':');
                if (colon >= 0) {
                    step = Integer.parseInt(part.substring(colon + 1));
                    part = part.substring(0, colon);
                }
                int dash = part.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1));
                if (from < 0 || to < from || to > 4_000_000 || step < 1) {
                    return null;
                }
                for (int t = from; t <= to; t += step) {
                    tasks.set(t);
                }
            }
            return tasks.isEmpty() ? null : new Parsed(tasks, throttle);
        } catch (NumberFormatException bad) {
            return null;
        }
    }

    record Parsed(BitSet tasks, int throttle) {}
}
