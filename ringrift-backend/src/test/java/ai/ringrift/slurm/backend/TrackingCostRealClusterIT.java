package ai.ringrift.slurm.backend;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.testsupport.ProjectConfig;
import ai.ringrift.slurm.rest.JobWatcher;
import ai.ringrift.slurm.rest.SlurmMetrics;
import ai.ringrift.slurm.testsupport.CountingProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What tracking costs on the wire, on the local real cluster, counted outside the SDK: a counting
 * proxy (ringrift-slurm-test-support's {@link CountingProxy}) sits between the client and slurmrestd
 * and counts connects and every request by method and path; the watcher's rounds only cut the count
 * into rounds. Each round must read the jobs' states exactly once, and read final records at most
 * once from slurmdbd plus {@link JobWatcher#FALLBACK_READS_PER_ROUND} jobs from slurmctld, final
 * states included, whatever the number of jobs.
 */
class TrackingCostRealClusterIT {

    static final String STATE = "GET /slurm/{v}/jobs/state/";
    static final List<String> FINAL_RECORD_READS = List.of("GET /slurm/{v}/job/{id}", "GET /slurmdb/{v}/jobs/", "GET /slurmdb/{v}/job/{id}");

    private static LocalCluster cluster;

    @BeforeAll
    static void cluster() throws Exception {
        cluster = LocalCluster.require();
        StandIns.install(ConfigLoader.load(ProjectConfig.fastPolling().write()).slurm().repoDir());
    }

    /** Cuts the proxy's counts into the watcher's rounds: {state reads, final-record reads, connects, answer bytes} each. */
    static final class Rounds implements SlurmMetrics {
        final List<long[]> rounds = new ArrayList<>();
        private final CountingProxy proxy;
        private long[] last;

        Rounds(CountingProxy proxy) {
            this.proxy = proxy;
            this.last = now();
        }

        private long[] now() {
            long finals = FINAL_RECORD_READS.stream().mapToLong(proxy::requests).sum();
            return new long[] {proxy.requests(STATE), finals, proxy.connects(), proxy.answerBytes()};
        }

        @Override
        public synchronized void trackingRound(Duration took, Map<String, Integer> byState) {
            if (Boolean.getBoolean("plant.extraStateRead")) {
                plantExtraStateRead(); // test only: this test must then fail
            }
            long[] n = now();
            rounds.add(new long[] {n[0] - last[0], n[1] - last[1], n[2] - last[2], n[3] - last[3]});
            last = n;
        }
    }

    /** Test only (-Dplant.extraStateRead=true): one more state read per round, sent through the proxy past the SDK. */
    static void plantExtraStateRead() {
        try {
            java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                    .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(planted + "/slurm/v0.0.40/jobs/state/"))
                            .header("X-SLURM-USER-TOKEN", cluster.userToken()).GET().build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static volatile String planted;

    @ParameterizedTest(name = "{0} jobs of {1} task(s)")
    @CsvSource({"10, 1", "200, 1", "1, 100"})
    void eachRoundReadsStatesOnceAndFinalRecordsBoundedOnTheWire(int jobs, int tasks) throws Exception {
        List<JobHandle> handles = new ArrayList<>();
        Rounds wire;
        try (CountingProxy proxy = CountingProxy.to(cluster.restUrl())) {
            SlurmSettings settings = ConfigLoader.load(ProjectConfig.fastPolling().with("slurm.mem_tournament", "64M")
                    .with("slurm.rest.url", proxy.url()).write()).slurm();
            wire = new Rounds(proxy);
            planted = proxy.url();
            try (SlurmBackend backend = SlurmBackend.create(settings, wire)) {
                for (int i = 0; i < jobs; i++) {
                    handles.add(tasks == 1
                            ? backend.runTournament(TaskSpec.builder().label("cost-" + jobs + "-" + i).build())
                            : backend.runSelfplay(TaskSpec.builder().label("cost-array").tasks(tasks).throttle(8).build()));
                }
                for (JobHandle h : handles) {
                    JobOutcome o = h.await(Duration.ofMinutes(10));
                    assertThat(o.isSuccess()).as(o.summary()).isTrue();
                }
            }
            System.out.printf("TRACKING COST (counting proxy): %d job(s) x %d task(s): %d rounds, requests %s, %d connects%n", jobs,
                    tasks, wire.rounds.size(), proxy.requests(), proxy.connects());
        }
        List<long[]> rounds = new ArrayList<>(wire.rounds);
        long finals = rounds.stream().mapToLong(r -> r[1]).sum();
        long maxFinals = rounds.stream().mapToLong(r -> r[1]).max().orElse(0);
        long bytes = rounds.stream().mapToLong(r -> r[3]).sum();
        System.out.printf("TRACKING COST: %d rounds, state reads a round %s, %d final-record reads (at most %d in one), %d connects "
                + "during rounds, %d answer bytes (%d a round)%n", rounds.size(),
                rounds.stream().map(r -> r[0]).distinct().sorted().toList(), finals, maxFinals,
                rounds.stream().mapToLong(r -> r[2]).sum(), bytes, bytes / Math.max(1, rounds.size()));
        assertThat(rounds).as("tracking rounds").isNotEmpty();
        for (int i = 0; i < rounds.size(); i++) {
            assertThat(rounds.get(i)[0]).as("state reads in round %d, on the wire", i + 1).isEqualTo(1);
            assertThat(rounds.get(i)[1]).as("final-record reads in round %d, on the wire", i + 1)
                    .isLessThanOrEqualTo(1 + JobWatcher.FALLBACK_READS_PER_ROUND);
        }
        assertThat(finals).as("final-record reads in all: every job's final record was read").isGreaterThan(0);
    }
}
