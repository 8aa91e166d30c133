package ai.ringrift.slurm.cli;

import ai.ringrift.slurm.backend.JobHandle;
import ai.ringrift.slurm.backend.JobOutcome;
import ai.ringrift.slurm.backend.SlurmBackend;
import ai.ringrift.slurm.backend.TaskOutcome;
import ai.ringrift.slurm.backend.TaskSpec;
import ai.ringrift.slurm.backend.WorkType;
import ai.ringrift.slurm.backend.config.SlurmUnits;
import ai.ringrift.slurm.rest.SlurmUsageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "submit", description = "Submit training, selfplay or tournament work; with --wait, wait and report.")
final class SubmitCommand implements Callable<Integer> {

    @Mixin
    RingriftSlurm.Common common;

    @Parameters(index = "0", description = "training, selfplay or tournament")
    String type;

    @Parameters(index = "1..*", arity = "0..*", description = "arguments for the canonical script (after --)")
    List<String> arguments = new ArrayList<>();

    @Option(names = "--set", description = "label, tasks, throttle, gpus (per node), nodes (training only), cpus, "
            + "mem (e.g. 16G), time (HH:MM:SS), partition, account, qos, requeue; repeatable: --set gpus=2 --set time=01:00:00")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--wait", description = "wait for the outcome; exit 1 if it failed")
    boolean await;

    @Option(names = "--timeout", converter = DurationConverter.class, description = "with --wait: stop waiting after "
            + "this long and leave the job running (exit 1, with the command to watch it); default: wait until it ends")
    Duration timeout;

    @Option(names = "--cancel-after", converter = DurationConverter.class, description = "with --wait: cancel the job "
            + "if it has not ended after this long (exit 1)")
    Duration cancelAfter;

    @Override
    public Integer call() throws Exception {
        WorkType work = switch (type.toLowerCase()) {
            case "training" -> WorkType.TRAINING;
            case "selfplay" -> WorkType.SELFPLAY;
            case "tournament" -> WorkType.TOURNAMENT;
            default -> throw new SlurmUsageException("'" + type + "' is not training, selfplay or tournament");
        };
        if (!await && (timeout != null || cancelAfter != null)) {
            throw new SlurmUsageException("--timeout and --cancel-after need --wait");
        }
        TaskSpec task = task(overrides, arguments);
        SlurmBackend backend = common.backend();
        try (Waiting waiting = new Waiting(backend, common.err(), timeout, cancelAfter)) {
            JobHandle handle = waiting.follow(switch (work) {
                case TRAINING -> backend.runTraining(task);
                case SELFPLAY -> backend.runSelfplay(task);
                case TOURNAMENT -> backend.runTournament(task);
            });
            if (!await) {
                if (common.json) {
                    common.printJson(backend, Map.of("name", handle.name(), "jobIds", handle.jobIds(), "tasks", handle.tasks()));
                } else {
                    common.out().println("submitted " + handle.name() + " as Slurm job(s) " + handle.jobIds());
                }
                return RingriftSlurm.OK;
            }
            common.err().println("submitted " + handle.name() + " as Slurm job(s) " + handle.jobIds() + "; waiting");
            common.err().flush();
            JobOutcome outcome = waiting.await(handle);
            print(backend, outcome);
            if (!outcome.isSuccess()) {
                common.err().println("ringrift-slurm: " + outcome.summary());
                return RingriftSlurm.FAILED;
            }
            return RingriftSlurm.OK;
        }
    }

    private void print(SlurmBackend backend, JobOutcome outcome) {
        if (common.json) {
            common.printJson(backend, outcome);
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (TaskOutcome t : outcome.tasks()) {
            rows.add(List.of(String.valueOf(t.taskIndex()), t.slurmId(), t.kind().name(),
                    t.exitCode() >= 0 ? String.valueOf(t.exitCode()) : "-", Jobs.logCell(t)));
        }
        common.out().print(RingriftSlurm.table(List.of("TASK", "SLURM ID", "OUTCOME", "EXIT", "LOG"), rows));
        for (TaskOutcome t : outcome.failures()) {
            common.out().println("--- " + t.summary() + ", last lines of " + t.log() + ":");
            t.logTail().forEach(common.out()::println);
        }
        common.out().println(outcome.summary());
    }

    static TaskSpec task(Map<String, String> overrides, List<String> arguments) {
        TaskSpec.Builder b = TaskSpec.builder().arguments(arguments);
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String v = e.getValue();
            try {
                switch (e.getKey()) {
                    case "label" -> b.label(v);
                    case "tasks" -> b.tasks(Integer.parseInt(v));
                    case "throttle" -> b.throttle(Integer.parseInt(v));
                    case "gpus" -> b.gpus(Integer.parseInt(v));
                    case "nodes" -> b.nodes(Integer.parseInt(v));
                    case "cpus" -> b.cpus(Integer.parseInt(v));
                    case "mem" -> b.memoryMb(SlurmUnits.memoryMb(v));
                    case "time" -> b.timeLimit(SlurmUnits.time(v));
                    case "partition" -> b.partition(v);
                    case "account" -> b.account(v);
                    case "qos" -> b.qos(v);
                    case "requeue" -> b.requeue(Boolean.parseBoolean(v));
                    default -> throw new SlurmUsageException("--set " + e.getKey() + ": unknown key; use label, tasks, "
                            + "throttle, gpus, nodes, cpus, mem, time, partition, account, qos or requeue");
                }
            } catch (NumberFormatException nfe) {
                throw new SlurmUsageException("--set " + e.getKey() + "=" + v + ": not a whole number");
            } catch (IllegalArgumentException bad) {
                throw new SlurmUsageException("--set " + e.getKey() + "=" + v + ": " + bad.getMessage());
            }
        }
        return b.build();
    }
}
