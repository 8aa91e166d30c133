package ai.ringrift.slurm.cli;

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

    /** Polls until the job is final (slurmctld, then slurmdbd); cancels it past the timeout. */
    static JobInfo awaitFinal(SlurmRestClient client, long id, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Optional<JobInfo> info = find(client, id);
            if (info.isPresent() && info.get().isFinal()) {
                return info.get();
            }
            Thread.sleep(1000);
        }
        client.cancel(id);
        throw new ai.ringrift.slurm.rest.SlurmUsageException("job " + id + " did not finish within " + timeout + "; cancelled it");
    }

    /** The job's output file: from slurmctld's record, else the one in log_dir named after the id. */
    static Optional<Path> logFile(SlurmSettings settings, SlurmRestClient client, long id) throws IOException {
        Optional<JobInfo> live = client.job(id);
        if (live.isPresent() && !live.get().standardOutput().isEmpty()) {
            JobInfo j = live.get();
            Path p = Path.of(j.standardOutput().replace("%j", String.valueOf(j.jobId()))
                    .replace("%A", String.valueOf(j.arrayJobId())).replace("%a", String.valueOf(j.arrayTaskId()))
                    .replace("%x", j.name()).replace("%u", j.user()));
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

    static String exit(JobInfo j) {
        return j.exitCodeIfSet().isPresent() ? String.valueOf(j.exitCode()) : "-";
    }
}
