package ai.ringrift.slurm.rest.internal;


import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The JSON of slurmrestd's answers, as much of it as the SDK reads: one model for every data parser
 * version, because every field read here has one name and one JSON shape in all of them (what
 * differs is what a field holds: see {@link VersionTable.Quirks}). Fields a server adds are
 * ignored; a field a version lacks reads as null. {@code WireModelContractTest} checks each of
 * these records, field by field, against the client generated from every version's pinned spec, so
 * a version that renames or retypes one of them fails the build, naming it.
 */
public final class Wire {

    private Wire() {}

    /** A number that may be unset or infinite: {@code {"set":true,"infinite":false,"number":5}}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record NoVal(Boolean set, Boolean infinite, Long number) {
        long or(long unset) {
            return Boolean.TRUE.equals(set) && number != null ? number : unset;
        }
    }

    /** One entry of an answer's {@code errors[]}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Error(@JsonProperty("error_number") Integer errorNumber, String error, String description, String source) {}

    /** One entry of an answer's {@code warnings[]}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Warning(String description, String source) {}

    /** What every answer carries besides its content. */
    interface Answer {
        List<Error> errors();

        List<Warning> warnings();
    }

    /** An answer of which only errors and warnings are read (cancel, TRES, requeue). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Notes(List<Error> errors, List<Warning> warnings) implements Answer {}

    // ------------------------------------------------------------------ slurmctld

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PingAnswer(List<Ping> pings, Meta meta, List<Error> errors, List<Warning> warnings) implements Answer {}

    /** {@code pinged} ("UP") through v0.0.44; {@code responding} from v0.0.42 (the only one from v0.0.45). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Ping(String hostname, String pinged, Boolean responding) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Meta(Plugin plugin, SlurmMeta slurm) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Plugin(@JsonProperty("data_parser") String dataParser) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record SlurmMeta(String release, String cluster) {}

    /**
     * The answer to a submission: the job id at the top in every version (v0.0.40 also repeats it
     * in a {@code result} object, which v0.0.42 dropped).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record SubmitAnswer(@JsonProperty("job_id") Long jobId, List<Error> errors, List<Warning> warnings) implements Answer {}

    /**
     * The light state rows: the real server sends {@code {"jobs":[{"job_id":"14_2","state":["PENDING"]}]}},
     * a string id (with the array task after an underscore) and {@code state}, although the specs
     * declare {@code job_info_resp}.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record StateAnswer(List<StateRow> jobs, List<Error> errors, List<Warning> warnings) implements Answer {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record StateRow(@JsonProperty("job_id") String jobId, List<String> state) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record JobsAnswer(List<Job> jobs, List<Error> errors, List<Warning> warnings) implements Answer {}

    /** slurmctld's record of a job (or an array task). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Job(@JsonProperty("job_id") Long jobId, @JsonProperty("array_job_id") NoVal arrayJobId,
            @JsonProperty("array_task_id") NoVal arrayTaskId, @JsonProperty("array_task_string") String arrayTaskString,
            String name, @JsonProperty("job_state") List<String> jobState, @JsonProperty("state_reason") String stateReason,
            @JsonProperty("exit_code") ExitCode exitCode, String comment, String partition, String account,
            @JsonProperty("user_name") String userName, @JsonProperty("submit_time") NoVal submitTime,
            @JsonProperty("start_time") NoVal startTime, @JsonProperty("end_time") NoVal endTime,
            @JsonProperty("standard_output") String standardOutput, @JsonProperty("standard_error") String standardError,
            @JsonProperty("stdout_expanded") String stdoutExpanded, @JsonProperty("stderr_expanded") String stderrExpanded) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ExitCode(List<String> status, @JsonProperty("return_code") NoVal returnCode, Signal signal) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Signal(NoVal id, String name) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PartitionsAnswer(List<Partition> partitions, List<Error> errors, List<Warning> warnings) implements Answer {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Partition(String name, PartitionState partition, PartitionNodes nodes, PartitionCpus cpus) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PartitionState(List<String> state) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PartitionNodes(String configured, Integer total) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PartitionCpus(Integer total) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record NodesAnswer(List<Node> nodes, List<Error> errors, List<Warning> warnings) implements Answer {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Node(String name, List<String> state, List<String> partitions, Integer cpus,
            @JsonProperty("alloc_cpus") Integer allocCpus, @JsonProperty("real_memory") Long realMemory,
            @JsonProperty("alloc_memory") Long allocMemory, String gres, @JsonProperty("gres_used") String gresUsed,
            String architecture) {}

    // ------------------------------------------------------------------ slurmdbd

    @JsonIgnoreProperties(ignoreUnknown = true)
    record AccountingAnswer(List<AccountingJob> jobs, List<Error> errors, List<Warning> warnings) implements Answer {}

    /** slurmdbd's record of a job (or an array task). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record AccountingJob(@JsonProperty("job_id") Long jobId, AccountingArray array, String name, AccountingState state,
            @JsonProperty("exit_code") ExitCode exitCode, AccountingComment comment, String partition, String account,
            String user, AccountingTime time, @JsonProperty("stdout_expanded") String stdoutExpanded,
            @JsonProperty("stderr_expanded") String stderrExpanded) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record AccountingArray(@JsonProperty("job_id") Long jobId, @JsonProperty("task_id") NoVal taskId, String task) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record AccountingState(List<String> current, String reason) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record AccountingComment(String job) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record AccountingTime(Long submission, Long start, Long end) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record AssociationsAnswer(List<WireAssociation> associations, List<Error> errors, List<Warning> warnings)
            implements Answer {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record WireAssociation(String user, String account, String cluster, String partition, List<String> qos,
            @JsonProperty("default") AssociationDefault defaults) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record AssociationDefault(String qos) {}

    // ------------------------------------------------------------------ what the SDK sends

    /** The body of a cancel of several jobs. */
    record KillJobs(List<String> jobs) {}
}
