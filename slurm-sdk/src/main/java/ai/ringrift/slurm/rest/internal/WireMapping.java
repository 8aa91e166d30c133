package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.Association;
import ai.ringrift.slurm.rest.JobFiles;
import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobState;
import ai.ringrift.slurm.rest.NodeInfo;
import ai.ringrift.slurm.rest.PartitionInfo;
import ai.ringrift.slurm.rest.ServerInfo;
import ai.ringrift.slurm.rest.SlurmError;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * From slurmrestd's JSON ({@link Wire}) to the SDK's own types, for every data parser version: the
 * only place that reads answers. What a version does differently comes from its entry in the
 * version table ({@link VersionTable.Quirks}), not from code of its own.
 */
public final class WireMapping {

    private static final Pattern GPU_COUNT = Pattern.compile("(?:^|,)gpu(?::[^:(,]+)?:(\\d+)");

    private final VersionTable.Quirks quirks;

    WireMapping(VersionTable.Quirks quirks) {
        this.quirks = quirks;
    }

    /** The errors and warnings of an answer. */
    static Exchanges.Envelope envelope(Wire.Answer answer) {
        return new Exchanges.Envelope(
                each(answer.errors(), e -> new SlurmError(e.errorNumber() == null ? -1 : e.errorNumber(), e.error(),
                        e.description(), e.source())),
                each(answer.warnings(), w -> String.valueOf(w.description())));
    }

    ServerInfo server(Wire.PingAnswer a) {
        Wire.SlurmMeta slurm = a.meta() == null ? null : a.meta().slurm();
        Wire.Plugin plugin = a.meta() == null ? null : a.meta().plugin();
        boolean up = a.pings() != null && a.pings().stream().anyMatch(p -> quirks.pingHasPinged()
                ? "UP".equals(p.pinged()) || Boolean.TRUE.equals(p.responding())
                : Boolean.TRUE.equals(p.responding()));
        return new ServerInfo(slurm == null ? "" : orEmpty(slurm.release()), slurm == null ? "" : orEmpty(slurm.cluster()),
                plugin == null ? "" : orEmpty(plugin.dataParser()), up);
    }

    JobInfo controllerJob(Wire.Job j) {
        long arrayJobId = number(j.arrayJobId(), 0);
        JobInfo.Builder job = JobInfo.builder().source(JobInfo.Source.CONTROLLER)
                .jobId(orZero(j.jobId())).arrayJobId(arrayJobId)
                .arrayTaskId(arrayJobId > 0 ? (int) number(j.arrayTaskId(), JobInfo.NONE) : JobInfo.NONE)
                .arrayTasks(j.arrayTaskString()).name(j.name()).stateNames(orNone(j.jobState())).stateReason(j.stateReason())
                .exitCode(exitCode(j.exitCode())).signal(signal(j.exitCode())).comment(j.comment()).partition(j.partition())
                .account(j.account()).user(j.userName())
                .submitTime(time(j.submitTime())).startTime(time(j.startTime())).endTime(time(j.endTime()));
        JobInfo ids = job.build(); // the patterns below expand with its ids, name and user
        return job.standardOutput(controllerPath(j.stdoutExpanded(), j.standardOutput(), ids))
                .standardError(controllerPath(j.stderrExpanded(), j.standardError(), ids)).build();
    }

    /**
     * Through v0.0.42 {@code standard_output} is the resolved path; from v0.0.43 it is the pattern
     * as submitted and the path is in {@code stdout_expanded} (expanded here from the pattern when a
     * server leaves that out).
     */
    private String controllerPath(String expanded, String given, JobInfo job) {
        if (!quirks.controllerPathsArePatterns()) {
            return orEmpty(given);
        }
        if (expanded != null && !expanded.isBlank()) {
            return expanded;
        }
        return given == null || given.isBlank() ? "" : JobFiles.expand(given, job);
    }

    JobInfo accountingJob(Wire.AccountingJob j) {
        Wire.AccountingArray array = j.array();
        long arrayJobId = array == null || array.jobId() == null ? 0 : array.jobId();
        Wire.AccountingTime time = j.time();
        boolean paths = quirks.accountingHasExpandedPaths();
        return JobInfo.builder().source(JobInfo.Source.ACCOUNTING)
                .jobId(orZero(j.jobId())).arrayJobId(arrayJobId)
                .arrayTaskId(arrayJobId > 0 && array != null ? (int) number(array.taskId(), JobInfo.NONE) : JobInfo.NONE)
                .arrayTasks(array == null ? "" : array.task()).name(j.name())
                .stateNames(j.state() == null ? List.of() : orNone(j.state().current()))
                .stateReason(j.state() == null ? "" : j.state().reason())
                .exitCode(exitCode(j.exitCode())).signal(signal(j.exitCode()))
                .comment(j.comment() == null ? "" : j.comment().job()).partition(j.partition()).account(j.account()).user(j.user())
                .submitTime(time == null ? null : epoch(time.submission())).startTime(time == null ? null : epoch(time.start()))
                .endTime(time == null ? null : epoch(time.end()))
                .standardOutput(paths ? orEmpty(j.stdoutExpanded()) : "").standardError(paths ? orEmpty(j.stderrExpanded()) : "")
                .build();
    }

    static PartitionInfo partition(Wire.Partition p) {
        List<String> states = p.partition() == null ? List.of() : orNone(p.partition().state());
        return new PartitionInfo(p.name(), states.contains("UP"), states, p.nodes() == null ? "" : orEmpty(p.nodes().configured()),
                p.cpus() == null ? 0 : orZero(p.cpus().total()), p.nodes() == null ? 0 : orZero(p.nodes().total()));
    }

    static NodeInfo node(Wire.Node n) {
        return new NodeInfo(n.name(), orNone(n.state()), orNone(n.partitions()), orZero(n.cpus()), orZero(n.allocCpus()),
                orZero(n.realMemory()), orZero(n.allocMemory()), gpus(n.gres()), gpus(n.gresUsed()), orEmpty(n.architecture()));
    }

    static Association association(Wire.WireAssociation a) {
        return new Association(a.user(), a.account(), a.cluster(), a.partition(), orNone(a.qos()),
                a.defaults() == null ? null : a.defaults().qos());
    }

    // ------------------------------------------------------------------ values with one meaning in every version

    /** {@code f} applied to each of {@code items}; none when the answer left the list out. */
    static <T, R> List<R> each(List<T> items, Function<T, R> f) {
        return items == null ? List.of() : items.stream().map(f).toList();
    }

    /** GPUs in a gres string such as "gpu:4", "gpu:h100:8(S:0-1)" or "gpu:h100:2(IDX:0-1),shard:0". */
    static int gpus(String gres) {
        if (gres == null || gres.isBlank() || "(null)".equals(gres)) {
            return 0;
        }
        int total = 0;
        Matcher m = GPU_COUNT.matcher(gres);
        while (m.find()) {
            total += Integer.parseInt(m.group(1));
        }
        return total;
    }

    private static int exitCode(Wire.ExitCode code) {
        return code == null ? JobInfo.NONE : (int) number(code.returnCode(), JobInfo.NONE);
    }

    private static int signal(Wire.ExitCode code) {
        return code == null || code.signal() == null ? JobInfo.NONE : (int) number(code.signal().id(), JobInfo.NONE);
    }

    private static long number(Wire.NoVal n, long unset) {
        return n == null ? unset : n.or(unset);
    }

    /** A time in epoch seconds that may be unset; 0 means none too. */
    private static Instant time(Wire.NoVal t) {
        long s = number(t, 0);
        return s == 0 ? null : Instant.ofEpochSecond(s);
    }

    /** A time in plain epoch seconds (slurmdbd's records); 0 means none. */
    private static Instant epoch(Long seconds) {
        return seconds == null || seconds == 0 ? null : Instant.ofEpochSecond(seconds);
    }

    private static List<String> orNone(List<String> values) {
        return values == null ? List.of() : new ArrayList<>(values);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }
}
