package ai.ringrift.slurm.rest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import retrofit2.Call;
import retrofit2.http.Body;
import retrofit2.http.DELETE;
import retrofit2.http.GET;
import retrofit2.http.HTTP;
import retrofit2.http.Headers;
import retrofit2.http.POST;
import retrofit2.http.Path;
import retrofit2.http.Query;

/**
 * The requests that are the same in every data parser version the SDK speaks, declared once with
 * the version as a path segment: what the SDK sends (a submission, cancels) is the same JSON in
 * v0.0.40, v0.0.42 and v0.0.44 ({@link SubmitRequest}; checked against each version's generated
 * models by a test and against the real servers by the real-cluster suites), and of these answers
 * the SDK reads only what has one shape in all three. What differs between versions (job,
 * partition, node and association records) is read with each version's generated models, in its
 * adapter.
 *
 * <p>Some are here because the generated interfaces get them wrong: {@code slurmV00xxDeleteJobs}
 * puts {@code @Body} on a plain {@code @DELETE}, which Retrofit refuses ("Non-body HTTP method
 * cannot contain @Body"), though slurmrestd takes a JSON body there; and {@code /jobs/state/} is
 * declared to return {@code job_info_resp}, but the real server sends
 * {@code {"jobs":[{"job_id":"14_2","state":["PENDING"]}]}}: a string id (with the array task after
 * an underscore) and {@code state}, not {@code job_state}. slurmrestd takes a body only with a
 * Content-Type of exactly {@code application/json} (with "; charset=UTF-8" it answers 400 "Unable
 * to parse query").
 */
interface SharedCalls {

    /** Posts one job (never retried blindly: see the client). */
    @Headers("Content-Type: application/json")
    @POST("slurm/{version}/job/submit")
    Call<SubmitAnswer> submit(@Path("version") String version, @Body ObjectNode request);

    @DELETE("slurm/{version}/job/{id}")
    Call<Notes> cancel(@Path("version") String version, @Path("id") String jobId);

    @Headers("Content-Type: application/json")
    @HTTP(method = "DELETE", path = "slurm/{version}/jobs/", hasBody = true)
    Call<Notes> cancel(@Path("version") String version, @Body KillJobs jobs);

    /** Several ids go as repeated job_id parameters: "job_id=1,2" is answered 400, "job_id=1&job_id=2" works. */
    @GET("slurm/{version}/jobs/state/")
    Call<JobsStateAnswer> jobsState(@Path("version") String version, @Query("job_id") List<String> jobIds);

    /** slurmdbd's TRES: the cheapest read that shows slurmdbd serves the version (its content is not used). */
    @GET("slurmdb/{version}/tres/")
    Call<Notes> tres(@Path("version") String version);

    /** The body of a cancel of several jobs. */
    record KillJobs(List<String> jobs) {}

    /** One entry of an answer's {@code errors[]}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Error(@JsonProperty("error_number") Integer errorNumber, String error, String description, String source) {}

    /** One entry of an answer's {@code warnings[]}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Warning(String description, String source) {}

    /** An answer of which only errors and warnings are read. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Notes(List<Error> errors, List<Warning> warnings) {
        Exchanges.Envelope envelope() {
            return envelope(errors, warnings);
        }

        static Exchanges.Envelope envelope(List<Error> errors, List<Warning> warnings) {
            List<SlurmError> e = new ArrayList<>();
            if (errors != null) {
                for (Error x : errors) {
                    e.add(new SlurmError(x.errorNumber() == null ? -1 : x.errorNumber(), x.error(), x.description(), x.source()));
                }
            }
            List<String> w = new ArrayList<>();
            if (warnings != null) {
                for (Warning x : warnings) {
                    w.add(String.valueOf(x.description()));
                }
            }
            return new Exchanges.Envelope(e, w);
        }
    }

    /**
     * The answer to a submission: the job id at the top in every version (v0.0.40 also repeats it
     * in a {@code result} object, which v0.0.42 dropped).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record SubmitAnswer(@JsonProperty("job_id") Long jobId, List<Error> errors, List<Warning> warnings) {
        Exchanges.Envelope envelope() {
            return Notes.envelope(errors, warnings);
        }
    }

    /** The real shape of the /jobs/state/ answer. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record JobsStateAnswer(List<Row> jobs, List<Error> errors, List<Warning> warnings) {

        @JsonIgnoreProperties(ignoreUnknown = true)
        record Row(@JsonProperty("job_id") String jobId, List<String> state) {}

        Exchanges.Envelope envelope() {
            return Notes.envelope(errors, warnings);
        }
    }
}
