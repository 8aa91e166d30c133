package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.rest.internal.ArrayTasks;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * What Slurm says about one job (or one array task), from slurmctld or, once the job has left it,
 * from slurmdbd. Built by name ({@link #builder()}). One accessor per fact; where Slurm had no value
 * the accessor says so in one documented way: numbers {@value #NONE} (a job id {@code 0}), text
 * {@code ""}, times {@code null}.
 *
 * @param jobId the job's id (for an array task: the task's own id)
 * @param arrayJobId the array's id for an array task or an array's own record, else 0
 * @param arrayTaskId the task index for an array task, else -1
 * @param name the job's name, or ""
 * @param state the base state
 * @param stateNames Slurm's state names as sent: the base state and flags such as REQUEUED
 * @param stateReason why it is in that state ("None", "Resources", ...), or ""
 * @param exitCode the exit code, or -1 when Slurm has none (yet)
 * @param signal the signal that ended the job, or -1 when none did
 * @param comment the job's comment (the SDK's submit key), or ""
 * @param submitTime when it was submitted, or null
 * @param startTime when it started, or null (not yet, or never)
 * @param endTime when it ended, or null (not yet)
 * @param standardOutput the resolved path of its output file, or "" when Slurm does not say
 * @param standardError the resolved path of its error file, or "" (then it is the output file)
 * @param source which daemon answered
 * @param arrayTasks for an array's own record, the tasks it stands for as Slurm wrote them, else ""
 */
public record JobInfo(long jobId, long arrayJobId, int arrayTaskId, String name, JobState state,
        List<String> stateNames, String stateReason, int exitCode, int signal, String comment, String partition,
        String account, String user, Instant submitTime, Instant startTime, Instant endTime, String standardOutput,
        String standardError, Source source, String arrayTasks) {

    /** What a number Slurm had no value for reads as. */
    public static final int NONE = -1;

    /** Which daemon answered. */
    public enum Source { CONTROLLER, ACCOUNTING }

    public JobInfo {
        Objects.requireNonNull(state, "state == null");
        Objects.requireNonNull(source, "source == null");
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

    /** A record built by name; every fact not set reads as Slurm having none. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's facts, to change some. */
    public Builder toBuilder() {
        return new Builder().jobId(jobId).arrayJobId(arrayJobId).arrayTaskId(arrayTaskId).name(name).state(state)
                .stateNames(stateNames).stateReason(stateReason).exitCode(exitCode).signal(signal).comment(comment)
                .partition(partition).account(account).user(user).submitTime(submitTime).startTime(startTime)
                .endTime(endTime).standardOutput(standardOutput).standardError(standardError).source(source)
                .arrayTasks(arrayTasks);
    }

    /**
     * For an array's own record (not one task's): the tasks it still stands for, those never started
     * on their own (pending, or cancelled before they ran). Empty otherwise, and for a task.
     * slurmctld writes them as a range ("1-5%2"), slurmdbd as a bitmap ("0x3E").
     */
    public BitSet arrayTasksOfRecord() {
        return arrayJobId > 0 && arrayTaskId < 0 ? ArrayTasks.parse(arrayTasks) : new BitSet();
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

    /** Builds a {@link JobInfo} by name. */
    public static final class Builder {
        private long jobId;
        private long arrayJobId;
        private int arrayTaskId = NONE;
        private String name = "";
        private JobState state = JobState.UNKNOWN;
        private List<String> stateNames = List.of();
        private String stateReason = "";
        private int exitCode = NONE;
        private int signal = NONE;
        private String comment = "";
        private String partition = "";
        private String account = "";
        private String user = "";
        private Instant submitTime;
        private Instant startTime;
        private Instant endTime;
        private String standardOutput = "";
        private String standardError = "";
        private Source source = Source.CONTROLLER;
        private String arrayTasks = "";

        private Builder() {}

        public Builder jobId(long v) { this.jobId = v; return this; }
        public Builder arrayJobId(long v) { this.arrayJobId = v; return this; }
        public Builder arrayTaskId(int v) { this.arrayTaskId = v; return this; }
        public Builder name(String v) { this.name = v; return this; }
        public Builder state(JobState v) { this.state = v; return this; }
        /** Slurm's state names; also sets the base state among them. */
        public Builder stateNames(List<String> v) { this.stateNames = List.copyOf(v); this.state = JobState.fromNames(v); return this; }
        public Builder stateReason(String v) { this.stateReason = v; return this; }
        public Builder exitCode(int v) { this.exitCode = v; return this; }
        public Builder signal(int v) { this.signal = v; return this; }
        public Builder comment(String v) { this.comment = v; return this; }
        public Builder partition(String v) { this.partition = v; return this; }
        public Builder account(String v) { this.account = v; return this; }
        public Builder user(String v) { this.user = v; return this; }
        public Builder submitTime(Instant v) { this.submitTime = v; return this; }
        public Builder startTime(Instant v) { this.startTime = v; return this; }
        public Builder endTime(Instant v) { this.endTime = v; return this; }
        public Builder standardOutput(String v) { this.standardOutput = v; return this; }
        public Builder standardError(String v) { this.standardError = v; return this; }
        public Builder source(Source v) { this.source = v; return this; }
        public Builder arrayTasks(String v) { this.arrayTasks = v; return this; }

        public JobInfo build() {
            return new JobInfo(jobId, arrayJobId, arrayTaskId, name, state, stateNames, stateReason, exitCode, signal, comment,
                    partition, account, user, submitTime, startTime, endTime, standardOutput, standardError, source, arrayTasks);
        }
    }
}
