package ai.ringrift.slurm.cli;

import ai.ringrift.slurm.backend.WorkType;
import ai.ringrift.slurm.backend.config.ContainerRuntime;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.backend.config.WorkTypeSettings;
import ai.ringrift.slurm.rest.Association;
import ai.ringrift.slurm.rest.NodeInfo;
import ai.ringrift.slurm.rest.PartitionInfo;
import ai.ringrift.slurm.rest.ServerInfo;
import ai.ringrift.slurm.rest.SlurmException;
import ai.ringrift.slurm.rest.SlurmRestClient;
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

    private Preflight() {}

    static List<Check> run(SlurmSettings s, SlurmRestClient client) {
        List<Check> checks = new ArrayList<>();
        ServerInfo info;
        try {
            info = client.ping();
            checks.add(new Check("slurmrestd reachable", true, client.baseUrl() + ", Slurm " + info.slurmRelease()
                    + ", cluster " + info.cluster(), ""));
            checks.add(new Check("v0.0.40 served", true, info.dataParser(), ""));
            checks.add(new Check("slurmctld up", info.controllerUp(), info.controllerUp() ? "pinged UP" : "pinged DOWN",
                    "start slurmctld, or check that slurmrestd can reach it"));
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
        } catch (SlurmException e) {
            checks.add(new Check("token accepted", false, e.getMessage(),
                    "give a valid token: slurm.rest.jwt_key_file, token_file or SLURM_JWT"));
            return checks;
        }

        Set<String> configured = new LinkedHashSet<>();
        for (WorkType type : WorkType.values()) {
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
            for (WorkType type : WorkType.values()) {
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

        checks.add(writable("shared root", s.sharedRoot()));
        checks.add(writable("job_dir", s.jobDir()));
        checks.add(writable("log_dir", s.logDir()));
        if (s.containerRuntime() == ContainerRuntime.NONE) {
            optionalFile(checks, "venv (x86_64)", s.venvActivate());
            optionalFile(checks, "venv (arm64)", s.venvActivateArm64());
        } else if (s.containerRuntime() != ContainerRuntime.PYXIS) {
            optionalFile(checks, "image (x86_64)", s.containerImageX8664());
            optionalFile(checks, "image (arm64)", s.containerImageArm64());
        }
        return checks;
    }

    private static Check writable(String what, Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".preflight-", ".probe");
            Files.delete(probe);
            return new Check(what, true, dir.toString(), "");
        } catch (IOException e) {
            return new Check(what, false, dir + ": " + e.getMessage(),
                    "create it on the shared filesystem and make it writable for the service and the job user");
        }
    }

    private static void optionalFile(List<Check> checks, String what, String path) {
        if (path == null) {
            return;
        }
        boolean ok = Files.isReadable(Path.of(path));
        checks.add(new Check(what, ok, path, "create it, or fix the path in unified_loop.yaml"));
    }
}
