package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.rest.internal.ArrayTasks;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What Slurm says about one job (or one array task), from slurmctld or, once the job has left it,
 * from slurmdbd.
 *
 * @param jobId the job's id (for an array task: the task's own id)
 * @param arrayJobId the array's id for an array task, else 0
 * @param arrayTaskId the task index for an array task, else -1
 * @param state the base state
 * @param stateNames Slurm's state names as sent: the base state and flags such as REQUEUED
 * @param exitCode the exit code when set, else -1
 * @param signal the signal that ended the job when there was one, else -1
 * @param arrayTasks for an array's own record, the tasks it stands for as Slurm wrote them, else ""
 */
public record JobInfo(long jobId, long arrayJobId, int arrayTaskId, String name, JobState state,
        List<String> stateNames, String stateReason, int exitCode, int signal, String comment, String partition,
        String account, String user, Instant submitTime, Instant startTime, Instant endTime, String standardOutput,
        String standardError, Source source, String arrayTasks) {

    /** Which daemon answered. */
    public enum Source { CONTROLLER, ACCOUNTING }

    public JobInfo {
        stateNames = List.copyOf(stateNames);
        stateReason = stateReason == null ? "" : stateReason;
        comment = comment == null ? "" : comment;
        name = name == null ? "" : name;
        partition = partition == null ? "" : partition;
        account = account == null ? "" : account;
        user = user == null ? "" : user;
        standardOutput = standardOutput == null ? "" : standardOutput;
        standardError = standardError == null ? "" : standardError;
        arrayTasks = arrayTasks == null ? "" : arrayTasks;
    }

    /**
     * For an array's own record (not one task's): the tasks it still stands for, those never started
     * on their own (pending, or cancelled before they ran). Empty otherwise, and for a task.
     * slurmctld writes them as a range ("1-5%2"), slurmdbd as a bitmap ("0x3E"): see {@link ArrayTasks}.
     */
    public java.util.BitSet arrayTasksOfRecord() {
        return arrayJobId > 0 && arrayTaskId < 0 ? ArrayTasks.parse(arrayTasks) : new java.util.BitSet();
    }

    public boolean isArrayTask() {
        return arrayTaskId >= 0;
    }

    /** True when the job has ended and Slurm will not run it again (no REQUEUED flag). */
    public boolean isFinal() {
        return JobState.isFinal(state, stateNames);
    }

    public boolean hasFlag(String flag) {
        return stateNames.stream().anyMatch(flag::equalsIgnoreCase);
    }

    public OptionalInt exitCodeIfSet() {
        return exitCode >= 0 ? OptionalInt.of(exitCode) : OptionalInt.empty();
    }

    public OptionalInt signalIfAny() {
        return signal > 0 ? OptionalInt.of(signal) : OptionalInt.empty();
    }

    public Optional<Instant> end() {
        return Optional.ofNullable(endTime);
    }

    public OptionalLong arrayJob() {
        return arrayJobId > 0 ? OptionalLong.of(arrayJobId) : OptionalLong.empty();
    }
}
