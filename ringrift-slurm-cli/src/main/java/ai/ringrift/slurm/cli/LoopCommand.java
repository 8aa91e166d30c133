package ai.ringrift.slurm.cli;

import ai.ringrift.slurm.backend.JobHandle;
import ai.ringrift.slurm.backend.JobOutcome;
import ai.ringrift.slurm.backend.SlurmBackend;
import ai.ringrift.slurm.backend.TaskOutcome;
import ai.ringrift.slurm.backend.TaskSpec;
import ai.ringrift.slurm.backend.WorkType;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "loop", description = "One turn of the RingRift loop through the backend: preflight, a training job, "
        + "a self-play array and a tournament (those slurm.work_types moved to Slurm); then the outcomes and where the logs are.")
final class LoopCommand implements Callable<Integer> {

    @Mixin
    RingriftSlurm.Common common;

    @Option(names = "--selfplay-tasks", defaultValue = "8", description = "self-play array size (default: ${DEFAULT-VALUE})")
    int selfplayTasks;

    @Option(names = "--throttle", defaultValue = "2", description = "self-play tasks at once (default: ${DEFAULT-VALUE})")
    int throttle;

    @Option(names = "--timeout", defaultValue = "30m", converter = DurationConverter.class,
            description = "stop waiting for a stage after this long, leaving its jobs running (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--cancel-after", converter = DurationConverter.class,
            description = "cancel a stage's jobs if they have not ended after this long")
    Duration cancelAfter;

    @Option(names = "--probe-timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "how long preflight's probe job may wait to run (default: ${DEFAULT-VALUE})")
    Duration probeTimeout;

    @Option(names = "--demo-scripts", description = "install demo stand-ins for the canonical scripts where repo_dir has none")
    boolean demoScripts;

    @Override
    public Integer call() throws Exception {
        SlurmSettings s = common.settings();
        SlurmBackend backend = common.backend();
        try (Waiting waiting = new Waiting(backend, common.err(), timeout, cancelAfter)) {
            if (demoScripts) {
                installStandIns(s.repoDir(), backend);
            }
            common.out().println("== preflight");
            List<Preflight.Check> checks = Preflight.run(s, backend, probeTimeout);
            for (Preflight.Check c : checks) {
                common.out().printf("  %s  %s: %s%n", c.result(), c.name(), c.ok() && !c.warning() ? c.detail() : c.detail() + " -> fix: " + c.fix());
            }
            if (!checks.stream().allMatch(Preflight.Check::ok)) {
                common.err().println("ringrift-slurm: preflight failed; not starting the loop");
                return RingriftSlurm.FAILED;
            }
            for (WorkType type : s.moved()) {
                if (!Files.isReadable(s.repoDir().resolve(type.canonicalScript()))) {
                    common.err().println("ringrift-slurm: " + s.repoDir().resolve(type.canonicalScript()) + " is missing; "
                            + "point slurm.repo_dir at the RingRift checkout (or pass --demo-scripts to try the loop)");
                    return RingriftSlurm.USAGE;
                }
            }
            backend.syncModels();
            backend.syncData();

            // the stages slurm.work_types moved to Slurm; the rest stay on the loop's default backend
            if (!s.notMoved().isEmpty()) {
                common.out().println("== left to the default backend (not in slurm.work_types): "
                        + String.join(", ", s.notMoved().stream().map(WorkType::key).toList()));
            }
            List<JobOutcome> outcomes = new ArrayList<>();
            if (s.runsOnSlurm(WorkType.TRAINING)) {
                outcomes.add(stage(waiting, backend.runTraining(TaskSpec.builder().label("loop-train").addArguments("--epochs", "1").build())));
            }
            if (s.runsOnSlurm(WorkType.SELFPLAY)) {
                outcomes.add(stage(waiting, backend.runSelfplay(TaskSpec.builder().label("loop-selfplay").tasks(selfplayTasks)
                        .throttle(throttle).addArguments("--games", "4").build())));
            }
            if (s.runsOnSlurm(WorkType.TOURNAMENT)) {
                outcomes.add(stage(waiting, backend.runTournament(TaskSpec.builder().label("loop-tournament").addArguments("--games", "10").build())));
            }

            common.out().println("== outcomes");
            List<List<String>> rows = new ArrayList<>();
            for (JobOutcome o : outcomes) {
                for (TaskOutcome t : o.tasks()) {
                    rows.add(List.of(o.type().key(), t.slurmId(), t.kind().name(), t.exitCode() >= 0 ? String.valueOf(t.exitCode()) : "-",
                            Jobs.logCell(t)));
                }
            }
            common.out().print(RingriftSlurm.table(List.of("WORK", "SLURM ID", "OUTCOME", "EXIT", "LOG"), rows));
            common.out().println("logs: " + s.logDir() + "   job scripts: " + s.jobDir());
            boolean ok = outcomes.stream().allMatch(JobOutcome::isSuccess);
            if (!ok) {
                outcomes.stream().filter(o -> !o.isSuccess()).forEach(o -> common.err().println("ringrift-slurm: " + o.summary()));
            }
            return ok ? RingriftSlurm.OK : RingriftSlurm.FAILED;
        }
    }

    private JobOutcome stage(Waiting waiting, JobHandle handle) throws InterruptedException {
        common.out().printf("== %s: Slurm job(s) %s, %d task(s)%n", handle.name(), handle.jobIds(), handle.tasks());
        common.out().flush();
        JobOutcome outcome = waiting.await(handle);
        common.out().println("   " + outcome.summary());
        return outcome;
    }

    private void installStandIns(Path repo, SlurmBackend backend) throws Exception {
        for (WorkType type : WorkType.values()) {
            Path script = repo.resolve(type.canonicalScript());
            if (Files.exists(script)) {
                continue;
            }
            backend.jobUserAccess().create(script.getParent(), "slurm.repo_dir");
            try (InputStream in = LoopCommand.class.getResourceAsStream("stand-in.py")) {
                Files.write(script, in.readAllBytes());
            }
            common.out().println("   installed a demo stand-in at " + script);
        }
    }
}
