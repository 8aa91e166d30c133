package ai.ringrift.slurm.rest;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** A job's files: Slurm's filename patterns and the tail of a log, each done in this one place. */
public final class JobFiles {

    /** The most of a file's end read for its tail: enough for many lines, bounded for a huge log. */
    static final int TAIL_WINDOW = 64 * 1024;

    private JobFiles() {}

    /**
     * Expands Slurm's filename pattern for one job or array task: {@code %j} (job id), {@code %A}
     * (array job id), {@code %a} (array task id), {@code %x} (job name), {@code %u} (user) and
     * {@code %%}. Other patterns are left as they are.
     *
     * @param arrayJobId the array's id, or 0 for a plain job (then {@code %A} is the job id)
     * @param task the array task id, or -1 for a plain job (then {@code %a} is 0, as Slurm writes it)
     */
    public static String expand(String pattern, long jobId, long arrayJobId, int task, String name, String user) {
        Objects.requireNonNull(pattern, "pattern == null");
        StringBuilder out = new StringBuilder(pattern.length() + 16);
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                out.append(c);
                continue;
            }
            char p = pattern.charAt(++i);
            switch (p) {
                case 'j' -> out.append(jobId);
                case 'A' -> out.append(arrayJobId > 0 ? arrayJobId : jobId);
                case 'a' -> out.append(Math.max(task, 0));
                case 'x' -> out.append(name == null ? "" : name);
                case 'u' -> out.append(user == null ? "" : user);
                case '%' -> out.append('%');
                default -> out.append('%').append(p);
            }
        }
        return out.toString();
    }

    /** {@link #expand} with the ids, name and user of a job's record. */
    public static String expand(String pattern, JobInfo job) {
        return expand(pattern, job.jobId(), job.arrayJobId(), job.arrayTaskId(), job.name(), job.user());
    }

    /** The last {@code lines} lines of a file, read from at most its last 64 KiB. */
    public static List<String> tail(Path file, int lines) throws IOException {
        if (lines <= 0) {
            return List.of();
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            int window = (int) Math.min(length, TAIL_WINDOW);
            byte[] bytes = new byte[window];
            in.seek(length - window);
            in.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
            int end = all.length > 0 && all[all.length - 1].isEmpty() ? all.length - 1 : all.length;
            int start = Math.max(window < length ? 1 : 0, end - lines); // a cut first line is not a line
            return List.of(Arrays.copyOfRange(all, Math.min(start, end), end));
        }
    }
}
