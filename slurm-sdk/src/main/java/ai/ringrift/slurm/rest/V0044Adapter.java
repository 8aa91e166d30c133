package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.client.v0044.api.SlurmApi;
import ai.ringrift.slurm.client.v0044.api.SlurmdbApi;
import ai.ringrift.slurm.client.v0044.model.V0044Job;
import ai.ringrift.slurm.client.v0044.model.V0044JobInfo;
import ai.ringrift.slurm.client.v0044.model.V0044KillJobsMsg;
import ai.ringrift.slurm.client.v0044.model.V0044OpenapiError;
import ai.ringrift.slurm.client.v0044.model.V0044OpenapiJobSubmitResponse;
import ai.ringrift.slurm.client.v0044.model.V0044OpenapiWarning;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import retrofit2.Retrofit;

/**
 * Data parser v0.0.44 (Slurm 25.11 and 26.05; its job records hold output paths as submitted
 * (patterns), the resolved ones in *_expanded): its generated calls, {@link V0044Mapping} and the
 * endpoints declared again in {@link V0044Fixes}.
 */
final class V0044Adapter implements ApiAdapter {

    static final String VERSION = "v0.0.44";

    private final SlurmApi slurm;
    private final SlurmdbApi slurmdb;
    private final V0044Fixes fixes;
    private final Exchanges exchanges;

    V0044Adapter(Retrofit retrofit, Exchanges exchanges) {
        this.slurm = retrofit.create(SlurmApi.class);
        this.slurmdb = retrofit.create(SlurmdbApi.class);
        this.fixes = retrofit.create(V0044Fixes.class);
        this.exchanges = exchanges;
    }

    @Override
    public String version() {
        return VERSION;
    }

    private static Exchanges.Envelope envelope(List<V0044OpenapiError> errors, List<V0044OpenapiWarning> warnings) {
        List<SlurmError> e = new ArrayList<>();
        if (errors != null) {
            for (V0044OpenapiError x : errors) {
                e.add(new SlurmError(x.getErrorNumber() == null ? -1 : x.getErrorNumber(), x.getError(), x.getDescription(),
                        x.getSource()));
            }
        }
        List<String> w = new ArrayList<>();
        if (warnings != null) {
            for (V0044OpenapiWarning x : warnings) {
                w.add(String.valueOf(x.getDescription()));
            }
        }
        return new Exchanges.Envelope(e, w);
    }

    @Override
    public ServerInfo ping() {
        var answer = exchanges.execute(slurm.slurmV0044GetPing(), true, a -> envelope(a.getErrors(), a.getWarnings()));
        var meta = answer.getMeta();
        boolean up = answer.getPings() != null && answer.getPings().stream().anyMatch(p -> "UP".equals(p.getPinged()));
        String release = meta == null || meta.getSlurm() == null ? "" : meta.getSlurm().getRelease();
        String cluster = meta == null || meta.getSlurm() == null ? "" : meta.getSlurm().getCluster();
        String parser = meta == null || meta.getPlugin() == null ? "" : meta.getPlugin().getDataParser();
        return new ServerInfo(release, cluster, parser, up);
    }

    @Override
    public void pingDatabase() {
        exchanges.execute(slurmdb.slurmdbV0044GetTres(), true, a -> envelope(a.getErrors(), a.getWarnings()));
    }

    @Override
    public List<JobInfo> jobs(long jobId) {
        try {
            var answer = exchanges.execute(slurm.slurmV0044GetJob(String.valueOf(jobId), null, null), true,
                    a -> envelope(a.getErrors(), a.getWarnings()));
            return answer.getJobs() == null ? List.of() : answer.getJobs().stream().map(V0044Mapping::fromController).toList();
        } catch (SlurmRejectedException e) {
            if (e.hasErrorNumber(2017)) { // ESLURM_INVALID_JOB_ID: not (or no longer) in slurmctld
                return List.of();
            }
            throw e;
        }
    }

    @Override
    public List<JobInfo> accountingJobs(List<Long> jobIds) {
        if (jobIds.size() == 1) {
            var answer = exchanges.execute(slurmdb.slurmdbV0044GetJob(String.valueOf(jobIds.get(0))), true,
                    a -> envelope(a.getErrors(), a.getWarnings()));
            return answer.getJobs() == null ? List.of() : answer.getJobs().stream().map(V0044Mapping::fromAccounting).toList();
        }
        List<String> ids = jobIds.stream().map(String::valueOf).toList();
        var answer = exchanges.execute(fixes.accountingJobsById(ids, "true"), true, a -> envelope(a.getErrors(), a.getWarnings()));
        return answer.getJobs() == null ? List.of() : answer.getJobs().stream().map(V0044Mapping::fromAccounting).toList();
    }

    @Override
    public List<JobInfo> accountingJobsNamed(String name, Duration window) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("job_name", name);
        query.put("start_time", ApiAdapter.since(window));
        var answer = exchanges.execute(fixes.accountingJobs(query), true, a -> envelope(a.getErrors(), a.getWarnings()));
        return answer.getJobs() == null ? List.of() : answer.getJobs().stream().map(V0044Mapping::fromAccounting)
                .filter(j -> j.name().equals(name)).toList();
    }

    @Override
    public List<JobStateEntry> jobStates(List<Long> jobIds, Consumer<String> odd) {
        List<String> ids = jobIds.isEmpty() ? null : jobIds.stream().map(String::valueOf).toList();
        try {
            var answer = exchanges.execute(fixes.jobsState(ids), true, a -> envelope(a.getErrors(), a.getWarnings()));
            if (answer.jobs() == null) {
                return List.of();
            }
            List<JobStateEntry> rows = new ArrayList<>(answer.jobs().size());
            for (var row : answer.jobs()) {
                JobStateEntry entry = V0044Mapping.stateEntry(row);
                if (entry == null) {
                    odd.accept(String.valueOf(row.jobId()));
                } else {
                    rows.add(entry);
                }
            }
            return rows;
        } catch (SlurmRejectedException e) {
            if (e.hasErrorNumber(2017)) {
                return List.of();
            }
            throw e;
        }
    }

    @Override
    public List<Association> associations(String user) {
        var answer = exchanges.execute(fixes.associations(Map.of("user", user)), true,
                a -> envelope(a.getErrors(), a.getWarnings()));
        return answer.getAssociations() == null ? List.of() : answer.getAssociations().stream()
                .map(a -> new Association(a.getUser(), a.getAccount(), a.getCluster(), a.getPartition(),
                        a.getQos() == null ? List.of() : a.getQos(), a.getDefault() == null ? null : a.getDefault().getQos()))
                .toList();
    }

    @Override
    public List<PartitionInfo> partitions() {
        var answer = exchanges.execute(slurm.slurmV0044GetPartitions(null, null), true,
                a -> envelope(a.getErrors(), a.getWarnings()));
        return answer.getPartitions() == null ? List.of() : answer.getPartitions().stream().map(V0044Mapping::partition).toList();
    }

    @Override
    public List<NodeInfo> nodes() {
        var answer = exchanges.execute(slurm.slurmV0044GetNodes(null, null), true, a -> envelope(a.getErrors(), a.getWarnings()));
        return answer.getNodes() == null ? List.of() : answer.getNodes().stream().map(V0044Mapping::node).toList();
    }

    @Override
    public Submitted submit(JobSubmission submission, String comment) {
        V0044OpenapiJobSubmitResponse answer = exchanges.execute(
                slurm.slurmV0044PostJobSubmit(V0044Mapping.toRequest(submission, comment)), false,
                a -> envelope(a.getErrors(), a.getWarnings()));
        Integer jobId = answer.getJobId();
        if (jobId == null || jobId <= 0) {
            throw new SlurmResponseException("slurmrestd accepted submit job '" + submission.name() + "' but sent no job id",
                    200, null);
        }
        return new Submitted(jobId, envelope(null, answer.getWarnings()).warnings());
    }

    @Override
    public List<Long> liveJobsWithComment(String comment) {
        var live = exchanges.execute(slurm.slurmV0044GetJobs(null, null), true, a -> envelope(a.getErrors(), a.getWarnings()));
        return live.getJobs() == null ? List.of() : live.getJobs().stream()
                .filter(j -> comment.equals(j.getComment()))
                .map(V0044JobInfo::getJobId)
                .filter(Objects::nonNull)
                .map(Integer::longValue)
                .sorted()
                .toList();
    }

    @Override
    public List<Long> accountingJobsWithComment(String comment, Duration window) {
        var recorded = exchanges.execute(fixes.accountingJobs(Map.of("start_time", ApiAdapter.since(window))), true,
                a -> envelope(a.getErrors(), a.getWarnings()));
        return recorded.getJobs() == null ? List.of() : recorded.getJobs().stream()
                .filter(j -> j.getComment() != null && comment.equals(j.getComment().getJob()))
                .map(V0044Job::getJobId)
                .filter(Objects::nonNull)
                .map(Integer::longValue)
                .sorted()
                .toList();
    }

    @Override
    public void cancel(long jobId) {
        try {
            exchanges.execute(slurm.slurmV0044DeleteJob(String.valueOf(jobId), null, null), true,
                    a -> envelope(a.getErrors(), a.getWarnings()));
        } catch (SlurmRejectedException e) {
            if (!(e.hasErrorNumber(2017) || e.hasErrorNumber(2021))) { // unknown, or already completed
                throw e;
            }
        }
    }

    @Override
    public void cancel(List<Long> jobIds) {
        List<String> ids = jobIds.stream().map(String::valueOf).toList();
        exchanges.execute(fixes.deleteJobs(new V0044KillJobsMsg().jobs(ids)), true, a -> envelope(a.getErrors(), a.getWarnings()));
    }
}
