package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.client.v0042.model.V0042Assoc;
import ai.ringrift.slurm.client.v0042.model.V0042Job;
import ai.ringrift.slurm.client.v0042.model.V0042JobInfo;
import ai.ringrift.slurm.client.v0042.model.V0042Node;
import ai.ringrift.slurm.client.v0042.model.V0042PartitionInfo;
import ai.ringrift.slurm.client.v0042.model.V0042ProcessExitCodeVerbose;
import ai.ringrift.slurm.client.v0042.model.V0042Uint32NoValStruct;
import ai.ringrift.slurm.client.v0042.model.V0042Uint64NoValStruct;
import java.time.Instant;
import java.util.List;

/**
 * From the generated v0.0.42 models to the SDK's own types: the only place that knows them.
 * slurmdbd's records carry the resolved output paths in {@code stdout_expanded}/{@code stderr_expanded}.
 */
final class V0042Mapping {

    private V0042Mapping() {}

    static JobInfo fromController(V0042JobInfo j) {
        List<String> states = Mappings.names(j.getJobState());
        long arrayJobId = number(j.getArrayJobId(), 0);
        int taskId = (int) number(j.getArrayTaskId(), -1);
        return new JobInfo(Mappings.orZero(j.getJobId()), arrayJobId, arrayJobId > 0 ? taskId : -1,
                j.getName(), JobState.fromNames(states), states, j.getStateReason(), exitCode(j.getExitCode()),
                signal(j.getExitCode()), j.getComment(), j.getPartition(), j.getAccount(), j.getUserName(),
                time(j.getSubmitTime()), time(j.getStartTime()), time(j.getEndTime()), j.getStandardOutput(),
                j.getStandardError(), JobInfo.Source.CONTROLLER, j.getArrayTaskString());
    }

    static JobInfo fromAccounting(V0042Job j) {
        List<String> states = j.getState() == null ? List.of() : Mappings.names(j.getState().getCurrent());
        long arrayJobId = j.getArray() == null || j.getArray().getJobId() == null ? 0 : j.getArray().getJobId();
        int taskId = j.getArray() == null ? -1 : (int) number(j.getArray().getTaskId(), -1);
        var time = j.getTime();
        return new JobInfo(Mappings.orZero(j.getJobId()), arrayJobId, arrayJobId > 0 ? taskId : -1,
                j.getName(), JobState.fromNames(states), states,
                j.getState() == null ? "" : j.getState().getReason(), exitCode(j.getExitCode()), signal(j.getExitCode()),
                j.getComment() == null ? "" : j.getComment().getJob(), j.getPartition(), j.getAccount(), j.getUser(),
                time == null ? null : Mappings.epoch(time.getSubmission()), time == null ? null : Mappings.epoch(time.getStart()),
                time == null ? null : Mappings.epoch(time.getEnd()), Mappings.resolved(j.getStdoutExpanded(), ""),
                Mappings.resolved(j.getStderrExpanded(), ""), JobInfo.Source.ACCOUNTING,
                j.getArray() == null ? "" : j.getArray().getTask());
    }

    static PartitionInfo partition(V0042PartitionInfo p) {
        List<String> states = p.getPartition() == null ? List.of() : Mappings.names(p.getPartition().getState());
        return new PartitionInfo(p.getName(), states.contains("UP"), states,
                p.getNodes() == null ? "" : p.getNodes().getConfigured(),
                p.getCpus() == null ? 0 : Mappings.orZero(p.getCpus().getTotal()),
                p.getNodes() == null ? 0 : Mappings.orZero(p.getNodes().getTotal()));
    }

    static NodeInfo node(V0042Node n) {
        return new NodeInfo(n.getName(), Mappings.names(n.getState()), n.getPartitions() == null ? List.of() : n.getPartitions(),
                Mappings.orZero(n.getCpus()), Mappings.orZero(n.getAllocCpus()), Mappings.orZero(n.getRealMemory()),
                Mappings.orZero(n.getAllocMemory()), Mappings.gpus(n.getGres()), Mappings.gpus(n.getGresUsed()),
                Mappings.orEmpty(n.getArchitecture()));
    }

    static Association association(V0042Assoc a) {
        return new Association(a.getUser(), a.getAccount(), a.getCluster(), a.getPartition(),
                a.getQos() == null ? List.of() : a.getQos(), a.getDefault() == null ? null : a.getDefault().getQos());
    }

    private static int exitCode(V0042ProcessExitCodeVerbose code) {
        return code == null || code.getReturnCode() == null ? -1
                : (int) Mappings.number(code.getReturnCode().getSet(), code.getReturnCode().getNumber(), -1);
    }

    private static int signal(V0042ProcessExitCodeVerbose code) {
        return code == null || code.getSignal() == null || code.getSignal().getId() == null ? -1
                : (int) Mappings.number(code.getSignal().getId().getSet(), code.getSignal().getId().getNumber(), -1);
    }

    private static long number(V0042Uint32NoValStruct n, long unset) {
        return n == null ? unset : Mappings.number(n.getSet(), n.getNumber(), unset);
    }

    private static Instant time(V0042Uint64NoValStruct t) {
        return t == null ? null : Mappings.time(t.getSet(), t.getNumber());
    }
}
