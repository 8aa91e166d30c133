package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.client.v0044.model.V0044OpenapiAssocsResp;
import ai.ringrift.slurm.client.v0044.model.V0044OpenapiSlurmdbdJobsResp;
import java.util.List;
import java.util.Map;
import retrofit2.Call;
import retrofit2.http.GET;
import retrofit2.http.Query;
import retrofit2.http.QueryMap;

/**
 * slurmdbd's v0.0.44 queries declared again with named parameters (the generated methods take up
 * to 41 positional ones), answered with the generated models.
 */
interface V0044Fixes {

    /**
     * What slurmdbd recorded for several jobs in one request: repeated step parameters
     * ("step=6&step=7"; an array's id brings every task). Checked on slurmrestd 24.11 and 26.05:
     * "step=6,7" is answered 500 "Unspecified error" or 422.
     */
    @GET("slurmdb/v0.0.44/jobs/")
    Call<V0044OpenapiSlurmdbdJobsResp> accountingJobsById(@Query("step") List<String> jobIds, @Query("skip_steps") String skipSteps);

    /** slurmdbd's job query: {@code query} holds the filters by their API names ({@code job_name}, {@code start_time}, ...). */
    @GET("slurmdb/v0.0.44/jobs/")
    Call<V0044OpenapiSlurmdbdJobsResp> accountingJobs(@QueryMap Map<String, String> query);

    /** slurmdbd's associations ({@code user}, {@code account}, ...). */
    @GET("slurmdb/v0.0.44/associations/")
    Call<V0044OpenapiAssocsResp> associations(@QueryMap Map<String, String> query);
}
