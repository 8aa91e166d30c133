package ai.ringrift.slurm.cli;

import ai.ringrift.slurm.backend.SlurmBackend;
import picocli.CommandLine.Command;

@Command(name = "cancel", description = "Cancel jobs (one request for all of them).")
final class CancelCommand extends JobIdsCommand {

    @Override
    int run(SlurmBackend backend) {
        backend.client().cancel(jobIds);
        if (common.json) {
            common.printJson(backend, java.util.Map.of("cancelled", jobIds));
        } else {
            common.out().println("cancel requested for " + jobIds);
        }
        return RingriftSlurm.OK;
    }
}
