package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.client.v0042.api.SlurmApi;
import ai.ringrift.slurm.client.v0042.api.SlurmdbApi;
import ai.ringrift.slurm.client.v0042.model.V0042OpenapiError;
import ai.ringrift.slurm.client.v0042.model.V0042OpenapiWarning;
import java.util.List;
import java.util.Map;
import retrofit2.Retrofit;

/**
 * Data parser v0.0.42 (Slurm 24.11 to 26.05; from it on, the submit answer has no result object,
 * slurmdbd's records carry the resolved output paths in *_expanded, and /jobs/state/ rows of split
 * array tasks carry the task's own job id): the reads made with its generated client, mapped by
 * {@link V0042Mapping}; slurmdbd's queries with named parameters in {@link V0042Fixes}.
 */
final class V0042Adapter extends VersionAdapter {

    static final String VERSION = "v0.0.42";

    private final SlurmApi slurm;
    private final SlurmdbApi slurmdb;
    private final V0042Fixes queries;

    V0042Adapter(Retrofit retrofit, Exchanges exchanges) {
        super(VERSION, retrofit, exchanges);
        this.slurm = retrofit.create(SlurmApi.class);
        this.slurmdb = retrofit.create(SlurmdbApi.class);
        this.queries = retrofit.create(V0042Fixes.class);
    }

    private static Exchanges.Envelope envelope(List<V0042OpenapiError> errors, List<V0042OpenapiWarning> warnings) {
        return new Exchanges.Envelope(
                Mappings.each(errors, e -> new SlurmError(e.getErrorNumber() == null ? -1 : e.getErrorNumber(), e.getError(),
                        e.getDescription(), e.getSource())),
                Mappings.each(warnings, w -> String.valueOf(w.getDescription())));
    }

    @Override
    public ServerInfo ping() {
        var answer = exchanges.execute(slurm.slurmV0042GetPing(), true, a -> envelope(a.getErrors(), a.getWarnings()));
        var slurmMeta = answer.getMeta() == null ? null : answer.getMeta().getSlurm();
        var plugin = answer.getMeta() == null ? null : answer.getMeta().getPlugin();
        boolean up = answer.getPings() != null && answer.getPings().stream().anyMatch(p -> "UP".equals(p.getPinged()));
        return new ServerInfo(slurmMeta == null ? "" : slurmMeta.getRelease(), slurmMeta == null ? "" : slurmMeta.getCluster(),
                plugin == null ? "" : plugin.getDataParser(), up);
    }

    @Override
    List<JobInfo> controllerJobs(long jobId) {
        var answer = exchanges.execute(slurm.slurmV0042GetJob(String.valueOf(jobId), null, null), true,
                a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getJobs(), V0042Mapping::fromController);
    }

    @Override
    List<JobInfo> liveJobs() {
        var answer = exchanges.execute(slurm.slurmV0042GetJobs(null, null), true, a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getJobs(), V0042Mapping::fromController);
    }

    @Override
    List<JobInfo> accountingRecords(String jobId) {
        var answer = exchanges.execute(slurmdb.slurmdbV0042GetJob(jobId), true, a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getJobs(), V0042Mapping::fromAccounting);
    }

    @Override
    List<JobInfo> accountingRecords(List<String> jobIds) {
        var answer = exchanges.execute(queries.accountingJobsById(jobIds, "true"), true,
                a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getJobs(), V0042Mapping::fromAccounting);
    }

    @Override
    List<JobInfo> accountingRecords(Map<String, String> query) {
        var answer = exchanges.execute(queries.accountingJobs(query), true, a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getJobs(), V0042Mapping::fromAccounting);
    }

    @Override
    public List<Association> associations(String user) {
        var answer = exchanges.execute(queries.associations(Map.of("user", user)), true,
                a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getAssociations(), V0042Mapping::association);
    }

    @Override
    public List<PartitionInfo> partitions() {
        var answer = exchanges.execute(slurm.slurmV0042GetPartitions(null, null), true,
                a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getPartitions(), V0042Mapping::partition);
    }

    @Override
    public List<NodeInfo> nodes() {
        var answer = exchanges.execute(slurm.slurmV0042GetNodes(null, null), true, a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getNodes(), V0042Mapping::node);
    }
}
