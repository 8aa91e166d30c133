package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.client.v0040.model.V0040Assoc;
import ai.ringrift.slurm.client.v0040.model.V0040Job;
import ai.ringrift.slurm.client.v0040.model.V0040JobInfo;
import ai.ringrift.slurm.client.v0040.model.V0040Node;
import ai.ringrift.slurm.client.v0040.model.V0040PartitionInfo;
import ai.ringrift.slurm.client.v0040.model.V0040ProcessExitCodeVerbose;
import ai.ringrift.slurm.client.v0040.model.V0040Uint32NoVal;
import ai.ringrift.slurm.client.v0040.model.V0040Uint64NoVal;
import java.time.Instant;
import java.util.List;

/**
 * From the generated v0.0.40 models to the SDK's own types: the only place that knows them.
 * slurmdbd's v0.0.40 records carry no output paths.
 */
final class V0040Mapping {

    private V0040Mapping() {}

    static JobInfo fromController(V0040JobInfo j) {
        List<String> states = Mappings.names(j.getJobState());
        long arrayJobId = number(j.getArrayJobId(), 0);
        int taskId = (int) number(j.getArrayTaskId(), -1);
        return new JobInfo(Mappings.orZero(j.getJobId()), arrayJobId, arrayJobId > 0 ? taskId : -1,
                j.getName(), JobState.fromNames(states), states, j.getStateReason(), exitCode(j.getExitCode()),
                signal(j.getExitCode()), j.getComment(), j.getPartition(), j.getAccount(), j.getUserName(),
                time(j.getSubmitTime()), time(j.getStartTime()), time(j.getEndTime()), j.getStandardOutput(),
                j.getStandardError(), JobInfo.Source.CONTROLLER, j.getArrayTaskString());
    }

    static JobInfo fromAccounting(V0040Job j) {
        List<String> states = j.getState() == null ? List.of() : Mappings.names(j.getState().getCurrent());
        long arrayJobId = j.getArray() == null || j.getArray().getJobId() == null ? 0 : j.getArray().getJobId();
        int taskId = j.getArray() == null ? -1 : (int) number(j.getArray().getTaskId(), -1);
        var time = j.getTime();
        return new JobInfo(Mappings.orZero(j.getJobId()), arrayJobId, arrayJobId > 0 ? taskId : -1,
                j.getName(), JobState.fromNames(states), states,
                j.getState() == null ? "" : j.getState().getReason(), exitCode(j.getExitCode()), signal(j.getExitCode()),
                j.getComment() == null ? "" : j.getComment().getJob(), j.getPartition(), j.getAccount(), j.getUser(),
                time == null ? null : Mappings.epoch(time.getSubmission()), time == null ? null : Mappings.epoch(time.getStart()),
                time == null ? null : Mappings.epoch(time.getEnd()), "", "", JobInfo.Source.ACCOUNTING,
                j.getArray() == null ? "" : j.getArray().getTask());
    }

    static PartitionInfo partition(V0040PartitionInfo p) {
        List<String> states = p.getPartition() == null ? List.of() : Mappings.names(p.getPartition().getState());
        return new PartitionInfo(p.getName(), states.contains("UP"), states,
                p.getNodes() == null ? "" : p.getNodes().getConfigured(),
                p.getCpus() == null ? 0 : Mappings.orZero(p.getCpus().getTotal()),
                p.getNodes() == null ? 0 : Mappings.orZero(p.getNodes().getTotal()));
    }

    static NodeInfo node(V0040Node n) {
        return new NodeInfo(n.getName(), Mappings.names(n.getState()), n.getPartitions() == null ? List.of() : n.getPartitions(),
                Mappings.orZero(n.getCpus()), Mappings.orZero(n.getAllocCpus()), Mappings.orZero(n.getRealMemory()),
                Mappings.orZero(n.getAllocMemory()), Mappings.gpus(n.getGres()), Mappings.gpus(n.getGresUsed()),
                Mappings.orEmpty(n.getArchitecture()));
    }

    static Association association(V0040Assoc a) {
        return new Association(a.getUser(), a.getAccount(), a.getCluster(), a.getPartition(),
                a.getQos() == null ? List.of() : a.getQos(), a.getDefault() == null ? null : a.getDefault().getQos());
    }

    private static int exitCode(V0040ProcessExitCodeVerbose code) {
        return code == null || code.getReturnCode() == null ? -1
                : (int) Mappings.number(code.getReturnCode().getSet(), code.getReturnCode().getNumber(), -1);
    }

    private static int signal(V0040ProcessExitCodeVerbose code) {
        return code == null || code.getSignal() == null || code.getSignal().getId() == null ? -1
                : (int) Mappings.number(code.getSignal().getId().getSet(), code.getSignal().getId().getNumber(), -1);
    }

    private static long number(V0040Uint32NoVal n, long unset) {
        return n == null ? unset : Mappings.number(n.getSet(), n.getNumber(), unset);
    }

    private static Instant time(V0040Uint64NoVal t) {
        return t == null ? null : Mappings.time(t.getSet(), t.getNumber());
    }
}
