package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.client.v0040.model.V0040Job;
import ai.ringrift.slurm.client.v0040.model.V0040JobDescMsg;
import ai.ringrift.slurm.client.v0040.model.V0040JobInfo;
import ai.ringrift.slurm.client.v0040.model.V0040JobSubmitReq;
import ai.ringrift.slurm.client.v0040.model.V0040Node;
import ai.ringrift.slurm.client.v0040.model.V0040PartitionInfo;
import ai.ringrift.slurm.client.v0040.model.V0040ProcessExitCodeVerbose;
import ai.ringrift.slurm.client.v0040.model.V0040Uint16NoVal;
import ai.ringrift.slurm.client.v0040.model.V0040Uint32NoVal;
import ai.ringrift.slurm.client.v0040.model.V0040Uint64NoVal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Between the SDK's own types and the generated v0.0.40 models: the only place that knows them.
 */
final class V0040Mapping {

    private static final Pattern GPU_COUNT = Pattern.compile("(?:^|,)gpu(?::[^:(,]+)?:(\\d+)");

    private V0040Mapping() {}

    static V0040JobSubmitReq toRequest(JobSubmission s, String comment) {
        List<String> environment = new ArrayList<>();
        for (Map.Entry<String, String> e : s.environment().entrySet()) {
            environment.add(e.getKey() + "=" + e.getValue());
        }
        if (environment.isEmpty()) {
            environment.add("PATH=/usr/local/bin:/usr/bin:/bin"); // Slurm rejects a REST job without environment
        }
        V0040JobDescMsg job = new V0040JobDescMsg()
                .name(s.name())
                .comment(comment)
                .currentWorkingDirectory(s.workingDirectory())
                .environment(environment)
                .minimumNodes(s.nodes())
                .maximumNodes(s.nodes());
        s.partition().ifPresent(job::partition);
        s.account().ifPresent(job::account);
        s.qos().ifPresent(job::qos);
        s.standardOutput().ifPresent(job::standardOutput);
        s.standardError().ifPresent(job::standardError);
        s.timeLimit().ifPresent(t -> job.timeLimit(u32((t.toSeconds() + 59) / 60)));
        s.cpusPerTask().ifPresent(job::cpusPerTask);
        s.memoryPerNodeMb().ifPresent(mb -> job.memoryPerNode(new V0040Uint64NoVal().set(true).infinite(false).number(mb)));
        s.tresPerNode().ifPresent(job::tresPerNode);
        s.array().ifPresent(job::array);
        if (s.hold()) {
            job.hold(true);
        }
        s.requeue().ifPresent(job::requeue);
        s.warningSignal().ifPresent(signal -> {
            job.killWarningSignal(signal.startsWith("SIG") ? signal.substring(3) : signal);
            job.killWarningDelay(new V0040Uint16NoVal().set(true).infinite(false).number((long) s.warningSecondsBefore()));
            job.killWarningFlags(List.of(V0040JobDescMsg.KillWarningFlagsEnum.BATCH_JOB));
        });
        s.container().ifPresent(job::container);
        return new V0040JobSubmitReq().script(s.script()).job(job);
    }

    static JobInfo fromController(V0040JobInfo j) {
        List<String> states = names(j.getJobState());
        long arrayJobId = number(j.getArrayJobId(), 0);
        int taskId = (int) number(j.getArrayTaskId(), -1);
        return new JobInfo(j.getJobId() == null ? 0 : j.getJobId(), arrayJobId, arrayJobId > 0 ? taskId : -1,
                j.getName(), JobState.fromNames(states), states, j.getStateReason(), exitCode(j.getExitCode()),
                signal(j.getExitCode()), j.getComment(), j.getPartition(), j.getAccount(), j.getUserName(),
                time(j.getSubmitTime()), time(j.getStartTime()), time(j.getEndTime()), j.getStandardOutput(),
                j.getStandardError(), JobInfo.Source.CONTROLLER, j.getArrayTaskString());
    }

    static JobInfo fromAccounting(V0040Job j) {
        List<String> states = j.getState() == null ? List.of() : names(j.getState().getCurrent());
        long arrayJobId = j.getArray() == null || j.getArray().getJobId() == null ? 0 : j.getArray().getJobId();
        int taskId = j.getArray() == null ? -1 : (int) number(j.getArray().getTaskId(), -1);
        var time = j.getTime();
        return new JobInfo(j.getJobId() == null ? 0 : j.getJobId(), arrayJobId, arrayJobId > 0 ? taskId : -1,
                j.getName(), JobState.fromNames(states), states,
                j.getState() == null ? "" : j.getState().getReason(), exitCode(j.getExitCode()), signal(j.getExitCode()),
                j.getComment() == null ? "" : j.getComment().getJob(), j.getPartition(), j.getAccount(), j.getUser(),
                time == null ? null : epoch(time.getSubmission()), time == null ? null : epoch(time.getStart()),
                time == null ? null : epoch(time.getEnd()), "", "", JobInfo.Source.ACCOUNTING,
                j.getArray() == null ? "" : j.getArray().getTask());
    }

    /** A row of /jobs/state/; null for one without a job id (see {@link JobStateEntry#parse}). */
    static JobStateEntry stateEntry(V0040Fixes.JobsStateAnswer.Row row) {
        return JobStateEntry.parse(row.jobId(), row.state() == null ? List.of() : row.state());
    }

    static PartitionInfo partition(V0040PartitionInfo p) {
        List<String> states = p.getPartition() == null ? List.of() : names(p.getPartition().getState());
        return new PartitionInfo(p.getName(), states.contains("UP"), states,
                p.getNodes() == null ? "" : p.getNodes().getConfigured(),
                p.getCpus() == null || p.getCpus().getTotal() == null ? 0 : p.getCpus().getTotal(),
                p.getNodes() == null || p.getNodes().getTotal() == null ? 0 : p.getNodes().getTotal());
    }

    static NodeInfo node(V0040Node n) {
        return new NodeInfo(n.getName(), names(n.getState()), n.getPartitions() == null ? List.of() : n.getPartitions(),
                n.getCpus() == null ? 0 : n.getCpus(), n.getAllocCpus() == null ? 0 : n.getAllocCpus(),
                n.getRealMemory() == null ? 0 : n.getRealMemory(), n.getAllocMemory() == null ? 0 : n.getAllocMemory(),
                gpus(n.getGres()), gpus(n.getGresUsed()), n.getArchitecture() == null ? "" : n.getArchitecture());
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

    static List<String> names(List<? extends Enum<?>> values) {
        if (values == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>(values.size());
        for (Enum<?> v : values) {
            names.add(v.toString().equals("unknown_default_open_api") ? "UNKNOWN" : v.toString());
        }
        return names;
    }

    private static int exitCode(V0040ProcessExitCodeVerbose code) {
        if (code == null || code.getReturnCode() == null || !Boolean.TRUE.equals(code.getReturnCode().getSet())) {
            return -1;
        }
        return code.getReturnCode().getNumber() == null ? -1 : code.getReturnCode().getNumber().intValue();
    }

    private static int signal(V0040ProcessExitCodeVerbose code) {
        if (code == null || code.getSignal() == null || code.getSignal().getId() == null
                || !Boolean.TRUE.equals(code.getSignal().getId().getSet()) || code.getSignal().getId().getNumber() == null) {
            return -1;
        }
        return code.getSignal().getId().getNumber().intValue();
    }

    private static long number(V0040Uint32NoVal n, long unset) {
        return n == null || !Boolean.TRUE.equals(n.getSet()) || n.getNumber() == null ? unset : n.getNumber();
    }

    private static Instant time(V0040Uint64NoVal t) {
        if (t == null || !Boolean.TRUE.equals(t.getSet()) || t.getNumber() == null || t.getNumber() == 0) {
            return null;
        }
        return Instant.ofEpochSecond(t.getNumber());
    }

    private static Instant epoch(Long seconds) {
        return seconds == null || seconds == 0 ? null : Instant.ofEpochSecond(seconds);
    }

    private static V0040Uint32NoVal u32(long value) {
        return new V0040Uint32NoVal().set(true).infinite(false).number(value);
    }
}
