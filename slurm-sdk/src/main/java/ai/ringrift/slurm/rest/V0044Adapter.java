package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.client.v0044.api.SlurmApi;
import ai.ringrift.slurm.client.v0044.api.SlurmdbApi;
import ai.ringrift.slurm.client.v0044.model.V0044OpenapiError;
import ai.ringrift.slurm.client.v0044.model.V0044OpenapiWarning;
import java.util.List;
import java.util.Map;
import retrofit2.Retrofit;

/**
 * Data parser v0.0.44 (Slurm 25.11 and 26.05; like v0.0.42, and its job records hold output paths
 * as submitted (patterns), the resolved ones in *_expanded): the reads made with its generated
 * client, mapped by
 * {@link V0044Mapping}; slurmdbd's queries with named parameters in {@link V0044Fixes}.
 */
final class V0044Adapter extends VersionAdapter {

    static final String VERSION = "v0.0.44";

    private final SlurmApi slurm;
    private final SlurmdbApi slurmdb;
    private final V0044Fixes queries;

    V0044Adapter(Retrofit retrofit, Exchanges exchanges) {
        super(VERSION, retrofit, exchanges);
        this.slurm = retrofit.create(SlurmApi.class);
        this.slurmdb = retrofit.create(SlurmdbApi.class);
        this.queries = retrofit.create(V0044Fixes.class);
    }

    private static Exchanges.Envelope envelope(List<V0044OpenapiError> errors, List<V0044OpenapiWarning> warnings) {
        return new Exchanges.Envelope(
                Mappings.each(errors, e -> new SlurmError(e.getErrorNumber() == null ? -1 : e.getErrorNumber(), e.getError(),
                        e.getDescription(), e.getSource())),
                Mappings.each(warnings, w -> String.valueOf(w.getDescription())));
    }

    @Override
    public ServerInfo ping() {
        var answer = exchanges.execute(slurm.slurmV0044GetPing(), true, a -> envelope(a.getErrors(), a.getWarnings()));
        var slurmMeta = answer.getMeta() == null ? null : answer.getMeta().getSlurm();
        var plugin = answer.getMeta() == null ? null : answer.getMeta().getPlugin();
        boolean up = answer.getPings() != null && answer.getPings().stream().anyMatch(p -> "UP".equals(p.getPinged()));
        return new ServerInfo(slurmMeta == null ? "" : slurmMeta.getRelease(), slurmMeta == null ? "" : slurmMeta.getCluster(),
                plugin == null ? "" : plugin.getDataParser(), up);
    }

    @Override
    List<JobInfo> controllerJobs(long jobId) {
        var answer = exchanges.execute(slurm.slurmV0044GetJob(String.valueOf(jobId), null, null), true,
                a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getJobs(), V0044Mapping::fromController);
    }

    @Override
    List<JobInfo> liveJobs() {
        var answer = exchanges.execute(slurm.slurmV0044GetJobs(null, null), true, a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getJobs(), V0044Mapping::fromController);
    }

    @Override
    List<JobInfo> accountingRecords(String jobId) {
        var answer = exchanges.execute(slurmdb.slurmdbV0044GetJob(jobId), true, a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getJobs(), V0044Mapping::fromAccounting);
    }

    @Override
    List<JobInfo> accountingRecords(List<String> jobIds) {
        var answer = exchanges.execute(queries.accountingJobsById(jobIds, "true"), true,
                a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getJobs(), V0044Mapping::fromAccounting);
    }

    @Override
    List<JobInfo> accountingRecords(Map<String, String> query) {
        var answer = exchanges.execute(queries.accountingJobs(query), true, a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getJobs(), V0044Mapping::fromAccounting);
    }

    @Override
    public List<Association> associations(String user) {
        var answer = exchanges.execute(queries.associations(Map.of("user", user)), true,
                a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getAssociations(), V0044Mapping::association);
    }

    @Override
    public List<PartitionInfo> partitions() {
        var answer = exchanges.execute(slurm.slurmV0044GetPartitions(null, null), true,
                a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getPartitions(), V0044Mapping::partition);
    }

    @Override
    public List<NodeInfo> nodes() {
        var answer = exchanges.execute(slurm.slurmV0044GetNodes(null, null), true, a -> envelope(a.getErrors(), a.getWarnings()));
        return Mappings.each(answer.getNodes(), V0044Mapping::node);
    }
}
