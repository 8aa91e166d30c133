package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.client.v0040.model.V0040KillJobsMsg;
import ai.ringrift.slurm.client.v0040.model.V0040OpenapiKillJobsResp;
import retrofit2.Call;
import retrofit2.http.Body;
import retrofit2.http.HTTP;

/**
 * Endpoints the generated v0.0.40 interface gets wrong, declared again by hand. The generated
 * {@code slurmV0040DeleteJobs} puts {@code @Body} on a plain {@code @DELETE}, which Retrofit refuses
 * ("Non-body HTTP method cannot contain @Body"); slurmrestd does take a JSON body on
 * {@code DELETE /slurm/v0.0.40/jobs/}.
 */
interface V0040Fixes {

    @HTTP(method = "DELETE", path = "slurm/v0.0.40/jobs/", hasBody = true)
    Call<V0040OpenapiKillJobsResp> deleteJobs(@Body V0040KillJobsMsg message);
}
