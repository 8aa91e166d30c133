package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.backend.config.OidcSettings;
import ai.ringrift.slurm.backend.config.RestSettings;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.backend.config.WorkTypeSettings;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.NodeInfo;
import ai.ringrift.slurm.rest.PartitionInfo;
import ai.ringrift.slurm.rest.SlurmException;
import ai.ringrift.slurm.rest.SlurmMetrics;
import ai.ringrift.slurm.rest.SlurmRejectedException;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.SlurmUsageException;
import ai.ringrift.slurm.rest.SubmittedJob;
import ai.ringrift.slurm.rest.OidcTokenSource;
import ai.ringrift.slurm.rest.TokenSource;
import ai.ringrift.slurm.rest.TokenSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RingRift loop's work on Slurm, all over REST: each work type becomes a job description
 * (partition, GPUs as gres, CPUs, memory, time, account, qos, arrays), a wrapper script written to
 * job_dir for audit, a submission, and tracking to a classified outcome with the log's tail.
 */
public final class SlurmBackend implements OrchestratorBackend {

    private static final Logger log = LoggerFactory.getLogger(SlurmBackend.class);

    private final SlurmSettings settings;
    private final SlurmClient client;
    private final JobTracker tracker;
    private final JobUserAccess access;
    private final boolean ownsClient;
    private volatile boolean closed;

    SlurmBackend(SlurmSettings settings, SlurmClient client, boolean ownsClient) {
        this.settings = settings;
        this.client = client;
        this.ownsClient = ownsClient;
        this.access = JobUserAccess.forUser(settings.rest().user());
        this.tracker = new JobTracker(client, settings.pollMin(), settings.pollMax(), access, settings.containerRuntime());
    }

    /** A backend with its own REST client, made from the settings. */
    public static SlurmBackend create(SlurmSettings settings) {
        return create(settings, SlurmMetrics.NONE);
    }

    /** A backend with its own REST client, made from the settings, that reports to {@code metrics}. */
    public static SlurmBackend create(SlurmSettings settings, SlurmMetrics metrics) {
        return new SlurmBackend(settings, client(settings.rest(), metrics), true);
    }

    /** A backend on a client the caller owns (and closes). */
    public static SlurmBackend create(SlurmSettings settings, SlurmClient client) {
        return new SlurmBackend(settings, client, false);
    }

    static SlurmClient client(RestSettings rest, SlurmMetrics metrics) {
        TokenSource tokens = tokenSource(rest);
        SlurmClient.Builder builder = SlurmClient.builder().baseUrl(rest.url()).tokenSource(tokens).metrics(metrics);
        builder.apiVersion(rest.apiVersion()).maxInFlight(rest.maxInFlight())
                .submitTimeout(rest.submitTimeout()).submitSettleTime(rest.submitSettle());
        if (rest.caFile() != null) {
            builder.trustedCaFile(rest.caFile());
        }
        if (rest.tokenFile() != null || rest.tokenFromEnvironment()) {
            builder.userName(rest.user());
        }
        return builder.build();
    }

    /** The token source the settings name: OIDC, the jwt key, a token file or SLURM_JWT. */
    public static TokenSource tokenSource(RestSettings rest) {
        TokenSource tokens;
        if (rest.oidc() != null) {
            OidcSettings o = rest.oidc();
            OidcTokenSource.Builder oidc = TokenSources.oidc().clientId(o.clientId()).scope(o.scope())
                    .audience(o.audience()).userClaim(o.userClaim()).trustedCaFile(o.caFile());
            if (o.issuer() != null) {
                oidc.issuer(o.issuer());
            }
            if (o.tokenUrl() != null) {
                oidc.tokenEndpoint(o.tokenUrl());
            }
            if (o.clientSecretFile() != null) {
                oidc.clientSecretFile(o.clientSecretFile());
            } else {
                oidc.privateKeyJwt(o.privateKeyFile(), o.keyId());
            }
            tokens = oidc.build();
        } else if (rest.jwtKeyFile() != null) {
            tokens = TokenSources.jwtKey(rest.jwtKeyFile(), rest.user(), rest.tokenLifespan(), Clock.systemUTC());
        } else if (rest.tokenFile() != null) {
            tokens = TokenSources.file(rest.tokenFile());
        } else {
            tokens = TokenSources.environment();
        }
        return tokens;
    }

    public SlurmClient client() {
        return client;
    }

    /**
     * Checks log_dir, job_dir, repo_dir and the venvs or images as the jobs see them, with a probe job
     * that runs as the job user (see {@link SharedPathsProbe}); waits for it up to {@code timeout}.
     */
    public SharedPathsProbe.Report probeSharedPaths(Duration timeout) throws InterruptedException {
        requireOpen();
        return new SharedPathsProbe(settings, client, access).run(timeout);
    }

    /** What the user the jobs run as can do on the shared filesystem, as this host can judge it. */
    public JobUserAccess jobUserAccess() {
        return access;
    }

    @Override
    public JobHandle runTraining(TaskSpec task) {
        return run(WorkType.TRAINING, task);
    }

    @Override
    public JobHandle runSelfplay(TaskSpec task) {
        return run(WorkType.SELFPLAY, task);
    }

    @Override
    public JobHandle runTournament(TaskSpec task) {
        return run(WorkType.TOURNAMENT, task);
    }

    private JobHandle run(WorkType type, TaskSpec task) {
        requireMoved(type);
        WorkTypeSettings defaults = settings.of(type);
        int nodes = nodes(type, task);
        String name = ("rr-" + type.key() + "-" + task.label());
        boolean array = runsAsArray(type, task.tasks());
        String key = UUID.randomUUID().toString();
        java.time.Instant submittedAt = java.time.Instant.now();
        String script = WrapperScript.render(settings, type, name, task.arguments(), task.gpus().orElse(defaults.gpus()), nodes);
        Path scriptFile = writeForAudit(name, key, script);
        String logPattern = logPattern(name, array);

        requireOpen();
        JobTracker.Aggregate aggregate = new JobTracker.Aggregate(type, name, task.tasks());
        List<Long> submitted = new ArrayList<>();
        int throttle = task.throttle().orElse(type == WorkType.SELFPLAY ? settings.selfplayThrottle() : task.tasks());
        try {
            for (int offset = 0; offset < task.tasks(); offset += settings.maxArraySize()) {
                int count = Math.min(settings.maxArraySize(), task.tasks() - offset);
                JobSubmission.Builder job = JobSubmission.builder()
                        .name(name)
                        .script(script)
                        .partition(task.partition().orElse(defaults.partition()))
                        .account(task.account().orElse(settings.account()))
                        .qos(task.qos().orElse(settings.qos()))
                        .nodes(nodes)
                        .gpusPerNode(task.gpus().orElse(defaults.gpus()))
                        .cpusPerTask(task.cpus().orElse(defaults.cpus()))
                        .memoryPerNodeMb(task.memoryMb().orElse(defaults.memoryMb()))
                        .timeLimit(task.timeLimit().orElse(defaults.timeLimit()))
                        .requeue(task.requeue().orElse(defaults.requeue()))
                        .workingDirectory(settings.repoDir().toString())
                        .standardOutput(logPattern)
                        .submitKey(key + "-" + offset)
                        .putEnvironment("PATH", "/usr/local/bin:/usr/bin:/bin")
                        .putEnvironment("RINGRIFT_WORK_TYPE", type.key())
                        .putEnvironment("RINGRIFT_JOB_SCRIPT", scriptFile.toString())
                        .putEnvironment("RINGRIFT_TASK_OFFSET", String.valueOf(offset));
                task.environment().forEach(job::putEnvironment);
                if (nodes > 1) {
                    job.tasksPerNode(1); // one launcher per node; it starts the processes of its node's GPUs
                }
                if (array) {
                    job.array("0-" + (count - 1) + "%" + Math.max(1, Math.min(throttle, count)));
                }
                if (type == WorkType.TRAINING && settings.trainingWarningSignal() != null) {
                    job.warningSignal(settings.trainingWarningSignal(), settings.trainingWarningSeconds());
                }
                SubmittedJob s = client.submit(job.build());
                submitted.add(s.jobId());
                tracker.track(new JobTracker.Tracked(s.jobId(), array, count, offset, logPattern, aggregate));
                log.info("submitted {} '{}' as Slurm job {}{}", type.key(), name, s.jobId(),
                        array ? " (array of " + count + ", tasks " + offset + "-" + (offset + count - 1) + ")" : "");
            }
        } catch (SlurmException e) {
            if (!submitted.isEmpty()) {
                log.warn("submitting {} '{}' failed after jobs {} were accepted; cancelling them", type.key(), name, submitted);
                client.cancel(submitted);
            }
            throw explained(e, type, task, nodes);
        }
        return new JobHandle(type, name, submitted, task.tasks(), aggregate.future, client::cancel, key, submittedAt);
    }

    /** The nodes a job of this work type and task runs on: the task's own, else nodes_training for training and 1 for the others. */
    private int nodes(WorkType type, TaskSpec task) {
        return type.checkedNodes(task.nodes().orElse(settings.nodes(type)));
    }

    /**
     * A refusal that the work type's settings can fix gets a fix line naming them: the partitions the
     * cluster has (error 2000), or what the partition's nodes offer (2014, "Requested node
     * configuration is not available": more GPUs, CPUs or memory than any of its nodes has).
     */
    private SlurmException explained(SlurmException e, WorkType type, TaskSpec task, int nodes) {
        if (!(e instanceof SlurmRejectedException r) || !(r.hasErrorNumber(2014) || r.hasErrorNumber(2000))) {
            return e;
        }
        WorkTypeSettings defaults = settings.of(type);
        String partition = task.partition().orElse(defaults.partition());
        String k = type.key();
        String fix;
        try {
            if (r.hasErrorNumber(2000)) {
                fix = "Fix: slurm.partition_" + k + " names '" + partition + "', which the cluster does not have; it has "
                        + client.partitions().stream().map(PartitionInfo::name).toList();
            } else {
                List<String> offers = new ArrayList<>();
                for (NodeInfo n : client.nodes()) {
                    if (n.partitions().contains(partition)) {
                        offers.add(n.name() + ": " + n.cpus() + " CPUs, " + n.memoryMb() + " MB, " + n.gpus() + " GPUs"
                                + (n.isUsable() ? "" : " (" + String.join(",", n.states()) + ")"));
                    }
                }
                fix = "Fix: no node of partition '" + partition + "' has " + task.gpus().orElse(defaults.gpus()) + " GPUs, "
                        + task.cpus().orElse(defaults.cpus()) + " CPUs and " + task.memoryMb().orElse(defaults.memoryMb())
                        + " MB; its nodes offer " + (offers.isEmpty() ? "nothing (it has no nodes)" : String.join("; ", offers))
                        + ". Lower gpus_" + k + ", cpus_" + k + " or mem_" + k + ", or use another partition"
                        + (nodes > 1 ? "; the job asks for " + nodes + " such nodes at once: the partition needs that "
                                + "many (or lower nodes_" + k + ")" : "");
            }
        } catch (SlurmException lookup) {
            return e; // the refusal itself says enough when the cluster cannot be asked
        }
        return r.withFix(fix);
    }

    /**
     * Follows jobs submitted earlier (by this or another backend with the same settings, e.g. before a
     * restart of the service) to their outcome. A job that has left slurmctld is read from slurmdbd.
     */
    public JobHandle resume(JobHandle submitted) {
        return resume(submitted.saved());
    }

    /**
     * Follows a piece of work submitted earlier, from what was persisted about it ({@link
     * JobHandle#saved()}), e.g. by a service before it restarted. An array chunk whose job id was
     * never received is found by its submit key in slurmctld or slurmdbd; one that cannot be found
     * was never accepted, and the error says so (nothing is submitted here).
     */
    public JobHandle resume(SavedWork saved) {
        requireOpen();
        requireMoved(saved.type());
        WorkType type = saved.type();
        boolean array = runsAsArray(type, saved.tasks());
        String logPattern = logPattern(saved.name(), array);
        List<Long> ids = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        int chunk = 0;
        for (int offset = 0; offset < saved.tasks(); offset += settings.maxArraySize(), chunk++) {
            if (chunk < saved.jobIds().size()) {
                ids.add(saved.jobIds().get(chunk));
                continue;
            }
            String key = saved.submitKey() + "-" + offset;
            Optional<Long> found = client.findBySubmitKey(key, saved.submittedAt());
            if (found.isPresent()) {
                log.info("resume {} '{}': found job {} by its submit key {}", type.key(), saved.name(), found.get(), key);
                ids.add(found.get());
            } else {
                missing.add("tasks from " + offset + " (submit key " + key + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new SlurmUsageException("cannot resume " + type.key() + " '" + saved.name() + "': Slurm has no job for "
                    + String.join(", ", missing) + ", so it was never accepted; jobs found: " + ids
                    + ". Cancel those and submit the work again");
        }
        List<Long> followed = ids.stream().filter(tracker.liveJobIds()::contains).toList();
        if (!followed.isEmpty()) {
            throw new SlurmUsageException("this backend follows job(s) " + followed + " of " + type.key() + " '" + saved.name()
                    + "' already; use the JobHandle it returned (resume is for a backend that did not submit them)");
        }
        JobTracker.Aggregate aggregate = new JobTracker.Aggregate(type, saved.name(), saved.tasks());
        int offset = 0;
        for (long jobId : ids) {
            int count = array ? Math.min(settings.maxArraySize(), saved.tasks() - offset) : 1;
            tracker.track(new JobTracker.Tracked(jobId, array, count, offset, logPattern, aggregate));
            offset += count;
        }
        return new JobHandle(type, saved.name(), ids, saved.tasks(), aggregate.future, client::cancel, saved.submitKey(),
                saved.submittedAt());
    }

    /** Work not moved to Slurm is never submitted: it belongs to the loop's default backend. */
    private void requireMoved(WorkType type) {
        if (!settings.runsOnSlurm(type)) {
            throw new SlurmUsageException(type.key() + " work is not moved to Slurm: slurm.work_types is "
                    + settings.moved().stream().map(WorkType::key).toList() + ", so it stays on the loop's default backend "
                    + "(hand that to OrchestratorBackend.fromConfig(config, fallback)); add " + type.key()
                    + " to slurm.work_types to run it on Slurm");
        }
    }

    /** Self-play always runs as an array; other work when it has more than one task. */
    private static boolean runsAsArray(WorkType type, int tasks) {
        return type == WorkType.SELFPLAY || tasks > 1;
    }

    /** Where a job's output goes: %j for a job, %A_%a for an array task (run and resume must agree). */
    private String logPattern(String name, boolean array) {
        return settings.logDir().resolve(name + (array ? "-%A_%a.out" : "-%j.out")).toString();
    }

    private void requireOpen() {
        if (closed) {
            throw new SlurmUsageException("this backend is closed; make a new one");
        }
    }

    private Path writeForAudit(String name, String key, String script) {
        // the jobs run as the job user: log_dir must be theirs to write, whoever created it
        access.prepareWritable(settings.logDir(), "slurm.log_dir");
        access.create(settings.jobDir(), "slurm.job_dir");
        try {
            Path file = settings.jobDir().resolve(name + "-" + key + ".sh");
            Files.writeString(file, script, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new SlurmUsageException("cannot write the job script to slurm.job_dir " + settings.jobDir() + " (" + e
                    + "); it must be a directory on the shared filesystem that this service can write");
        }
    }

    @Override
    public List<WorkerPool> getAvailableWorkers() {
        List<NodeInfo> nodes = client.nodes();
        List<WorkerPool> pools = new ArrayList<>();
        for (PartitionInfo partition : client.partitions()) {
            if (!partition.up()) {
                continue;
            }
            int usable = 0;
            int cpus = 0;
            int gpus = 0;
            long memory = 0;
            for (NodeInfo node : nodes) {
                if (!node.partitions().contains(partition.name()) || !node.isUsable()) {
                    continue;
                }
                usable++;
                cpus += Math.max(0, node.cpus() - node.allocatedCpus());
                gpus += Math.max(0, node.gpus() - node.gpusUsed());
                memory += Math.max(0, node.memoryMb() - node.allocatedMemoryMb());
            }
            pools.add(new WorkerPool(partition.name(), usable, cpus, gpus, memory));
        }
        return pools;
    }

    /** Nothing to copy: workers read models from the shared filesystem. Fails when it is not there. */
    @Override
    public void syncModels() {
        requireSharedRoot("models");
    }

    @Override
    public void syncData() {
        requireSharedRoot("training data");
    }

    private void requireSharedRoot(String what) {
        Path root = settings.sharedRoot();
        if (!Files.isDirectory(root)) {
            throw new SlurmUsageException("the shared root " + root + " does not exist here, so " + what
                    + " cannot reach the Slurm workers; mount the shared filesystem at " + root + " or fix slurm.shared_root");
        }
        try {
            Path probe = Files.createTempFile(root, ".ringrift-sync-", ".probe");
            Files.delete(probe);
        } catch (IOException e) {
            throw new SlurmUsageException("the shared root " + root + " is not writable (" + e.getMessage() + "), so "
                    + what + " cannot be shared with the Slurm workers; fix its permissions or slurm.shared_root");
        }
    }

    /** Jobs submitted through this backend that have not reached a final state. */
    public List<Long> liveJobIds() {
        return tracker.liveJobIds();
    }

    /** Requests the tracker has sent so far (polling rounds plus final reads). */
    public long trackingRequests() {
        return tracker.requests();
    }

    /**
     * Stops tracking without cancelling anything: the jobs go on in Slurm (for a command line that
     * submits and exits). Their ids are in the handles.
     */
    public void detach() {
        if (closed) {
            return;
        }
        closed = true;
        tracker.close();
        if (ownsClient) {
            client.close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            List<Long> live = tracker.liveJobIds();
            if (settings.cancelOnClose() && !live.isEmpty()) {
                log.info("closing: cancelling {} live job(s) {} in one request", live.size(), live);
                client.cancel(live);
            }
        } finally {
            tracker.close();
            if (ownsClient) {
                client.close();
            }
        }
    }
}
