package ai.ringrift.slurm.bench;

import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.backend.WorkType;
import ai.ringrift.slurm.backend.WrapperScript;
import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.RetryPolicy;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.TokenSources;
import ai.ringrift.slurm.recordings.Recordings;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the JMH benchmark measures, through the SDK's public API only: the client, speaking one data
 * parser version, against a loopback server that answers with what the real slurmrestd answered in
 * that version (a recorded job repeated into a 1,000-job answer, a recorded submit answer), so the
 * figures are the client's own cost. It also keeps the last submission's body as the SDK sent it,
 * which the benchmark's raw HTTP sends as it is ({@link #wireBodyOf}).
 */
public final class OverheadProbe implements AutoCloseable {

    private final HttpServer server;
    private final SlurmClient client;
    private final JobSubmission submission;
    private final SlurmSettings settings;
    private final java.util.concurrent.atomic.AtomicReference<byte[]> lastSubmitBody;

    private OverheadProbe(HttpServer server, SlurmClient client, JobSubmission submission, SlurmSettings settings,
            java.util.concurrent.atomic.AtomicReference<byte[]> lastSubmitBody) {
        this.server = server;
        this.client = client;
        this.submission = submission;
        this.settings = settings;
        this.lastSubmitBody = lastSubmitBody;
    }

    /** A probe whose server answers in {@code version} (one the SDK speaks and the recordings hold) with {@code jobs} jobs per job read. */
    public static OverheadProbe create(int jobs, String version) throws Exception {
        String v = ApiVersion.supported(version).text();
        ObjectMapper json = new ObjectMapper();
        ObjectNode answer = Recordings.body(v, "job-get-completed").deepCopy();
        ArrayNode list = answer.putArray("jobs");
        for (int i = 0; i < jobs; i++) {
            ObjectNode job = Recordings.body(v, "job-get-completed").path("jobs").get(0).deepCopy();
            job.put("job_id", 1000 + i);
            list.add(job);
        }
        byte[] jobsAnswer = json.writeValueAsBytes(answer);
        byte[] submitAnswer = json.writeValueAsBytes(Recordings.body(v, "job-submit"));
        // the JDK server writes an answer's head and body apart; with Nagle on, the body waits for the
        // client's delayed ACK (40 ms on Linux) and that, not the client, is what a submit would measure
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        java.util.concurrent.atomic.AtomicReference<byte[]> lastSubmitBody = new java.util.concurrent.atomic.AtomicReference<>();
        server.createContext("/slurm/" + v + "/job/", exchange -> {
            boolean submit = exchange.getRequestURI().getPath().endsWith("/submit");
            byte[] body = submit ? submitAnswer : jobsAnswer;
            byte[] sent = exchange.getRequestBody().readAllBytes();
            if (submit) {
                lastSubmitBody.set(sent);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        SlurmClient client = SlurmClient.builder().baseUrl("http://127.0.0.1:" + server.getAddress().getPort())
                .tokenSource(TokenSources.fixed("probe")).retryPolicy(RetryPolicy.none()).checkVersion(false).apiVersion(ApiVersion.of(v)).build();

        Path yaml = Files.createTempFile("bench", ".yaml");
        Files.writeString(yaml, """
                execution_backend: slurm
                slurm:
                  rest: {url: "http://127.0.0.1:6820", user: ringrift, jwt_key_file: /k}
                  partition_training: gpu-train
                  partition_selfplay: gpu-selfplay
                  partition_tournament: cpu-eval
                  shared_root: /shared
                  venv_activate: /shared/venv/bin/activate
                """, StandardCharsets.UTF_8);
        SlurmSettings settings = ConfigLoader.load(yaml, k -> null).slurm();
        Files.delete(yaml);
        JobSubmission submission = JobSubmission.builder().name("rr-training-gen7").script("#!/bin/bash\ntrue\n")
                .partition("gpu-train").account("ringrift").gpusPerNode(1).cpusPerTask(16).memoryPerNodeMb(65536)
                .timeLimit(Duration.ofHours(8)).workingDirectory("/shared").standardOutput("/shared/logs/%j.out")
                .putEnvironment("PATH", "/usr/bin:/bin").putEnvironment("RINGRIFT_WORK_TYPE", "training").build();
        return new OverheadProbe(server, client, submission, settings, lastSubmitBody);
    }

    /** The body of {@code POST .../job/submit} the SDK sends for {@code s}, byte for byte (the submission goes to this probe's server only). */
    public String wireBodyOf(JobSubmission s) {
        client.submit(s);
        return new String(lastSubmitBody.get(), StandardCharsets.UTF_8);
    }

    /** GET of a 1,000-job answer on loopback: read, parsed and mapped to the SDK's JobInfo; returns the count. */
    public int readJobs() {
        return client.jobs(1000).size();
    }

    /** A submission on loopback: the job description written, the recorded answer read. */
    public long submitJob() {
        return client.submit(submission).jobId();
    }

    public String renderScript() {
        return WrapperScript.render(settings, WorkType.TRAINING, "rr-training-gen7",
                List.of("--board", "square8", "--generation", "7", "--name", "it's gen 7"));
    }

    @Override
    public void close() {
        client.close();
        server.stop(0);
    }
}
