package ai.ringrift.slurm.cli;

import ai.ringrift.slurm.backend.SlurmBackend;
import ai.ringrift.slurm.backend.WorkerPool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "workers", description = "Idle CPUs and GPUs per partition (down or drained nodes left out).")
final class WorkersCommand implements Callable<Integer> {

    @Mixin
    RingriftSlurm.Common common;

    @Override
    public Integer call() {
        try (SlurmBackend backend = common.backend()) {
            List<WorkerPool> pools = backend.getAvailableWorkers();
            if (common.json) {
                common.printJson(backend, java.util.Map.of("workers", pools));
            } else {
                List<List<String>> rows = new ArrayList<>();
                for (WorkerPool p : pools) {
                    rows.add(List.of(p.partition(), String.valueOf(p.usableNodes()), String.valueOf(p.idleCpus()),
                            String.valueOf(p.idleGpus()), p.freeMemoryMb() + " MB"));
                }
                common.out().print(RingriftSlurm.table(List.of("PARTITION", "NODES", "IDLE CPUS", "IDLE GPUS", "FREE MEMORY"), rows));
            }
            return RingriftSlurm.OK;
        }
    }
}
