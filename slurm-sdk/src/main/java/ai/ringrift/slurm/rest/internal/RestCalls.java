package ai.ringrift.slurm.rest.internal;


import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import retrofit2.Call;
import retrofit2.http.Body;
import retrofit2.http.DELETE;
import retrofit2.http.GET;
import retrofit2.http.HTTP;
import retrofit2.http.Headers;
import retrofit2.http.POST;
import retrofit2.http.Path;
import retrofit2.http.Query;
import retrofit2.http.QueryMap;

/**
 * Every request the SDK sends, declared once with the data parser version as a path segment: the
 * paths, parameters and bodies used here are the same in every version the SDK speaks (checked
 * against each version's pinned spec by {@code WireModelContractTest}), and the answers are read
 * with the one {@link Wire} model.
 *
 * <p>Why not the generated interfaces: {@code slurmV00xxDeleteJobs} puts {@code @Body} on a plain
 * {@code @DELETE}, which Retrofit refuses, though slurmrestd takes a JSON body there;
 * {@code /jobs/state/} is declared to return {@code job_info_resp} but the server sends
 * {@code {"jobs":[{"job_id":"14_2","state":[...]}]}}; slurmdbd's job query takes up to 41
 * positional parameters; and one declaration per version would be the same code once per version.
 * slurmrestd takes a body only with a Content-Type of exactly {@code application/json} (with
 * "; charset=UTF-8" it answers 400 "Unable to parse query").
 */
public interface RestCalls {

    @GET("slurm/{version}/ping/")
    Call<Wire.PingAnswer> ping(@Path("version") String version);

    /** Posts one job (never retried blindly: see the client). */
    @Headers("Content-Type: application/json")
    @POST("slurm/{version}/job/submit")
    Call<Wire.SubmitAnswer> submit(@Path("version") String version, @Body ObjectNode request);

    @GET("slurm/{version}/job/{id}")
    Call<Wire.JobsAnswer> job(@Path("version") String version, @Path("id") String jobId);

    @GET("slurm/{version}/jobs/")
    Call<Wire.JobsAnswer> jobs(@Path("version") String version);

    /** Several ids go as repeated job_id parameters: "job_id=1,2" is answered 400, {@code job_id=1&job_id=2} works. */
    @GET("slurm/{version}/jobs/state/")
    Call<Wire.StateAnswer> jobsState(@Path("version") String version, @Query("job_id") List<String> jobIds);

    @DELETE("slurm/{version}/job/{id}")
    Call<Wire.Notes> cancel(@Path("version") String version, @Path("id") String jobId);

    @Headers("Content-Type: application/json")
    @HTTP(method = "DELETE", path = "slurm/{version}/jobs/", hasBody = true)
    Call<Wire.Notes> cancel(@Path("version") String version, @Body Wire.KillJobs jobs);

    /** slurmctld's requeue (served from v0.0.45; a GET there, as the spec declares it). */
    @GET("slurm/{version}/job/{id}/requeue")
    Call<Wire.Notes> requeue(@Path("version") String version, @Path("id") String jobId);

    @GET("slurm/{version}/partitions/")
    Call<Wire.PartitionsAnswer> partitions(@Path("version") String version);

    @GET("slurm/{version}/nodes/")
    Call<Wire.NodesAnswer> nodes(@Path("version") String version);

    /** slurmdbd's TRES: the cheapest read that shows slurmdbd serves the version (its content is not used). */
    @GET("slurmdb/{version}/tres/")
    Call<Wire.Notes> tres(@Path("version") String version);

    /** What slurmdbd recorded for one job (an array's id brings every task). */
    @GET("slurmdb/{version}/job/{id}")
    Call<Wire.AccountingAnswer> accountingJob(@Path("version") String version, @Path("id") String jobId);

    /**
     * What slurmdbd recorded for several jobs in one request: repeated step parameters
     * ({@code step=6&step=7}; an array's id brings every task). Checked on slurmrestd 24.11 and 26.05:
     * "step=6,7" is answered 500 "Unspecified error" or 422.
     */
    @GET("slurmdb/{version}/jobs/")
    Call<Wire.AccountingAnswer> accountingJobsById(@Path("version") String version, @Query("step") List<String> jobIds,
            @Query("skip_steps") String skipSteps);

    /** slurmdbd's job query: {@code query} holds the filters by their API names ({@code job_name}, {@code start_time}, ...). */
    @GET("slurmdb/{version}/jobs/")
    Call<Wire.AccountingAnswer> accountingJobs(@Path("version") String version, @QueryMap Map<String, String> query);

    /** slurmdbd's associations ({@code user}, {@code account}, ...). */
    @GET("slurmdb/{version}/associations/")
    Call<Wire.AssociationsAnswer> associations(@Path("version") String version, @QueryMap Map<String, String> query);
}
