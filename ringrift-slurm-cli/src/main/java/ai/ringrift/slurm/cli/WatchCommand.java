package ai.ringrift.slurm.cli;

import ai.ringrift.slurm.backend.OutcomeKind;
import ai.ringrift.slurm.backend.SlurmBackend;
import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobStateEntry;
import ai.ringrift.slurm.rest.SlurmClient;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "watch", description = "A live table of job states with a progress line, until all are final.")
final class WatchCommand implements Callable<Integer> {

    @Mixin
    RingriftSlurm.Common common;

    @Parameters(arity = "0..*", description = "Slurm job ids (default: every job slurmctld has now)")
    List<Long> jobIds = new ArrayList<>();

    @Option(names = "--interval", defaultValue = "2s", converter = DurationConverter.class,
            description = "between rounds (default: ${DEFAULT-VALUE})")
    Duration interval;

    @Override
    public Integer call() throws Exception {
        try (SlurmBackend backend = common.backend()) {
            SlurmClient client = backend.client();
            List<Long> watched = new ArrayList<>(jobIds);
            if (watched.isEmpty()) {
                client.jobStates().stream().map(JobStateEntry::jobId).distinct().forEach(watched::add);
            }
            Map<String, String> finalStates = new LinkedHashMap<>();
            boolean anyFailed = false;
            while (true) {
                Map<String, String> states = new LinkedHashMap<>(finalStates);
                List<JobStateEntry> rows = client.jobStates(watched);  // one request per round
                int finals = 0;
                for (long id : watched) {
                    List<JobStateEntry> mine = rows.stream().filter(r -> r.jobId() == id).toList();
                    if (mine.isEmpty() && !finalStates.containsKey(String.valueOf(id))) {
                        // left slurmctld: its final state is in slurmdbd
                        Optional<JobInfo> done = client.accountingJobs(id).stream().filter(j -> j.jobId() == id).findFirst();
                        String state = done.map(j -> j.state().name() + " exit " + Jobs.exit(j)).orElse("UNKNOWN (not in slurmctld or slurmdbd)");
                        finalStates.put(String.valueOf(id), state);
                        states.put(String.valueOf(id), state);
                        anyFailed |= done.map(j -> OutcomeKind.of(j) != OutcomeKind.SUCCESS).orElse(true);
                    }
                    for (JobStateEntry r : mine) {
                        states.put(r.id(), String.join(",", r.stateNames()));
                    }
                }
                for (String id : states.keySet()) {
                    Optional<JobStateEntry> finalRow = rows.stream().filter(r -> r.id().equals(id) && r.isFinal()).findFirst();
                    if (finalStates.containsKey(id)) {
                        finals++; // its outcome was judged from its record when it left slurmctld
                    } else if (finalRow.isPresent()) { // a REQUEUE_HOLD job is not final either
                        finals++;
                        anyFailed |= OutcomeKind.of(finalRow.get()) != OutcomeKind.SUCCESS;
                    }
                }
                print(backend, states, finals);
                if (finals >= states.size()) {
                    return anyFailed ? RingriftSlurm.FAILED : RingriftSlurm.OK;
                }
                Thread.sleep(interval.toMillis());
            }
        }
    }

    private void print(SlurmBackend backend, Map<String, String> states, int finals) {
        if (common.json) {
            common.printJson(backend, Map.of("states", states, "final", finals, "total", states.size()));
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        states.forEach((id, s) -> rows.add(List.of(id, s)));
        common.out().print(RingriftSlurm.table(List.of("JOB", "STATE"), rows));
        int width = 30;
        int done = states.isEmpty() ? width : finals * width / states.size();
        common.out().printf("[%s%s] %d/%d final  %s%n%n", "#".repeat(done), ".".repeat(width - done), finals, states.size(),
                LocalTime.now().truncatedTo(ChronoUnit.SECONDS));
        common.out().flush();
    }
}
