package ai.ringrift.slurm.cli;

import ai.ringrift.slurm.backend.DeadlineExceededException;
import ai.ringrift.slurm.backend.TaskOutcome;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.SlurmRestClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Helpers shared by the job commands. */
final class Jobs {

    private Jobs() {}

    /** The job as slurmctld has it, else as slurmdbd recorded it. */
    static Optional<JobInfo> find(SlurmRestClient client, long id) {
        Optional<JobInfo> live = client.job(id);
        if (live.isPresent()) {
            return live;
        }
        return client.accountingJobs(id).stream().filter(j -> j.jobId() == id).findFirst();
    }

    /** Polls until the job is final (slurmctld, then slurmdbd); cancels it past the timeout (a smoke job). */
    static JobInfo awaitFinalOrCancel(SlurmRestClient client, long id, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Optional<JobInfo> info = find(client, id);
            if (info.isPresent() && info.get().isFinal()) {
                return info.get();
            }
            Thread.sleep(1000);
        }
        client.cancel(id);
        throw new DeadlineExceededException("job " + id, timeout, List.of(id), true);
    }

    /**
     * Where the job's output file should be, even when it was never created: slurmctld's record, else
     * the backend's naming in log_dir (NAME-ID.out, NAME-ARRAY_TASK.out) from slurmdbd's record.
     */
    static Optional<Path> expectedLogFile(SlurmSettings settings, SlurmRestClient client, long id) {
        Optional<JobInfo> job = find(client, id);
        if (job.isEmpty()) {
            return Optional.empty();
        }
        JobInfo j = job.get();
        if (!j.standardOutput().isEmpty()) {
            return Optional.of(Path.of(expand(j.standardOutput(), j)));
        }
        String suffix = j.arrayJobId() > 0 ? j.arrayJobId() + "_" + j.arrayTaskId() : String.valueOf(j.jobId());
        return Optional.of(settings.logDir().resolve(j.name() + "-" + suffix + ".out"));
    }

    private static String expand(String pattern, JobInfo j) {
        return pattern.replace("%j", String.valueOf(j.jobId())).replace("%A", String.valueOf(j.arrayJobId()))
                .replace("%a", String.valueOf(j.arrayTaskId())).replace("%x", j.name()).replace("%u", j.user());
    }

    /** The job's output file: from slurmctld's record, else the one in log_dir named after the id. */
    static Optional<Path> logFile(SlurmSettings settings, SlurmRestClient client, long id) throws IOException {
        Optional<JobInfo> live = client.job(id);
        if (live.isPresent() && !live.get().standardOutput().isEmpty()) {
            JobInfo j = live.get();
            Path p = Path.of(expand(j.standardOutput(), j));
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

    static List<String> tail(Path file, int lines) throws IOException {
        List<String> all = Files.readAllLines(file);
        return all.subList(Math.max(0, all.size() - lines), all.size());
    }

    /** The LOG column: the output file, marked when the job never created it. */
    static String logCell(TaskOutcome t) {
        return t.log() + (Files.exists(t.log()) ? "" : " (not created)");
    }

    static String exit(JobInfo j) {
        return j.exitCodeIfSet().isPresent() ? String.valueOf(j.exitCode()) : "-";
    }
}
