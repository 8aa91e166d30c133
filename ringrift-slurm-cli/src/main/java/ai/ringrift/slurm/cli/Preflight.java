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
import ai.ringrift.slurm.rest.RetryPolicy;
import ai.ringrift.slurm.rest.SlurmServiceException;
import ai.ringrift.slurm.rest.SlurmUnreachableException;
import ai.ringrift.slurm.rest.TokenSource;
import ai.ringrift.slurm.rest.SlurmUsageException;
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

    /** One check; a warning passes, and is shown WARN with its fix. */
    record Check(String name, boolean ok, String detail, String fix, boolean warning) {
        Check(String name, boolean ok, String detail, String fix) {
            this(name, ok, detail, fix, false);
        }

        String result() {
            return !ok ? "FAIL" : warning ? "WARN" : "PASS";
        }
    }

    static final String KEY_WARNING = "this key signs tokens for every user, root included; use rest.oidc or a token "
            + "file issued for this user (scontrol token username=USER lifespan=...)";

    static final String TOKEN_FIX = "give a token slurmrestd accepts: check slurm.rest.jwt_key_file (the cluster's "
            + "jwt_hs256.key) and slurm.rest.user, token_file, or SLURM_JWT (scontrol token username=USER); an expired "
            + "token must be renewed";

    private Preflight() {}

    /** Runs every check; the probe job that checks the shared paths as the job user waits up to {@code probeTimeout}. */
    static List<Check> run(SlurmSettings s, SlurmBackend backend, Duration probeTimeout) throws InterruptedException {
        SlurmClient client = backend.client();
        List<Check> checks = new ArrayList<>();
        boolean oidc = s.rest().oidc() != null;
        if (s.rest().jwtKeyFile() != null) {
            checks.add(new Check("token source", true, "tokens minted for " + s.rest().user() + " from the HS256 key "
                    + s.rest().jwtKeyFile(), KEY_WARNING.replace("USER", String.valueOf(s.rest().user())), true));
        }
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
            checks.add(new Check("token accepted", false, e.getMessage(), oidc ? oidcRefusalFix(client.tokenSourceDescription()) : TOKEN_FIX));
            return checks;
        } catch (SlurmUsageException | SlurmUnreachableException e) {
            if (!oidc || !fromTheProvider(e)) {
                checks.add(new Check("slurmrestd reachable", false, e.getMessage(),
                        "start slurmrestd (scripts/local-slurm.sh up locally) or fix slurm.rest.url / SLURM_REST_URL"));
                return checks;
            }
            // the token never left this machine: the provider refused the client, or its token failed the checks
            checks.add(new Check("token from the OIDC provider", false, e.getMessage(), oidcFix(e.getMessage())));
            return checks;
        } catch (SlurmException e) {
            Check refused = oidc ? tokenRefusedBySlurmctld(s, client) : null;
            if (refused != null) {
                checks.add(new Check("slurmrestd reachable", true, client.baseUrl().toString(), ""));
                checks.add(refused);
                return checks;
            }
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
            checks.add(new Check("token accepted", false, e.getMessage(), oidc ? oidcRefusalFix(client.tokenSourceDescription()) : TOKEN_FIX));
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

    /**
     * Slurm 26.05 answers a token slurmdbd refuses with no more than "Failed to open slurmdbd
     * connection" (HTTP 502, error 7000), as if slurmdbd were down, and the version check asks slurmdbd
     * first. Asks slurmctld the same token, without the version check: a refusal there (HTTP 511) is the
     * token's fault. Null when slurmctld takes the token or cannot be asked.
     */
    private static Check tokenRefusedBySlurmctld(SlurmSettings s, SlurmClient client) {
        List<ApiVersion> versions = new ArrayList<>(s.rest().apiVersion() != null ? List.of(s.rest().apiVersion())
                : ApiVersion.supported());
        java.util.Collections.reverse(versions); // newest first
        TokenSource tokens;
        try {
            tokens = SlurmBackend.tokenSource(s.rest());
        } catch (SlurmException e) {
            return null;
        }
        for (ApiVersion version : versions) {
            SlurmClient.Builder b = SlurmClient.builder().baseUrl(client.baseUrl().toString()).tokenSource(tokens)
                    .checkVersion(false).apiVersion(version).retryPolicy(RetryPolicy.none());
            if (s.rest().caFile() != null) {
                b.trustedCaFile(s.rest().caFile());
            }
            try (SlurmClient probe = b.build()) {
                probe.partitions();
                return null; // slurmctld takes it: the failure was not the token's
            } catch (SlurmAuthenticationException e) {
                return new Check("token accepted", false, e.getMessage() + " (slurmdbd's endpoints said only "
                        + "\"Failed to open slurmdbd connection\"; slurmctld refused the same token)", oidcRefusalFix(tokens.describe()));
            } catch (SlurmServiceException e) {
                if (e.httpStatus().orElse(0) != 404) {
                    return null;
                }
                // this version is not served here: try the next
            } catch (SlurmException e) {
                return null;
            }
        }
        return null;
    }

    private static boolean fromTheProvider(SlurmException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("OIDC") || m.contains("discovery document");
    }

    /** Which of issuer, audience, user claim or key is wrong, as far as the token and the provider's answer show. */
    static String oidcFix(String message) {
        List<String> fixes = new ArrayList<>();
        if (message.contains("its issuer is")) {
            fixes.add("issuer: slurm.rest.oidc.issuer is not the issuer of the tokens the provider gave; set it to the "
                    + "issuer of the provider whose keys the cluster trusts (the cluster does not check iss itself)");
        }
        if (message.contains("its audience is")) {
            fixes.add("audience: the provider issues this client's tokens for another audience than slurm.rest.oidc.audience; "
                    + "have it issue them for the cluster's audience (slurmctld does not check aud: this check is the client's)");
        }
        if (message.contains("has no claim")) {
            fixes.add("user claim: the token lacks the claim slurm.rest.oidc.user_claim names (the cluster's "
                    + "userclaimfield); map the job user into it for this client at the provider");
        }
        if (message.contains("signed with") || message.contains("no kid")) {
            fixes.add("key: Slurm verifies RS256 tokens whose kid is in its JWKS file; make the provider sign with RS256 and a kid");
        }
        if (message.contains("refused client")) {
            fixes.add("client: the provider refused this client; check slurm.rest.oidc.client_id and its secret or key");
        }
        if (message.contains("discovery document") || message.contains("cannot get a token")) {
            fixes.add("provider: check slurm.rest.oidc.issuer / token_url and that the provider is up");
        }
        return fixes.isEmpty() ? "check slurm.rest.oidc (the message says what the provider or its token said)" : String.join("; ", fixes);
    }

    /** slurmctld refused a token that passed the client's checks: the answer does not say why. */
    static String oidcRefusalFix(String token) {
        return "key or issuer (slurmrestd's answer does not say which; Slurm checks only the signature, exp and the user): "
                + "the cluster's JWKS file (AuthAltParameters=jwks=) has no key for this token's kid: if its issuer is the "
                + "cluster's provider, copy the provider's jwks_uri document into that file and restart slurmctld and "
                + "slurmdbd; if not, set slurm.rest.oidc.issuer to the cluster's provider. If the key is right: the user "
                + "claim is not the cluster's userclaimfield, or the user is unknown to the cluster. The token: "
                + token;
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
