package ai.ringrift.slurm.backend;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.testsupport.ProjectConfig;
import ai.ringrift.slurm.rest.SlurmMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What tracking costs on the wire, on the local real cluster: every request the client sends is
 * counted where OkHttp puts it on the connection (the SDK's network interceptor, not the tracker's
 * own counter), split into tracking rounds, with the bytes of the answers. Requests per round must
 * stay bounded by a small constant, final states included, whatever the number of jobs.
 */
class TrackingCostRealClusterIT {

    private static SlurmSettings settings;

    @BeforeAll
    static void cluster() throws Exception {
        LocalCluster.require();
        settings = ConfigLoader.load(ProjectConfig.fastPolling().with("slurm.mem_tournament", "64M").write()).slurm();
        StandIns.install(settings.repoDir());
    }

    /** Counts the tracker's requests (state, job info, accounting) per round, from the wire. */
    static final class PerRound implements SlurmMetrics {
        final List<long[]> rounds = new ArrayList<>(); // {requests, bytes}
        final AtomicLong requests = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong allRequests = new AtomicLong();

        @Override
        public void request(String method, String endpoint, String outcome, int status, long size, Duration took) {
            allRequests.incrementAndGet();
            if (method.equals("GET") && (endpoint.contains("/jobs/state/") || endpoint.contains("/job/{id}")
                    || endpoint.matches("/slurmdb/v0\\.0\\.4\\d/jobs/"))) { // whichever version was negotiated
                requests.incrementAndGet();
                bytes.addAndGet(Math.max(0, size));
            }
        }

        @Override
        public synchronized void trackingRound(Duration took, Map<String, Integer> byState) {
            rounds.add(new long[] {requests.getAndSet(0), bytes.getAndSet(0)});
        }
    }

    @ParameterizedTest(name = "{0} jobs of {1} task(s)")
    @CsvSource({"10, 1", "200, 1", "1, 100"})
    void requestsPerRoundStayBoundedFinalStatesIncluded(int jobs, int tasks) throws Exception {
        PerRound wire = new PerRound();
        List<JobHandle> handles = new ArrayList<>();
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
        long max = wire.rounds.stream().mapToLong(r -> r[0]).max().orElse(0);
        long total = wire.rounds.stream().mapToLong(r -> r[0]).sum();
        long bytes = wire.rounds.stream().mapToLong(r -> r[1]).sum();
        System.out.printf("TRACKING COST: %d job(s) x %d task(s): %d rounds, %d tracking requests (%.2f a round, at most %d in "
                + "one), %d bytes (%d a round)%n", jobs, tasks, wire.rounds.size(), total,
                (double) total / Math.max(1, wire.rounds.size()), max, bytes, bytes / Math.max(1, wire.rounds.size()));
        assertThat(max).as("requests in the costliest round").isLessThanOrEqualTo(2 + ai.ringrift.slurm.rest.JobWatcher.FALLBACK_READS_PER_ROUND);
    }
}
