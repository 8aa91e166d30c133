package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.client.v0040.api.SlurmApi;
import ai.ringrift.slurm.client.v0040.api.SlurmdbApi;
import ai.ringrift.slurm.client.v0040.model.V0040OpenapiError;
import ai.ringrift.slurm.client.v0040.model.V0040OpenapiWarning;
import java.util.List;
import java.util.Map;
import retrofit2.Retrofit;

/**
 * Data parser v0.0.40 (Slurm 23.11 to 24.11; removed in 25.11): the reads made with its generated
 * client, mapped by
 * {@link V0040Mapping}; slurmdbd's queries with named parameters in {@link V0040Fixes}.
 */
final class V0040Adapter extends VersionAdapter {

    static final String VERSION = "v0.0.40";

    private final SlurmApi slurm;
    private final SlurmdbApi slurmdb;
    private final V0040Fixes queries;

    V0040Adapter(Retrofit retrofit, Exchanges exchanges) {
        super(VERSION, retrofit, exchanges);
        this.slurm = retrofit.create(SlurmApi.class);
        this.slurmdb = retrofit.create(SlurmdbApi.class);
        this.queries = retrofit.create(V0040Fixes.class);
    }

    private static Exchanges.Envelope envelope(List<V0040OpenapiError> errors, List<V0040OpenapiWarning> warnings) {
        return new Exchanges.Envelope(
                Mappings.each(errors, e -> new SlurmError(e.getErrorNumber() == null ? -1 : e.getErrorNumber(), e.getError(),
                        e.getDescription(), e.getSource())),
                Mappings.each(warnings, w -> String.valueOf(w.getDescription())));
    }

    @Override
    public ServerInfo ping() {
        var answer = exchanges.execute(slurm.slurmV0040GetPing(), true, a -> envelope(a.getErrors(), a.getWarnings()));
        var slurmMeta = answer.getMeta() == null ? null : answer.getMeta().getSlurm();
        var plugin = answer.getMeta() == null ? null : answer.getMeta().getPlugin();
        boolean up = answer.getPings() != null && answer.getPings().stream().anyMatch(p -> "UP".equals(p.getPinged()));
        return new ServerInfo(slurmMeta == null ? "" : slurmMeta.getRelease(), slurmMeta == null ? "" : slurmMeta.getCluster(),
                plugin == null ? "" : plugin.getDataParser(), up);
    }

    @Override
    List<JobInfo> controllerJobs(long jobId) {
        var answer = exchanges.execute(slurm.slurmV0040GetJob(String.valueOf(jobId), null, null), true,
                a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getJobs(), V0040Mapping::fromController);
    }

    @Override
    List<JobInfo> liveJobs() {
        var answer = exchanges.execute(slurm.slurmV0040GetJobs(null, null), true, a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getJobs(), V0040Mapping::fromController);
    }

    @Override
    List<JobInfo> accountingRecords(String jobId) {
        var answer = exchanges.execute(slurmdb.slurmdbV0040GetJob(jobId), true, a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getJobs(), V0040Mapping::fromAccounting);
    }

    @Override
    List<JobInfo> accountingRecords(List<String> jobIds) {
        var answer = exchanges.execute(queries.accountingJobsById(jobIds, "true"), true,
                a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getJobs(), V0040Mapping::fromAccounting);
    }

    @Override
    List<JobInfo> accountingRecords(Map<String, String> query) {
        var answer = exchanges.execute(queries.accountingJobs(query), true, a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getJobs(), V0040Mapping::fromAccounting);
    }

    @Override
    public List<Association> associations(String user) {
        var answer = exchanges.execute(queries.associations(Map.of("user", user)), true,
                a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getAssociations(), V0040Mapping::association);
    }

    @Override
    public List<PartitionInfo> partitions() {
        var answer = exchanges.execute(slurm.slurmV0040GetPartitions(null, null), true,
                a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getPartitions(), V0040Mapping::partition);
    }

    @Override
    public List<NodeInfo> nodes() {
        var answer = exchanges.execute(slurm.slurmV0040GetNodes(null, null), true, a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getNodes(), V0040Mapping::node);
    }
}
