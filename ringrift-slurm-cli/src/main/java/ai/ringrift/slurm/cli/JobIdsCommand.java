package ai.ringrift.slurm.cli;

import ai.ringrift.slurm.backend.SlurmBackend;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** A command about the jobs named on its command line: the common options, the ids, one backend for the call. */
abstract class JobIdsCommand implements Callable<Integer> {

    @Mixin
    RingriftSlurm.Common common;

    @Parameters(arity = "1..*", description = "Slurm job ids")
    List<Long> jobIds;

    @Override
    public final Integer call() {
        try (SlurmBackend backend = common.backend()) {
            return run(backend);
        }
    }

    /** The command's work with the backend, closed after it; returns the exit code. */
    abstract int run(SlurmBackend backend);
}
