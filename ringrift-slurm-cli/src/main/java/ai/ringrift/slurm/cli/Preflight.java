package ai.ringrift.slurm.cli;

import ai.ringrift.slurm.backend.SharedPathsProbe;
import ai.ringrift.slurm.backend.SlurmBackend;
import ai.ringrift.slurm.backend.WorkType;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.backend.config.WorkTypeSettings;
import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.rest.Association;
import ai.ringrift.slurm.rest.NodeInfo;
import ai.ringrift.slurm.rest.PartitionInfo;
import ai.ringrift.slurm.rest.ServerInfo;
import ai.ringrift.slurm.rest.SlurmAuthenticationException;
import ai.ringrift.slurm.rest.SlurmException;
import ai.ringrift.slurm.rest.SlurmVersionException;
import ai.ringrift.slurm.rest.SlurmClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The preflight checks: each passes or fails with what to fix. */
final class Preflight {

    record Check(String name, boolean ok, String detail, String fix) {}

    static final String TOKEN_FIX = "give a token slurmrestd accepts: check slurm.rest.jwt_key_file (the cluster's "
            + "jwt_hs256.key) and slurm.rest.user, token_file, or SLURM_JWT (scontrol token username=USER); an expired "
            + "token must be renewed";

    private Preflight() {}

    /** Runs every check; the probe job that checks the shared paths as the job user waits up to {@code probeTimeout}. */
    static List<Check> run(SlurmSettings s, SlurmBackend backend, Duration probeTimeout) throws InterruptedException {
        SlurmClient client = backend.client();
        List<Check> checks = new ArrayList<>();
        ServerInfo info;
        try {
            info = client.ping();
            checks.add(new Check("slurmrestd reachable", true, client.baseUrl() + ", Slurm " + info.slurmRelease()
                    + ", cluster " + info.cluster(), ""));
            checks.add(new Check("API version", true, client.apiVersion() + " (data parser " + info.dataParser()
                    + "; this client speaks " + ApiVersion.supported() + ")", ""));
            checks.add(new Check("slurmctld up", info.controllerUp(), info.controllerUp() ? "pinged UP" : "pinged DOWN",
                    "start slurmctld, or check that slurmrestd can reach it"));
        } catch (SlurmVersionException e) {
            checks.add(new Check("slurmrestd reachable", true, client.baseUrl().toString(), ""));
            checks.add(new Check("API version", false, e.getMessage(), e.fix()));
            return checks;
        } catch (SlurmAuthenticationException e) {
            checks.add(new Check("slurmrestd reachable", true, client.baseUrl().toString(), ""));
            checks.add(new Check("token accepted", false, e.getMessage(), TOKEN_FIX));
            return checks;
        } catch (SlurmException e) {
            checks.add(new Check("slurmrestd reachable", false, e.getMessage(),
                    "start slurmrestd (scripts/local-slurm.sh up locally) or fix slurm.rest.url / SLURM_REST_URL"));
            return checks;
        }

        List<PartitionInfo> partitions;
        try {
            partitions = client.partitions();
            String expiry = client.tokenExpiry().map(t -> "expires " + t + " (in "
                    + Duration.between(Instant.now(), t).toMinutes() + " min)").orElse("expiry unknown");
            checks.add(new Check("token accepted", true, client.tokenSourceDescription() + ", " + expiry, ""));
        } catch (SlurmAuthenticationException e) {
            checks.add(new Check("token accepted", false, e.getMessage(), TOKEN_FIX));
            return checks;
        } catch (SlurmException e) {
            checks.add(new Check("partitions listed", false, e.getMessage(), "check slurmctld and slurmrestd's logs"));
            return checks;
        }

        Set<String> configured = new LinkedHashSet<>();
        for (WorkType type : s.moved()) { // only what slurm.work_types moved to Slurm
            configured.add(s.of(type).partition());
        }
        for (String name : configured) {
            PartitionInfo p = partitions.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
            if (p == null) {
                checks.add(new Check("partition " + name, false, "not on the cluster", "use one of "
                        + partitions.stream().map(PartitionInfo::name).toList() + " in slurm.partition_*"));
            } else {
                checks.add(new Check("partition " + name, p.up(), String.join(",", p.states()) + ", nodes " + p.nodes(),
                        "ask the admins to bring it up (scontrol update partition=" + name + " state=up)"));
            }
        }

        String user = s.rest().user();
        if (user != null) {
            try {
                List<Association> assocs = client.associations(user);
                String account = s.account();
                boolean accountOk = account == null ? !assocs.isEmpty() : assocs.stream().anyMatch(a -> a.account().equals(account));
                checks.add(new Check("account " + (account == null ? "(default)" : account), accountOk,
                        "associations of " + user + ": " + assocs.stream().map(Association::account).distinct().toList(),
                        "use an account " + user + " is associated with (sacctmgr add user " + user + " account=...)"));
                if (s.qos() != null) {
                    boolean qosOk = assocs.stream().filter(a -> account == null || a.account().equals(account))
                            .anyMatch(a -> a.allowsQos(s.qos()));
                    checks.add(new Check("qos " + s.qos(), qosOk, "allowed: " + assocs.stream()
                            .flatMap(a -> a.qos().stream()).distinct().toList(), "use an allowed qos or ask for it to be added"));
                }
            } catch (SlurmException e) {
                checks.add(new Check("account and qos", false, e.getMessage(), "check slurmdbd and the user's associations"));
            }
        }

        try {
            List<NodeInfo> nodes = client.nodes();
            for (WorkType type : s.moved()) {
                WorkTypeSettings w = s.of(type);
                if (w.gpus() == 0) {
                    continue;
                }
                int most = nodes.stream().filter(n -> n.partitions().contains(w.partition()) && n.isUsable())
                        .mapToInt(NodeInfo::gpus).max().orElse(0);
                checks.add(new Check("GPUs for " + type.key(), most >= w.gpus(), w.gpus() + " asked, up to " + most
                        + " per usable node in " + w.partition(), "lower gpus_" + type.key() + " or use a partition with GPU nodes"));
            }
        } catch (SlurmException e) {
            checks.add(new Check("nodes", false, e.getMessage(), "check slurmctld"));
        }

        // the service writes the job scripts; the jobs (as the job user) write their logs and read the rest
        checks.add(writable("job_dir writable by this service", s.jobDir(), backend));
        if (checks.stream().allMatch(Check::ok)) {
            checks.addAll(asJobUser(backend, probeTimeout));
        } else {
            checks.add(new Check("shared paths as the job user", false, "not probed: fix the checks above first", "see above"));
        }
        return checks;
    }

    private static List<Check> asJobUser(SlurmBackend backend, Duration timeout) throws InterruptedException {
        List<Check> checks = new ArrayList<>();
        SharedPathsProbe.Report report;
        try {
            report = backend.probeSharedPaths(timeout);
        } catch (SlurmException e) {
            checks.add(new Check("probe job as the job user", false, e.getMessage(),
                    "the training partition must accept a 1-CPU, 1-minute job of 64 MB (512 MB with a container image to start) of the configured account and qos"));
            return checks;
        }
        checks.add(new Check("probe job as the job user", true, report.note(), ""));
        for (SharedPathsProbe.PathCheck c : report.checks()) {
            checks.add(new Check(c.name(), c.ok(), c.detail(), c.fix()));
        }
        return checks;
    }

    private static Check writable(String what, Path dir, SlurmBackend backend) {
        try {
            backend.jobUserAccess().create(dir, what);
            Path probe = Files.createTempFile(dir, ".preflight-", ".probe");
            Files.delete(probe);
            return new Check(what, true, dir.toString(), "");
        } catch (IOException e) {
            return new Check(what, false, dir + ": " + e.getMessage(),
                    "create it on the shared filesystem and make it writable for this service");
        } catch (SlurmException e) {
            return new Check(what, false, e.getMessage(), "create it on the shared filesystem, writable for this service");
        }
    }

}
