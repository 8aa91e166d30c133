package ai.ringrift.slurm.cli;

import ai.ringrift.slurm.rest.JobFiles;
import ai.ringrift.slurm.backend.SlurmBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "logs", description = "Print the end of a job's output file (from the shared filesystem).")
final class LogsCommand implements Callable<Integer> {

    @Mixin
    RingriftSlurm.Common common;

    @Parameters(index = "0", description = "Slurm job id")
    long jobId;

    @Option(names = "--tail", defaultValue = "50", description = "lines (default: ${DEFAULT-VALUE})")
    int tail;

    @Override
    public Integer call() throws Exception {
        try (SlurmBackend backend = common.backend()) {
            Optional<Path> file = Jobs.logFile(common.settings(), backend.client(), jobId);
            if (file.isEmpty()) {
                Optional<Path> expected = Jobs.expectedLogFile(common.settings(), backend.client(), jobId);
                String why = expected.flatMap(p -> backend.jobUserAccess().explainMissingOutput(p))
                        .orElse(expected.map(p -> "no output file " + p).orElse("no output file found (slurmctld's record, or "
                                + common.settings().logDir() + ")"));
                common.err().println("ringrift-slurm: job " + jobId + ": " + why);
                return RingriftSlurm.FAILED;
            }
            List<String> lines = JobFiles.tail(file.get(), tail);
            if (common.json) {
                common.printJson(backend, java.util.Map.of("job", jobId, "file", file.get().toString(), "lines", lines));
            } else {
                common.out().println("==> " + file.get() + " <==");
                lines.forEach(common.out()::println);
            }
            return RingriftSlurm.OK;
        }
    }
}
