package ai.ringrift.slurm.cli;

import ai.ringrift.slurm.backend.SlurmBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "preflight", description = "Check the cluster, the token, partitions, account, GPUs and directories.")
final class PreflightCommand implements Callable<Integer> {

    @Mixin
    RingriftSlurm.Common common;

    @Option(names = "--probe-timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "how long the probe job that checks the shared paths as the job user may wait to run "
                    + "(default: ${DEFAULT-VALUE}); past it, owner and mode are judged from here")
    Duration probeTimeout;

    @Override
    public Integer call() throws InterruptedException {
        try (SlurmBackend backend = common.backend()) {
            List<Preflight.Check> checks = Preflight.run(common.settings(), backend, probeTimeout);
            boolean ok = checks.stream().allMatch(Preflight.Check::ok);
            if (common.json) {
                common.printJson(backend, java.util.Map.of("ok", ok, "checks", checks));
            } else {
                List<List<String>> rows = new ArrayList<>();
                for (Preflight.Check c : checks) {
                    rows.add(List.of(c.result(), c.name(), c.detail() + (c.ok() && !c.warning() ? "" : "  -> fix: " + c.fix())));
                }
                common.out().print(RingriftSlurm.table(List.of("RESULT", "CHECK", "DETAIL"), rows));
                common.out().println(ok ? "preflight passed" : "preflight FAILED");
            }
            if (!ok) {
                common.err().println("ringrift-slurm: preflight failed: " + checks.stream().filter(c -> !c.ok())
                        .map(Preflight.Check::name).toList());
            }
            return ok ? RingriftSlurm.OK : RingriftSlurm.FAILED;
        }
    }
}
