package ai.ringrift.slurm.examples;

import ai.ringrift.slurm.rest.JobFiles;
import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.ServerInfo;
import ai.ringrift.slurm.rest.SlurmException;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.SubmittedJob;
import ai.ringrift.slurm.rest.TokenSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Submits one GPU job to slurmrestd, waits for it, and prints its outcome and log: the smallest
 * complete use of the SDK. Connection facts come from the environment (SLURM_REST_URL,
 * SLURM_CLUSTER_USER, SLURM_CLUSTER_ACCOUNT, SLURM_JWT_KEY_FILE, SLURM_SHARED_DIR); for the local
 * cluster: {@code env $(scripts/local-slurm.sh env) java -cp examples/target/... ai.ringrift.slurm.examples.QuickStart}.
 */
public final class QuickStart {

    private QuickStart() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> facts = connectionFacts();
        Path shared = Path.of(need(facts, "SLURM_SHARED_DIR"));
        try (SlurmClient client = SlurmClient.builder()
                .baseUrl(need(facts, "SLURM_REST_URL"))
                .tokenSource(TokenSources.jwtKey(Path.of(need(facts, "SLURM_JWT_KEY_FILE")), need(facts, "SLURM_CLUSTER_USER"),
                        Duration.ofMinutes(30), Clock.systemUTC()))
                .build()) {
            ServerInfo server = client.checkVersion();
            System.out.printf("slurmrestd %s: Slurm %s, cluster %s, controller %s%n", client.baseUrl(),
                    server.slurmRelease(), server.cluster(), server.controllerUp() ? "up" : "DOWN");

            String log = shared.resolve("quickstart-%j.out").toString();
            SubmittedJob job = client.submit(JobSubmission.builder()
                    .name("ringrift-quickstart")
                    .partition("gpu-train")
                    .account(facts.get("SLURM_CLUSTER_ACCOUNT"))
                    .gpusPerNode(1)
                    .cpusPerTask(1)
                    .memoryPerNodeMb(256)
                    .timeLimit(Duration.ofMinutes(5))
                    .workingDirectory(shared.toString())
                    .standardOutput(log)
                    .putEnvironment("PATH", "/usr/local/bin:/usr/bin:/bin")
                    .script("#!/bin/bash\necho \"job $SLURM_JOB_ID on $(hostname) with CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES\"\nsleep 2\necho done\n")
                    .build());
            System.out.printf("submitted job %d (submit key %s)%n", job.jobId(), job.submitKey());

            System.out.printf("waiting for job %d to end%n", job.jobId());
            JobInfo done = client.waiter().await(job.jobId(), Duration.ofMinutes(5)); // one request a round
            Path logFile = Path.of(JobFiles.expand(log, done));
            System.out.printf("job %d: %s, exit code %s (from %s)%n", done.jobId(), done.state(),
                    done.exitCode() == JobInfo.NONE ? "?" : done.exitCode(), done.source());
            System.out.printf("log %s:%n%s", logFile, Files.exists(logFile) ? Files.readString(logFile) : "(not written)\n");
            if (!done.state().equals(ai.ringrift.slurm.rest.JobState.COMPLETED) || done.exitCode() != 0) {
                System.exit(1);
            }
        } catch (SlurmException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    /** The connection facts, from the environment: the names scripts/local-slurm.sh env prints. */
    private static Map<String, String> connectionFacts() {
        Map<String, String> facts = new LinkedHashMap<>();
        for (String key : List.of("SLURM_REST_URL", "SLURM_CLUSTER_USER", "SLURM_CLUSTER_ACCOUNT", "SLURM_JWT_KEY_FILE", "SLURM_SHARED_DIR")) {
            String value = System.getenv(key);
            if (value != null && !value.isBlank()) {
                facts.put(key, value);
            }
        }
        return facts;
    }

    private static String need(Map<String, String> facts, String key) {
        String value = facts.get(key);
        if (value == null || value.isBlank()) {
            System.err.println("error: " + key + " is not set; export it (for the local cluster: "
                    + "env $(scripts/local-slurm.sh env) java ... QuickStart)");
            System.exit(2);
        }
        return value;
    }
}
