package ai.ringrift.slurm.cli;

import ai.ringrift.slurm.backend.SlurmBackend;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "cancel", description = "Cancel jobs (one request for all of them).")
final class CancelCommand implements Callable<Integer> {

    @Mixin
    RingriftSlurm.Common common;

    @Parameters(arity = "1..*", description = "Slurm job ids")
    List<Long> jobIds;

    @Override
    public Integer call() {
        try (SlurmBackend backend = common.backend()) {
            backend.client().cancel(jobIds);
            if (common.json) {
                common.printJson(backend, java.util.Map.of("cancelled", jobIds));
            } else {
                common.out().println("cancel requested for " + jobIds);
            }
            return RingriftSlurm.OK;
        }
    }
}
