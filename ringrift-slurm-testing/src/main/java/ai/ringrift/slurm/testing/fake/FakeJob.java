package ai.ringrift.slurm.testing.fake;

import ai.ringrift.slurm.rest.JobState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One job (or array task) as a {@link FakeSlurm} holds it at the moment it was asked: what was
 * submitted and where it is in its life. The pending tasks of an array are one entry, the array's
 * own ({@code arrayTaskId} -1, {@code pendingTasks} their range as Slurm writes it).
 *
 * @param exitCode the exit code once it ended by itself, else -1
 * @param restarts how often it was requeued
 * @param inController whether slurmctld still holds it (false once MinJobAge passed after its end)
 */
public record FakeJob(long jobId, long arrayJobId, int arrayTaskId, String pendingTasks, String name, String comment,
        String partition, String account, String qos, String user, JobState state, List<String> stateFlags, String reason,
        int exitCode, int restarts, Instant submitTime, Optional<Instant> startTime, Optional<Instant> endTime,
        String node, boolean inController) {

    public FakeJob {
        stateFlags = List.copyOf(stateFlags);
    }

    /** The submit key the SDK put in the comment, if any. */
    public Optional<String> submitKey() {
        String prefix = ai.ringrift.slurm.rest.SlurmClient.SUBMIT_KEY_PREFIX;
        int at = comment.indexOf(prefix);
        if (at < 0) {
            return Optional.empty();
        }
        String rest = comment.substring(at + prefix.length());
        int end = rest.indexOf(' ');
        return Optional.of(end < 0 ? rest : rest.substring(0, end));
    }
}
