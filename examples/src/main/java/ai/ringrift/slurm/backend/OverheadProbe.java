package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.rest.BenchAccess;
import ai.ringrift.slurm.rest.JobSubmission;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What the JMH benchmark measures, reaching package-private parts of the SDK. Benchmark use only. */
public final class OverheadProbe {

    private final byte[] jobsAnswer;
    private final JobSubmission submission;
    private final SlurmSettings settings;

    private OverheadProbe(byte[] jobsAnswer, JobSubmission submission, SlurmSettings settings) {
        this.jobsAnswer = jobsAnswer;
        this.submission = submission;
        this.settings = settings;
    }

    public static OverheadProbe create(int jobs) throws Exception {
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
                """);
        SlurmSettings settings = ConfigLoader.load(yaml, k -> null).slurm();
        JobSubmission submission = JobSubmission.builder().name("rr-training-gen7").script("#!/bin/bash\ntrue\n")
                .partition("gpu-train").account("ringrift").gpusPerNode(1).cpusPerTask(16).memoryPerNodeMb(65536)
                .timeLimit(Duration.ofHours(8)).workingDirectory("/shared").standardOutput("/shared/logs/%j.out")
                .putEnvironment("PATH", "/usr/bin:/bin").putEnvironment("RINGRIFT_WORK_TYPE", "training").build();
        return new OverheadProbe(BenchAccess.recordedJobsAnswer(jobs), submission, settings);
    }

    public int jobsInAnswer() throws Exception {
        return parseJobs();
    }

    public int parseJobs() throws Exception {
        return BenchAccess.parseJobs(jobsAnswer);
    }

    public byte[] serializeJob() throws Exception {
        return BenchAccess.serialize(submission);
    }

    public String renderScript() {
        return WrapperScript.render(settings, WorkType.TRAINING, "rr-training-gen7",
                List.of("--board", "square8", "--generation", "7", "--name", "it's gen 7"));
    }
}
