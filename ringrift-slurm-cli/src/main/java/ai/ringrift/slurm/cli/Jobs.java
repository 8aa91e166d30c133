package ai.ringrift.slurm.cli;

import ai.ringrift.slurm.rest.JobWaitTimeoutException;
import ai.ringrift.slurm.backend.TaskOutcome;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.rest.JobFiles;
import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobWaiter;
import ai.ringrift.slurm.rest.SlurmClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Helpers shared by the job commands. */
final class Jobs {

    private Jobs() {}

    /** The job as slurmctld has it, else as slurmdbd recorded it. */
    static Optional<JobInfo> find(SlurmClient client, long id) {
        Optional<JobInfo> live = client.job(id);
        if (live.isPresent()) {
            return live;
        }
        return client.accountingJobs(id).stream().filter(j -> j.jobId() == id).findFirst();
    }

    /** Waits for the job to be final (the SDK's waiter); cancels it past the timeout (a smoke job). */
    static JobInfo awaitFinalOrCancel(SlurmClient client, long id, Duration timeout) throws InterruptedException {
        try {
            return JobWaiter.builder(client).minInterval(Duration.ofSeconds(1)).maxInterval(Duration.ofSeconds(5)).build()
                    .await(id, timeout);
        } catch (JobWaitTimeoutException e) {
            client.cancel(id);
            throw new JobWaitTimeoutException("job " + id, timeout, List.of(id), true);
        }
    }

    /**
     * Where the job's output file should be, even when it was never created: slurmctld's record, else
     * the backend's naming in log_dir (NAME-ID.out, NAME-ARRAY_TASK.out) from slurmdbd's record.
     */
    static Optional<Path> expectedLogFile(SlurmSettings settings, SlurmClient client, long id) {
        Optional<JobInfo> job = find(client, id);
        if (job.isEmpty()) {
            return Optional.empty();
        }
        JobInfo j = job.get();
        if (!j.standardOutput().isEmpty()) {
            return Optional.of(Path.of(JobFiles.expand(j.standardOutput(), j)));
        }
        String suffix = j.arrayJobId() > 0 ? j.arrayJobId() + "_" + j.arrayTaskId() : String.valueOf(j.jobId());
        return Optional.of(settings.logDir().resolve(j.name() + "-" + suffix + ".out"));
    }

    /** The job's output file: from slurmctld's record, else the one in log_dir named after the id. */
    static Optional<Path> logFile(SlurmSettings settings, SlurmClient client, long id) throws IOException {
        Optional<JobInfo> live = client.job(id);
        if (live.isPresent() && !live.get().standardOutput().isEmpty()) {
            JobInfo j = live.get();
            Path p = Path.of(JobFiles.expand(j.standardOutput(), j));
            if (Files.isReadable(p)) {
                return Optional.of(p);
            }
        }
        if (!Files.isDirectory(settings.logDir())) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(settings.logDir())) {
            String plain = "-" + id + ".out";
            String task = "-" + id + "_";
            return files.filter(f -> f.getFileName().toString().endsWith(plain) || f.getFileName().toString().contains(task))
                    .sorted().findFirst();
        }
    }

    /** The LOG column: the output file, marked when the job never created it. */
    static String logCell(TaskOutcome t) {
        return t.log() + (Files.exists(t.log()) ? "" : " (not created)");
    }

    static String exit(JobInfo j) {
        return j.exitCode() == JobInfo.NONE ? "-" : String.valueOf(j.exitCode());
    }
}
