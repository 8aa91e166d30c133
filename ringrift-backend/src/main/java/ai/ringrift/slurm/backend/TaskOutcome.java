package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.rest.JobState;
import java.nio.file.Path;
import java.util.List;

/**
 * How one job, or one task of an array, ended.
 *
 * @param taskIndex the task's index in the whole piece of work (0 for a plain job)
 * @param slurmId Slurm's id: "17" or "14_3"
 * @param exitCode the exit code, -1 when Slurm has none
 * @param signal the signal that ended it, -1 for none
 * @param log the job's output file
 * @param logTail its last lines (empty when it could not be read; see logProblem)
 * @param fromAccounting true when the final state came from slurmdbd (the job had left slurmctld)
 */
public record TaskOutcome(int taskIndex, String slurmId, OutcomeKind kind, JobState state, int exitCode, int signal,
        String stateReason, Path log, List<String> logTail, String logProblem, boolean fromAccounting) {

    public TaskOutcome {
        logTail = List.copyOf(logTail);
        logProblem = logProblem == null ? "" : logProblem;
    }

    public boolean isSuccess() {
        return kind == OutcomeKind.SUCCESS;
    }

    /**
     * One line for people: "14_3 FAILED exit 3 (NonZeroExitCode)"; with the cause when the job left
     * no log, e.g. "... : could not create its output file ... as user ringrift: ...", or when its
     * container did not start: "15 CONTAINER_FAILED exit 255 (NonZeroExitCode): the container did not
     * start: FATAL: ...".
     */
    public String summary() {
        StringBuilder s = new StringBuilder(slurmId).append(' ').append(kind);
        if (exitCode >= 0 && kind != OutcomeKind.SUCCESS) {
            s.append(" exit ").append(exitCode);
        }
        if (signal > 0) {
            s.append(" signal ").append(signal);
        }
        if (!stateReason.isEmpty() && !"None".equals(stateReason)) {
            s.append(" (").append(stateReason).append(')');
        }
        if (kind != OutcomeKind.SUCCESS && (logTail.isEmpty() || kind == OutcomeKind.CONTAINER_FAILED) && !logProblem.isEmpty()) {
            s.append(": ").append(logProblem);
        }
        return s.toString();
    }
}
