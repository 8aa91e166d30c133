package ai.ringrift.slurm.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.testsupport.FixtureRecorder;
import ai.ringrift.slurm.testsupport.LocalCluster;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Records what the running slurmrestd answers, in one API version, as the WireMock mappings of the
 * test kit (ringrift-slurm-testing's {@code slurmrestd/VERSION/mappings}): the answers a service
 * meets in a job's life (ping, cluster reads, submits, held and array jobs, job states, cancels, a
 * completed job in slurmctld and in slurmdbd) and the refusals (unknown partition, account and
 * QOS, an unknown job, a bad and an expired token). Each answer's status is checked as it comes,
 * and the statuses and Slurm error numbers go to a table beside the mappings
 * ({@code status-codes.tsv}), so the differences between releases are on record.
 *
 * <p>The version is {@code SLURM_REST_API_VERSION} when set (not "auto"), else the newest the
 * server serves. Mappings go to {@code target/recorded-answers/VERSION/mappings}, or with
 * {@code -Danswers.record.root=DIR} to {@code DIR/VERSION/mappings}: scripts/record-answers.sh
 * points it at the test kit's resources for every version.
 */
class RecordAnswersRealClusterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType APPLICATION_JSON = MediaType.get("application/json");

    private static LocalCluster cluster;
    private static String version;
    private static String release;
    /** Whether the version's table entry says slurmctld's requeue is served. */
    private static boolean requeue;
    /** The version table (openapi/versions.json) and this cluster's release. */
    private static JsonNode versionTable;
    private static OkHttpClient http;
    private static FixtureRecorder recorder;
    private static Path dir;
    private static final List<String> table = new ArrayList<>();
    private static final List<Long> submitted = new ArrayList<>();

    @BeforeAll
    static void connect() {
        cluster = LocalCluster.require();
    }

    /**
     * Records every version whose answers come from this cluster's release (the newest local release
     * serving it, as the version table says), or the one SLURM_REST_API_VERSION names; into
     * {@code -Danswers.record.root} (the committed recordings, scripts/record-answers.sh) or, by
     * default, into target/, where each recording is then compared by shape with the committed one:
     * the drift check CI runs against both releases.
     */
    @Test
    void everyVersionThisReleaseServesAnswersAsRecorded() throws Exception {
        OkHttpClient plain = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60)).build();
        Path openapi = Path.of(System.getProperty("project.root", "..")).resolve("openapi/versions.json");
        JsonNode versions = JSON.readTree(openapi.toFile());
        versionTable = versions;
        String here = null;
        for (JsonNode v : versions.path("versions")) {
            try (Response r = plain.newCall(get("/slurm/" + v.path("version").asText() + "/ping/", cluster.userToken())).execute()) {
                if (r.code() == 200) {
                    here = JSON.readTree(r.body().string()).path("meta").path("slurm").path("release").asText();
                    break;
                }
            }
        }
        assertThat(here).as("slurmrestd at %s serves a version of the table", cluster.restUrl()).isNotNull();
        String pinned = System.getenv("SLURM_REST_API_VERSION");
        List<String> mine = new ArrayList<>();
        for (JsonNode v : versions.path("versions")) {
            String name = v.path("version").asText();
            boolean wanted = pinned != null && pinned.startsWith("v") ? name.equals(pinned) : here.startsWith(recordedOn(versions, name) + ".");
            if (wanted) {
                mine.add(name);
            }
        }
        assertThat(mine).as("versions recorded on Slurm %s", here).isNotEmpty();
        Path root = Path.of(System.getProperty("answers.record.root", "target/recorded-answers"));
        boolean intoCommitted = System.getProperty("answers.record.root") != null;
        List<String> drift = new ArrayList<>();
        for (String v : mine) {
            version = v;
            release = here;
            requeue = false;
            versions.path("versions").forEach(e -> {
                if (e.path("version").asText().equals(v)) {
                    requeue = e.path("quirks").path("requeue").asBoolean();
                }
            });
            dir = root.resolve(version).resolve("mappings");
            Files.createDirectories(dir);
            recorder = new FixtureRecorder(dir, "slurmrestd " + release + " (scripts/local-slurm.sh, " + version + ")");
            http = plain.newBuilder().addInterceptor(recorder).build();
            table.clear();
            try {
                theAnswersOfAJobsLife();
                theRefusals();
                theStateRowShapes();
            } finally {
                writeTable();
            }
            if (!intoCommitted) {
                drift.addAll(RecordingShapes.differences(version, dir, committed().resolve(version).resolve("mappings")));
            }
        }
        assertThat(drift).as("what Slurm %s answers today against the committed recordings (field names and JSON types, "
                + "status, content type; not ids or times). If the server changed on purpose, record again: "
                + "scripts/record-answers.sh", here).isEmpty();
    }

    /** The committed recordings: this module's resources. */
    private static Path committed() {
        return Path.of("src/main/resources/slurmrestd");
    }

    /** The local release a version is recorded on: the newest with localCluster that serves it. */
    private static String recordedOn(JsonNode table, String version) {
        String on = "";
        for (JsonNode r : table.path("releases")) {
            boolean serves = false;
            for (JsonNode s : r.path("serves")) {
                serves |= s.asText().equals(version);
            }
            if (serves && r.has("localCluster")) {
                on = r.path("release").asText();
            }
        }
        return on;
    }

    private static void writeTable() throws IOException {
        for (long id : submitted) { // nothing recorded is left in the queue
            send(new Request.Builder().url(url("/slurm/" + version + "/job/" + id)).delete()
                    .header("X-SLURM-USER-TOKEN", cluster.userToken()).build());
        }
        submitted.clear();
        table.add(0, "# what slurmrestd " + release + " answered in " + version + " (RecordAnswersRealClusterIT)\n"
                + "recording\tstatus\terror numbers");
        Files.writeString(dir.getParent().resolve("status-codes.tsv"), String.join("\n", table) + "\n");
        System.out.println("recorded " + (table.size() - 1) + " answers of slurmrestd " + release + " in " + version + " to " + dir);
    }

    private static void theAnswersOfAJobsLife() throws Exception {
        String token = cluster.userToken();
        record("ping", get(path("slurm", "ping/"), token), 200);
        record("partitions", get(path("slurm", "partitions/"), token), 200);
        record("nodes", get(path("slurm", "nodes/"), token), 200);
        record("slurmdb-tres", get(path("slurmdb", "tres/"), token), 200);
        record("slurmdb-associations", get(path("slurmdb", "associations/") + "?user=" + cluster.user(), token), 200);

        long held = jobId(record("job-submit-held", submit(job("rec-held", "#!/bin/bash\necho never\n").put("hold", true)), 200));
        record("job-get-held", get(path("slurm", "job/" + held), token), 200);
        record("jobs-state-held", get(path("slurm", "jobs/state/") + "?job_id=" + held, token), 200);
        long array = jobId(record("job-submit-array-held",
                submit(job("rec-array", "#!/bin/bash\necho task $SLURM_ARRAY_TASK_ID\n").put("hold", true).put("array", "0-3%2")), 200));
        record("job-get-array-held", get(path("slurm", "job/" + array), token), 200);
        record("jobs-state-array-held", get(path("slurm", "jobs/state/") + "?job_id=" + array, token), 200);
        record("job-cancel", delete(path("slurm", "job/" + held)), 200);
        awaitState(held, s -> s.contains("CANCELLED"));
        record("job-get-cancelled", get(path("slurm", "job/" + held), token), 200);
        record("job-cancel-array", delete(path("slurm", "job/" + array)), 200);

        long running = jobId(accepted(submit(job("rec-running", "#!/bin/bash\nsleep 120\n")), "job-submit-running"));
        awaitState(running, s -> s.contains("RUNNING"));
        record("job-get-running", get(path("slurm", "job/" + running), token), 200);
        if (requeue) { // a running job requeued goes back to PENDING; requeued again while pending: 2024
            record("job-requeue", get(path("slurm", "job/" + running + "/requeue"), token), 200);
            awaitState(running, s -> s.contains("PENDING"));
            record("error-requeue-pending", get(path("slurm", "job/" + running + "/requeue"), token), 422);
        }
        send(delete(path("slurm", "job/" + running)));

        // the completed job asks for a GPU, as training does
        long done = jobId(record("job-submit", submit(job("rec-done", "#!/bin/bash\necho recorded\n")
                .put("partition", "gpu-train").put("tres_per_node", "gres/gpu:1")), 200));
        awaitState(done, s -> s.contains("COMPLETED"));
        record("job-get-completed", get(path("slurm", "job/" + done), token), 200);
        // slurmdbd learns of the end a moment after slurmctld
        JsonNode accounted = recordOnceAccounted("slurmdb-job-completed", done,
                answer -> answer.path("jobs").path(0).path("time").path("end").asLong() != 0);
        assertThat(accounted.path("jobs").path(0).path("state").path("current").toString()).contains("COMPLETED");
    }

    private static void theRefusals() throws Exception {
        String token = cluster.userToken();
        record("error-submit-unknown-partition", submit(job("rec-bad", "#!/bin/bash\ntrue\n").put("partition", "no-such-partition")),
                400, 422, 500);
        record("error-submit-invalid-account", submit(job("rec-bad", "#!/bin/bash\ntrue\n").put("account", "no-such-account")),
                400, 422, 500);
        record("error-submit-invalid-qos", submit(job("rec-bad", "#!/bin/bash\ntrue\n").put("qos", "no-such-qos")), 400, 422, 500);
        record("error-get-unknown-job", get(path("slurm", "job/999999999"), token), 400, 404, 422, 500);
        // what the test kit's fake (ai.ringrift.slurm.testing.fake) answers from: GPUs no node has (2014),
        // a version the server does not serve (404, text/plain), cancels of unknown jobs, an unknown job in slurmdbd
        record("error-submit-unavailable-resources", submit(job("rec-bad", "#!/bin/bash\ntrue\n").put("partition", "gpu-train")
                .put("tres_per_node", "gres/gpu:64")), 400, 422, 500);
        String other = notServedHere(); // a version of the table this release does not serve
        record("error-version-not-served", get("/slurm/" + other + "/ping/", token), 404);
        // below MaxJobId (67043328 by default; 999999999 is answered 404 by 24.11), above any id the local clusters reach
        record("job-cancel-unknown", delete(path("slurm", "job/9999999")), 200);
        ObjectNode two = JSON.createObjectNode();
        two.putArray("jobs").add("9999998").add("9999999");
        record("jobs-cancel-many", new Request.Builder().url(url(path("slurm", "jobs/"))).header("X-SLURM-USER-TOKEN", token)
                .delete(RequestBody.create(JSON.writeValueAsBytes(two), APPLICATION_JSON)).build(), 200);
        record("slurmdb-job-unknown", get(path("slurmdb", "job/9999999"), token), 200);
        record("error-auth-bad-token-jobs", get(path("slurm", "jobs/"), "not-a-token"), 401, 403, 511, 500);
        String expired = cluster.mintToken(cluster.user(), Duration.ofSeconds(1), Clock.offset(Clock.systemUTC(), Duration.ofHours(-1)));
        record("error-auth-expired-token-jobs", get(path("slurm", "jobs/"), expired), 401, 403, 511, 500);
        record("error-auth-expired-token-slurmdb", get(path("slurmdb", "jobs/"), expired), 401, 403, 500, 502);
    }

    /**
     * The id shapes of /jobs/state/ a tracker must read: an array whose tasks split off as they run
     * ({@code %1}: one task done, one running, the rest pending together), the same array cancelled
     * (its never-started rest), in slurmctld and slurmdbd, and a heterogeneous job's components
     * ({@code N+0}, {@code N+1}; held, since on one node it would wait forever anyway).
     */
    private static void theStateRowShapes() throws Exception {
        String token = cluster.userToken();
        long array = jobId(accepted(submit(job("rec-split", "#!/bin/bash\nsleep 4\n").put("array", "0-5%1")), "rec-split"));
        // task 0 has ended and task 1 runs: three shapes at once
        awaitState(array, s -> s.contains("COMPLETED") && s.contains("RUNNING"));
        record("jobs-state-array-tasks", get(path("slurm", "jobs/state/") + "?job_id=" + array, token), 200);
        ObjectNode het = JSON.createObjectNode();
        het.put("script", "#!/bin/bash\ntrue\n");
        ObjectNode first = job("rec-het", "#!/bin/bash\ntrue\n");
        first.remove("script");
        first.put("hold", true);
        ObjectNode second = first.deepCopy();
        het.putArray("jobs").add(first).add(second);
        long hetJob = jobId(accepted(new Request.Builder().url(url(path("slurm", "job/submit")))
                .header("X-SLURM-USER-TOKEN", token)
                .post(RequestBody.create(JSON.writeValueAsBytes(het), APPLICATION_JSON)).build(), "rec-het"));
        send(delete(path("slurm", "job/" + array)));
        awaitState(array, s -> !s.contains("RUNNING") && !s.contains("PENDING"));
        record("jobs-state-het-and-cancelled-array", get(path("slurm", "jobs/state/") + "?job_id=" + array + "&job_id=" + hetJob, token), 200);
        record("job-get-array-cancelled-rest", get(path("slurm", "job/" + array), token), 200);
        // slurmdbd learns of the cancel a moment after slurmctld
        JsonNode accounted = recordOnceAccounted("slurmdb-job-array-cancelled-rest", array,
                answer -> answer.path("jobs").toString().contains("CANCELLED"));
        send(delete(path("slurm", "job/" + hetJob)));
    }

    /** A version of the table the release being recorded does not serve. */
    private static String notServedHere() {
        for (JsonNode v : versionTable.path("versions")) {
            String name = v.path("version").asText();
            boolean served = false;
            for (JsonNode r : versionTable.path("releases")) {
                if (release.startsWith(r.path("release").asText() + ".")) {
                    for (JsonNode x : r.path("serves")) {
                        served |= x.asText().equals(name);
                    }
                }
            }
            if (!served) {
                return name;
            }
        }
        throw new AssertionError("Slurm " + release + " serves every version of the table: none to record a 404 of");
    }

    // --- requests ---------------------------------------------------------------------------

    private static String path(String daemon, String rest) {
        return "/" + daemon + "/" + version + "/" + rest;
    }

    private static String url(String pathAndQuery) {
        String base = cluster.restUrl().toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + pathAndQuery;
    }

    private static Request get(String pathAndQuery, String token) {
        return new Request.Builder().url(url(pathAndQuery)).header("X-SLURM-USER-TOKEN", token).build();
    }

    private static Request delete(String pathAndQuery) {
        return new Request.Builder().url(url(pathAndQuery)).delete().header("X-SLURM-USER-TOKEN", cluster.userToken()).build();
    }

    /** A small job in the cluster's account, on the CPU partition, writing to the shared tree. */
    private static ObjectNode job(String name, String script) {
        ObjectNode job = JSON.createObjectNode();
        job.put("name", name).put("account", cluster.account()).put("partition", "cpu-eval")
                .put("current_working_directory", cluster.sharedDir().toString())
                .put("standard_output", cluster.sharedDir().resolve("slurm/logs/" + name + "-%j.out").toString())
                .put("comment", "recorded answer");
        job.putArray("environment").add("PATH=/usr/local/bin:/usr/bin:/bin");
        job.putObject("memory_per_node").put("set", true).put("infinite", false).put("number", 64);
        job.put("script", script); // moved to the top level in submit()
        return job;
    }

    private static Request submit(ObjectNode job) throws IOException {
        ObjectNode request = JSON.createObjectNode();
        request.set("script", job.remove("script"));
        request.set("job", job);
        return new Request.Builder().url(url(path("slurm", "job/submit")))
                .header("X-SLURM-USER-TOKEN", cluster.userToken())
                .post(RequestBody.create(JSON.writeValueAsBytes(request), APPLICATION_JSON)).build();
    }

    private static JsonNode accepted(Request request, String what) throws IOException {
        String[] answer = send(request);
        assertThat(Integer.parseInt(answer[0])).as(what + ": " + answer[1]).isEqualTo(200);
        return JSON.readTree(answer[1]);
    }

    private static String[] send(Request request) throws IOException {
        try (Response r = http.newCall(request).execute()) {
            return new String[] {String.valueOf(r.code()), r.body() == null ? "" : r.body().string()};
        }
    }

    /** Sends {@code request}, checks its status is one of {@code expected}, saves it as mapping {@code name}. */
    private static JsonNode record(String name, Request request, int... expected) throws IOException {
        String[] answer = send(request);
        int status = Integer.parseInt(answer[0]);
        assertThat(expected).as("%s: %s answered %d: %s", name, request.url().encodedPath(), status, answer[1]).contains(status);
        recorder.save(name);
        JsonNode body;
        try {
            body = JSON.readTree(answer[1]);
        } catch (IOException notJson) {
            body = JSON.createObjectNode();
        }
        List<String> numbers = new ArrayList<>();
        body.path("errors").forEach(e -> numbers.add(e.path("error_number").asText() + " " + e.path("error").asText()));
        table.removeIf(line -> line.startsWith(name + "\t"));
        table.add(name + "\t" + status + "\t" + String.join("; ", numbers));
        return body;
    }

    private static long jobId(JsonNode submitAnswer) {
        long id = submitAnswer.path("job_id").asLong();
        assertThat(id).as("job id in %s", submitAnswer).isPositive();
        submitted.add(id);
        return id;
    }

    private static void awaitState(long id, Predicate<String> reached) throws Exception {
        Instant deadline = Instant.now().plusSeconds(120);
        String states = "";
        while (Instant.now().isBefore(deadline)) {
            String[] answer = send(get(path("slurm", "jobs/state/") + "?job_id=" + id, cluster.userToken()));
            states = JSON.readTree(answer[1]).path("jobs").toString();
            if (reached.test(states)) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("job " + id + " did not reach the state awaited in 120 s: " + states);
    }

    /**
     * Records slurmdbd's answer for a job once it holds what {@code caughtUp} looks for (slurmdbd
     * learns of an end or a cancel a moment after slurmctld), asking again every 500 ms for 60 s.
     */
    private static JsonNode recordOnceAccounted(String name, long id, Predicate<JsonNode> caughtUp) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        JsonNode answer;
        do {
            Thread.sleep(500);
            answer = record(name, get(path("slurmdb", "job/" + id), cluster.userToken()), 200);
        } while (!caughtUp.test(answer) && Instant.now().isBefore(deadline));
        return answer;
    }
}
