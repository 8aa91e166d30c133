package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.JobState;
import ai.ringrift.slurm.rest.JobStateEntry;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The id shapes of slurmrestd's {@code /jobs/state/} rows, read in this one place (see
 * {@link JobStateEntry} for the shapes): {@code 17}, {@code 14_2}, {@code 14_[3-7%2]}, {@code 14_*},
 * {@code 15+1}; any other shape keeps its leading job id and is marked not understood.
 */
public final class StateRows {

    private static final Pattern SHAPE = Pattern.compile("^(\\d+)(?:_(\\d+)|_\\[([^\\]]*)\\]|_(\\*)|\\+(\\d+))?$");
    private static final Pattern LEADING_ID = Pattern.compile("^(\\d+)");

    private StateRows() {}

    /** Reads one row; null when the id does not even start with a job id (nothing can be tied to it). */
    public static JobStateEntry parse(String rawId, List<String> states) {
        String id = rawId == null ? "" : rawId.trim();
        JobState state = JobState.fromNames(states);
        Matcher m = SHAPE.matcher(id);
        try {
            if (m.matches()) {
                long job = Long.parseLong(m.group(1));
                if (m.group(2) != null) {
                    return new JobStateEntry(id, job, Integer.parseInt(m.group(2)), "", -1, true, state, states);
                }
                if (m.group(3) != null) {
                    return new JobStateEntry(id, job, -1, m.group(3), -1, true, state, states);
                }
                if (m.group(4) != null) {
                    return new JobStateEntry(id, job, -1, "*", -1, true, state, states);
                }
                if (m.group(5) != null) {
                    return new JobStateEntry(id, job, -1, "", Integer.parseInt(m.group(5)), true, state, states);
                }
                return new JobStateEntry(id, job, -1, "", -1, true, state, states);
            }
            Matcher lead = LEADING_ID.matcher(id);
            if (lead.find()) {
                return new JobStateEntry(id, Long.parseLong(lead.group(1)), -1, "", -1, false, state, states);
            }
        } catch (NumberFormatException tooLarge) {
            // a number beyond long or int: fall through, nothing can be tied to it
        }
        return null;
    }
}
