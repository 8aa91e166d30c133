package ai.ringrift.slurm.backend;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.reliability.ClusterRecords;
import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.testsupport.ProjectConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The backend on a real cluster of several nodes (scripts/multi-node-cluster.sh: train1-2 in
 * gpu-train with 4 GPUs each, selfplay1-2 in gpu-selfplay with 4 CPUs and 2 GPUs, eval1 in
 * cpu-eval, gh200-1 in gpu-gh200; each slurmd in a network namespace of its own, with the node's
 * name as hostname). Where a task ran is what it printed (the stand-in's HOST=), checked against
 * slurmdbd's NodeList. A node lost mid-run is a slurmd killed (slurmctld marks the node DOWN after
 * SlurmdTimeout) or a node set DOWN by the administrator.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiNodeRealClusterIT {

    private static final Set<String> TRAIN = Set.of("train1", "train2");
    private static final Set<String> SELFPLAY = Set.of("selfplay1", "selfplay2");

    private static LocalCluster cluster;
    private static SlurmSettings settings;
    private static SlurmBackend backend;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.multiNode();
        settings = ConfigLoader.load(ProjectConfig.fastPolling(cluster).write()).slurm();
        StandIns.install(settings.repoDir());
        backend = SlurmBackend.create(settings);
    }

    @AfterAll
    static void stop() throws Exception {
        if (backend != null) {
            backend.close();
        }
        if (cluster != null) { // every node back, whatever a test left
            cluster.up();
            for (String node : cluster.fact("SLURM_NODE_NAMES").orElseThrow().split(",")) {
                resume(node);
            }
        }
    }

    private static String host(TaskOutcome task) {
        return task.logTail().stream().filter(l -> l.startsWith("HOST=")).map(l -> l.substring(5)).findFirst()
                .orElseThrow(() -> new AssertionError(task.summary() + " printed no HOST= line: " + task.logTail()));
    }

    /** slurmdbd's view of a job or array: Slurm id (e.g. 14_3) -> "STATE NODELIST", every run of it (-D). */
    private static Map<String, List<String>> accounting(long jobId) throws Exception {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String line : cluster.exec("sacct", "-n", "-P", "-X", "-D", "-j", Long.toString(jobId), "-o", "JobID,State,NodeList")
                .strip().split("\n")) {
            String[] f = line.split("\\|");
            if (f.length == 3) {
                rows.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[1] + " " + f[2]);
            }
        }
        return rows;
    }

    private static WorkerPool pool(String partition) {
        return backend.getAvailableWorkers().stream().filter(p -> p.partition().equals(partition)).findFirst()
                .orElseThrow(() -> new AssertionError("no pool for " + partition + ": " + backend.getAvailableWorkers()));
    }

    private static void waitUntil(String what, Duration limit, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        Instant end = Instant.now().plus(limit);
        while (!condition.call()) {
            assertThat(Instant.now()).as("waiting for " + what).isBefore(end);
            Thread.sleep(500);
        }
    }

    private static String nodeState(String node) throws Exception {
        return cluster.exec("sinfo", "-h", "-N", "-n", node, "-o", "%T").strip();
    }

    @Test
    @Order(1)
    void workersSumIdleCpusAndGpusOverEachPartitionsNodesAndLeaveADrainedNodeOut() throws Exception {
        assertThat(pool("gpu-train")).isEqualTo(new WorkerPool("gpu-train", 2, 16, 8, 32000));
        assertThat(pool("gpu-selfplay")).isEqualTo(new WorkerPool("gpu-selfplay", 2, 8, 4, 16000));
        assertThat(pool("cpu-eval")).isEqualTo(new WorkerPool("cpu-eval", 1, 4, 0, 8000));
        assertThat(pool("gpu-gh200")).isEqualTo(new WorkerPool("gpu-gh200", 1, 8, 1, 16000));

        cluster.exec("scontrol", "update", "nodename=train2", "state=drain", "reason=multi-node-it");
        try {
            waitUntil("train2 drained", Duration.ofSeconds(30), () -> nodeState("train2").startsWith("drain"));
            assertThat(pool("gpu-train")).as("train2 drained").isEqualTo(new WorkerPool("gpu-train", 1, 8, 4, 16000));
            assertThat(pool("gpu-selfplay")).isEqualTo(new WorkerPool("gpu-selfplay", 2, 8, 4, 16000));
        } finally {
            resume("train2");
        }
        waitUntil("train2 back", Duration.ofSeconds(30), () -> pool("gpu-train").usableNodes() == 2);
    }

    @Test
    @Order(2)
    void eachWorkTypeRunsOnlyOnItsPartitionsNodesAndAnArraySpreadsOverThem() throws Exception {
        JobHandle training = backend.runTraining(TaskSpec.builder().label("mn-train").build());
        JobHandle gh200 = backend.runTraining(TaskSpec.builder().label("mn-gh200").partition("gpu-gh200").build());
        // 8 tasks of 1 CPU for 10 s on two 4-CPU nodes: they cannot all run on one
        JobHandle selfplay = backend.runSelfplay(TaskSpec.builder().label("mn-selfplay").tasks(8).throttle(8)
                .addArguments("--sleep", "10").build());
        JobHandle tournament = backend.runTournament(TaskSpec.builder().label("mn-tournament").build());

        TaskOutcome train = training.await(Duration.ofMinutes(3)).tasks().get(0);
        assertThat(train.kind()).as(train.summary()).isEqualTo(OutcomeKind.SUCCESS);
        assertThat(host(train)).isIn(TRAIN);
        TaskOutcome gh = gh200.await(Duration.ofMinutes(3)).tasks().get(0);
        assertThat(gh.kind()).as(gh.summary()).isEqualTo(OutcomeKind.SUCCESS);
        assertThat(host(gh)).isEqualTo("gh200-1");
        TaskOutcome eval = tournament.await(Duration.ofMinutes(3)).tasks().get(0);
        assertThat(eval.kind()).as(eval.summary()).isEqualTo(OutcomeKind.SUCCESS);
        assertThat(host(eval)).isEqualTo("eval1");

        JobOutcome arr = selfplay.await(Duration.ofMinutes(3));
        assertThat(arr.isSuccess()).as(arr.summary()).isTrue();
        Map<String, String> hosts = new LinkedHashMap<>();
        for (TaskOutcome t : arr.tasks()) {
            hosts.put(t.slurmId(), host(t));
        }
        assertThat(hosts.values()).as("every task on a self-play node").allMatch(SELFPLAY::contains);
        assertThat(new TreeSet<>(hosts.values())).as("the array spread over both self-play nodes: " + hosts).isEqualTo(new TreeSet<>(SELFPLAY));
        // what the tasks printed is what slurmdbd says
        Map<String, List<String>> rows = accounting(selfplay.jobIds().get(0));
        hosts.forEach((id, host) -> assertThat(rows.get(id)).as(id + " in sacct").containsExactly("COMPLETED " + host));
    }

    /**
     * Two nodes lost at once, while other nodes work on: selfplay2's slurmd is killed under a self-play
     * array spread over selfplay1 and selfplay2 (its tasks end NODE_FAIL once slurmctld marks it DOWN,
     * the others SUCCESS), and the node a training job runs on is set DOWN and drained, so it stays
     * out (the job ends NODE_FAIL there, Slurm requeues it, requeue_training being true, and it runs
     * again on the other training node after Slurm's requeue delay). Both run at the same time: the
     * requeue delay is the longest wait.
     */
    @Test
    @Order(3)
    @Timeout(value = 6, unit = TimeUnit.MINUTES) // Slurm holds a requeued job back about 2 minutes
    void nodesLostMidRunFailTheirTasksOnlyRequeueTrainingAndTrackingGoesOn() throws Exception {
        // 8 tasks of 45 s over selfplay1 and selfplay2 (4 each), and a training job of 20 s
        JobHandle selfplay = backend.runSelfplay(TaskSpec.builder().label("mn-lost").tasks(8).throttle(8)
                .addArguments("--sleep", "45").build());
        JobHandle training = backend.runTraining(TaskSpec.builder().label("mn-requeue").addArguments("--sleep", "20").build());
        long arrayId = selfplay.jobIds().get(0);
        long trainingId = training.jobIds().get(0);
        waitUntil("8 tasks and the training running", Duration.ofSeconds(60), () -> running(arrayId).size() == 8
                && running(trainingId).size() == 1);
        Map<String, String> ranOn = running(arrayId);
        assertThat(new TreeSet<>(ranOn.values())).as("tasks on both self-play nodes: " + ranOn).isEqualTo(new TreeSet<>(SELFPLAY));
        String lost = running(trainingId).get(Long.toString(trainingId));
        assertThat(lost).isIn(TRAIN);
        String other = TRAIN.stream().filter(n -> !n.equals(lost)).findFirst().orElseThrow();

        Instant killed = Instant.now();
        cluster.stop("slurmd@selfplay2");
        cluster.exec("scontrol", "update", "nodename=" + lost, "state=down", "reason=multi-node-it");
        cluster.exec("scontrol", "update", "nodename=" + lost, "state=drain", "reason=multi-node-it");
        try {
            JobOutcome outcome = selfplay.await(Duration.ofMinutes(3));
            Duration took = Duration.between(killed, Instant.now());
            assertThat(outcome.tasks()).hasSize(8);
            for (TaskOutcome t : outcome.tasks()) {
                String node = ranOn.get(t.slurmId());
                assertThat(t.kind()).as(t.slurmId() + " on " + node + ": " + t.summary())
                        .isEqualTo(node.equals("selfplay2") ? OutcomeKind.NODE_FAIL : OutcomeKind.SUCCESS);
            }
            assertThat(took).as("tracking ended soon after the tasks did").isLessThan(Duration.ofSeconds(120));
            assertThat(nodeState("selfplay2")).startsWith("down");
            assertThat(pool("gpu-selfplay").usableNodes()).as("a DOWN node is left out of workers").isEqualTo(1);

            TaskOutcome done = training.await(Duration.ofMinutes(5)).tasks().get(0);
            assertThat(done.kind()).as(done.summary() + " " + done.logTail()).isEqualTo(OutcomeKind.SUCCESS);
            assertThat(host(done)).as("the requeued run").isEqualTo(other);
            assertThat(accounting(trainingId).get(Long.toString(trainingId))).as("slurmdbd: the run on the lost node, then the requeued one")
                    .containsExactly("NODE_FAIL " + lost, "COMPLETED " + other);
        } finally {
            cluster.up(); // selfplay2's slurmd again: the node returns to service (ReturnToService=2)
            resume(lost);
        }
        waitUntil("selfplay2 and " + lost + " back", Duration.ofSeconds(60),
                () -> nodeState("selfplay2").startsWith("idle") && nodeState(lost).startsWith("idle"));
    }

    /**
     * Training on both training nodes (TaskSpec.nodes(2)): one launcher per node through srun, each
     * with the same rendezvous and its own rank, and the head node really reachable at the endpoint
     * from the other (the stand-in listens there on rank 0, the other rank connects by the endpoint's
     * host name). Then the same job with one node's slurmd killed mid-run: the whole job ends
     * NODE_FAIL (requeue off), tracking ends.
     */
    @Test
    @Order(4)
    void trainingOnTwoNodesGetsOneLauncherPerNodeWithTheSameRendezvousAndLosesItAllWithANode() throws Exception {
        JobHandle training = backend.runTraining(TaskSpec.builder().label("mn-two-nodes").nodes(2).addArguments("--rendezvous").build());
        TaskOutcome done = training.await(Duration.ofMinutes(3)).tasks().get(0);
        assertThat(done.kind()).as(done.summary() + " " + done.logTail()).isEqualTo(OutcomeKind.SUCCESS);
        List<String> log = java.nio.file.Files.readAllLines(done.log());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<Map<String, String>> got = new ArrayList<>();
        for (String line : log) {
            if (line.startsWith("RDZV=")) {
                got.add(json.readValue(line.substring(5), new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {}));
            }
        }
        assertThat(got).as("one launcher per node: " + log).hasSize(2);
        assertThat(got).extracting(m -> m.get("host")).containsExactlyInAnyOrder("train1", "train2");
        assertThat(got).extracting(m -> m.get("RINGRIFT_NODE_RANK")).containsExactlyInAnyOrder("0", "1");
        String id = "ringrift-" + training.jobIds().get(0);
        for (Map<String, String> node : got) {
            assertThat(node).as(node.get("host")).containsEntry("RINGRIFT_NNODES", "2").containsEntry("RINGRIFT_RDZV_ID", id)
                    .containsEntry("RINGRIFT_NPROC_PER_NODE", "1").containsEntry("WORLD_SIZE", "2");
        }
        assertThat(got).extracting(m -> m.get("RINGRIFT_RDZV_ENDPOINT")).as("the same endpoint everywhere").containsOnly(got.get(0)
                .get("RINGRIFT_RDZV_ENDPOINT"));
        Map<String, String> head = got.stream().filter(m -> m.get("RINGRIFT_NODE_RANK").equals("0")).findFirst().orElseThrow();
        assertThat(head.get("RINGRIFT_RDZV_ENDPOINT")).as("the endpoint is the head node's").isEqualTo(head.get("host") + ":29500");
        String worker = got.stream().filter(m -> m.get("RINGRIFT_NODE_RANK").equals("1")).findFirst().orElseThrow().get("host");
        assertThat(log).as("rank 1 reached the head node at the endpoint").contains("RDZV_PEERS=[\"1@" + worker + "\"]");

        JobHandle lost = backend.runTraining(TaskSpec.builder().label("mn-two-nodes-lost").nodes(2).requeue(false)
                .addArguments("--sleep", "120").build());
        long lostId = lost.jobIds().get(0);
        // RUNNING is the allocation, before the batch script's srun has launched the step on train2: a
        // slurmd stopped then refuses the launch, srun fails and the job ends FAILED, not NODE_FAIL.
        // So the node dies only once its launcher has printed its host into the job's log.
        waitUntil("both launchers of the two-node training started", Duration.ofSeconds(60),
                () -> running(lostId).size() == 1 && launcherHosts(lostId).containsAll(List.of("train1", "train2")));
        cluster.stop("slurmd@train2");
        try {
            TaskOutcome end = lost.await(Duration.ofMinutes(2)).tasks().get(0);
            assertThat(end.kind()).as("the whole job, with one of its nodes lost: " + end.summary()).isEqualTo(OutcomeKind.NODE_FAIL);
        } finally {
            cluster.up();
        }
        waitUntil("train2 back", Duration.ofSeconds(60), () -> nodeState("train2").startsWith("idle"));
    }

    /**
     * The backup slurmctld (ctl2, SlurmctldHost twice, the state directory shared) takes over when the
     * primary is stopped in the middle of a burst of submissions from four threads, with the earlier
     * jobs being tracked: every submission gives one job (slurmdbd holds each name exactly once, none
     * missing: ClusterRecords, slurmdbd caught up and slurmctld read), every wait ends SUCCESS; then the
     * primary takes control back.
     */
    @Test
    @Order(5)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void theBackupSlurmctldTakesOverMidBurstWithNothingLostOrSubmittedTwice() throws Exception {
        String run = "mn-fo-" + Long.toString(System.nanoTime() % 100000, 36);
        int jobs = 40;
        long floor = ClusterRecords.floor(backend.client());
        Instant started = Instant.now();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        java.util.concurrent.CountDownLatch tenSubmitted = new java.util.concurrent.CountDownLatch(10);
        List<java.util.concurrent.Future<JobHandle>> submitted = new ArrayList<>();
        try {
            for (int i = 0; i < jobs; i++) {
                String label = run + "-" + i;
                submitted.add(pool.submit(() -> {
                    JobHandle h = backend.runTournament(TaskSpec.builder().label(label).addArguments("--sleep", "2").build());
                    tenSubmitted.countDown();
                    return h;
                }));
            }
            assertThat(tenSubmitted.await(2, TimeUnit.MINUTES)).as("10 submitted before the primary stops").isTrue();
            cluster.stop("slurmctld");
            List<JobHandle> handles = new ArrayList<>();
            for (java.util.concurrent.Future<JobHandle> f : submitted) {
                handles.add(f.get(4, TimeUnit.MINUTES));
            }
            assertThat(cluster.exec("scontrol", "ping")).as("the backup answers, the primary is down")
                    .contains("(backup) at ctl2 is UP").contains("(primary)").containsPattern("\\(primary\\) at \\S+ is DOWN");
            for (JobHandle h : handles) {
                JobOutcome o = h.await(Duration.ofMinutes(3));
                assertThat(o.isSuccess()).as(o.summary()).isTrue();
            }
            // slurmdbd caught up (the backup feeds it too) and slurmctld: each submission's job, and no other of its name
            ClusterRecords records = ClusterRecords.caughtUp(backend.client(), floor);
            for (int i = 0; i < jobs; i++) {
                String name = "rr-tournament-" + run + "-" + i;
                assertThat(records.named(name, started).ids()).as("jobs named " + name).containsExactly(handles.get(i).jobIds().get(0));
            }
        } finally {
            pool.shutdownNow();
            cluster.up(); // the primary again: it takes control back from the backup
        }
        waitUntil("the primary back in control", Duration.ofSeconds(60), () -> cluster.exec("scontrol", "ping")
                .matches("(?s).*\\(primary\\) at \\S+ is UP.*\\(backup\\) at ctl2 is UP.*"));
    }

    /** The job's (or array's) running tasks: Slurm id -> node. */
    /** The hosts the job's launchers printed into its log (HOST=...), from the log directory's file of that job id. */
    private static Set<String> launcherHosts(long jobId) throws Exception {
        Set<String> hosts = new TreeSet<>();
        String id = Long.toString(jobId);
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(settings.logDir())) {
            for (java.nio.file.Path f : files.filter(f -> f.getFileName().toString().matches(".*\\D" + id + "\\D.*")).toList()) {
                for (String line : java.nio.file.Files.readAllLines(f)) {
                    if (line.startsWith("HOST=")) {
                        hosts.add(line.substring(5).strip());
                    }
                }
            }
        }
        return hosts;
    }

    private static Map<String, String> running(long jobId) throws Exception {
        Map<String, String> on = new LinkedHashMap<>();
        for (String line : cluster.exec("squeue", "-h", "-j", Long.toString(jobId), "-t", "R", "-o", "%i %N").strip().split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length == 2) {
                on.put(f[0], f[1]);
            }
        }
        return on;
    }

    /** Resumes a node that is down or drained (Slurm refuses to resume one that is neither). */
    private static void resume(String node) throws Exception {
        String state = nodeState(node);
        if (state.startsWith("down") || state.startsWith("drain")) {
            cluster.exec("scontrol", "update", "nodename=" + node, "state=resume");
        }
    }
}
