package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.client.v0044.model.V0044KillJobsMsg;
import ai.ringrift.slurm.client.v0044.model.V0044OpenapiKillJobsResp;
import retrofit2.Call;
import retrofit2.http.Body;
import retrofit2.http.GET;
import retrofit2.http.HTTP;
import retrofit2.http.Headers;
import retrofit2.http.Query;

/**
 * Endpoints the generated v0.0.44 interface gets wrong or makes hard to call, declared again by
 * hand. The generated
 * {@code slurmV0044DeleteJobs} puts {@code @Body} on a plain {@code @DELETE}, which Retrofit refuses
 * ("Non-body HTTP method cannot contain @Body"); slurmrestd does take a JSON body on
 * {@code DELETE /slurm/v0.0.44/jobs/} (and, like every body it takes, only with a Content-Type of
 * exactly {@code application/json}: with "; charset=UTF-8" it answers 400 "Unable to parse query").
 *
 * <p>{@code GET /slurm/v0.0.44/jobs/state/} is declared to return {@code job_info_resp}, but the
 * real server sends {@code {"jobs":[{"job_id":"14_2","state":["PENDING"]}]}}: a string id (with
 * the array task after an underscore) and {@code state}, not {@code job_state}.
 */
interface V0044Fixes {

    @Headers("Content-Type: application/json")
    @HTTP(method = "DELETE", path = "slurm/v0.0.44/jobs/", hasBody = true)
    Call<V0044OpenapiKillJobsResp> deleteJobs(@Body V0044KillJobsMsg message);

    /** Several ids go as repeated job_id parameters: "job_id=1,2" is answered 400, "job_id=1&job_id=2" works. */
    @GET("slurm/v0.0.44/jobs/state/")
    Call<JobsStateAnswer> jobsState(@Query("job_id") java.util.List<String> jobIds);

    /**
     * What slurmdbd recorded for several jobs in one request: repeated step parameters
     * ("step=6&step=7"; an array's id brings every task). Checked on slurmrestd 24.11 (v0.0.44) and
     * 26.05 (v0.0.42): "step=6,7" is answered 500 "Unspecified error" or 422.
     */
    @GET("slurmdb/v0.0.44/jobs/")
    Call<ai.ringrift.slurm.client.v0044.model.V0044OpenapiSlurmdbdJobsResp> accountingJobsById(
            @Query("step") java.util.List<String> jobIds, @Query("skip_steps") String skipSteps);

    /**
     * slurmdbd's job query with named parameters (the generated method takes 41 positional ones):
     * {@code query} holds the filters by their API names ({@code job_name}, {@code start_time}, ...).
     */
    @GET("slurmdb/v0.0.44/jobs/")
    Call<ai.ringrift.slurm.client.v0044.model.V0044OpenapiSlurmdbdJobsResp> accountingJobs(
            @retrofit2.http.QueryMap java.util.Map<String, String> query);

    /** slurmdbd's associations with named parameters ({@code user}, {@code account}, ...). */
    @GET("slurmdb/v0.0.44/associations/")
    Call<ai.ringrift.slurm.client.v0044.model.V0044OpenapiAssocsResp> associations(
            @retrofit2.http.QueryMap java.util.Map<String, String> query);

    /** The real shape of the /jobs/state/ answer. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record JobsStateAnswer(java.util.List<Row> jobs,
            java.util.List<ai.ringrift.slurm.client.v0044.model.V0044OpenapiError> errors,
            java.util.List<ai.ringrift.slurm.client.v0044.model.V0044OpenapiWarning> warnings) {

        @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
        record Row(@com.fasterxml.jackson.annotation.JsonProperty("job_id") String jobId,
                java.util.List<String> state) {}

        public java.util.List<ai.ringrift.slurm.client.v0044.model.V0044OpenapiError> getErrors() {
            return errors;
        }

        public java.util.List<ai.ringrift.slurm.client.v0044.model.V0044OpenapiWarning> getWarnings() {
            return warnings;
        }
    }
}
