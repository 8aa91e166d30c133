package ai.ringrift.slurm.cli;

import ai.ringrift.slurm.backend.SlurmBackend;
import ai.ringrift.slurm.rest.JobInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;

@Command(name = "status", description = "Show jobs' states, exit codes and reasons (slurmctld, else slurmdbd).")
final class StatusCommand extends JobIdsCommand {

    @Override
    int run(SlurmBackend backend) {
        List<JobInfo> found = new ArrayList<>();
        List<Long> missing = new ArrayList<>();
        for (long id : jobIds) {
            Optional<JobInfo> info = Jobs.find(backend.client(), id);
            info.ifPresentOrElse(found::add, () -> missing.add(id));
        }
        if (common.json) {
            common.printJson(backend, java.util.Map.of("jobs", found, "unknown", missing));
        } else {
            List<List<String>> rows = new ArrayList<>();
            for (JobInfo j : found) {
                rows.add(List.of(String.valueOf(j.jobId()), j.name(), j.state().name(), Jobs.exit(j), j.stateReason(),
                        j.partition(), j.source().name().toLowerCase()));
            }
            common.out().print(RingriftSlurm.table(List.of("JOB", "NAME", "STATE", "EXIT", "REASON", "PARTITION", "FROM"), rows));
        }
        if (!missing.isEmpty()) {
            common.err().println("ringrift-slurm: no such job(s) in slurmctld or slurmdbd: " + missing);
            return RingriftSlurm.FAILED;
        }
        return RingriftSlurm.OK;
    }
}
