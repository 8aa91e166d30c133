package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.rest.SlurmUsageException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a service persists about a piece of work it submitted, so that after a restart it can
 * {@link SlurmBackend#resume(SavedWork) resume} following it: the Slurm job ids, and the submit key
 * that finds a job whose id was never received. {@link #encode()} writes it as one line of text,
 * {@link #decode(String)} reads it back.
 *
 * @param type the work type
 * @param name the work's job name
 * @param tasks how many tasks the work has (1 unless it is an array)
 * @param submitKey the key its jobs carry in their comment (one per array chunk: KEY-OFFSET)
 * @param submittedAt when it was submitted (lookups by submit key search from there)
 * @param jobIds the Slurm job ids received, in chunk order (fewer than the chunks when an answer was lost)
 */
public record SavedWork(WorkType type, String name, int tasks, String submitKey, Instant submittedAt, List<Long> jobIds) {

    private static final String FORMAT = "ringrift-work/1";

    public SavedWork {
        Objects.requireNonNull(type, "type == null");
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(submitKey, "submitKey == null");
        Objects.requireNonNull(submittedAt, "submittedAt == null");
        jobIds = List.copyOf(jobIds);
        if (tasks < 1) {
            throw new SlurmUsageException("a piece of work has at least 1 task, not " + tasks);
        }
        if (name.isBlank() || name.chars().anyMatch(Character::isWhitespace)
                || submitKey.isBlank() || submitKey.chars().anyMatch(Character::isWhitespace)) {
            throw new SlurmUsageException("name and submit key must be non-empty and without spaces: '" + name + "', '"
                    + submitKey + "'");
        }
    }

    /** One line: {@code ringrift-work/1 TYPE NAME TASKS KEY SUBMITTED IDS} (ids comma-separated, "-" for none). */
    public String encode() {
        return String.join(" ", FORMAT, type.key(), name, String.valueOf(tasks), submitKey, submittedAt.toString(),
                jobIds.isEmpty() ? "-" : String.join(",", jobIds.stream().map(String::valueOf).toList()));
    }

    /** Reads a line written by {@link #encode()}; says what is wrong with one that is not. */
    public static SavedWork decode(String line) {
        Objects.requireNonNull(line, "line == null");
        String[] f = line.trim().split(" ");
        if (f.length != 7 || !f[0].equals(FORMAT)) {
            throw new SlurmUsageException("not a saved piece of work (expected '" + FORMAT
                    + " TYPE NAME TASKS KEY SUBMITTED IDS', as SavedWork.encode() writes it): '" + line + "'");
        }
        try {
            List<Long> ids = new ArrayList<>();
            if (!f[6].equals("-")) {
                for (String id : f[6].split(",")) {
                    ids.add(Long.parseLong(id));
                }
            }
            return new SavedWork(WorkType.fromKey(f[1]), f[2], Integer.parseInt(f[3]), f[4], Instant.parse(f[5]), ids);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new SlurmUsageException("saved piece of work '" + line + "' cannot be read: " + e.getMessage(), e);
        }
    }
}
