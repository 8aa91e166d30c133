package ai.ringrift.slurm.testing.contract;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.testing.fake.FakeSlurm;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract suite against the real local cluster and against the fake, side by side: for each
 * API version the kit has recordings for whose release is RINGRIFT_SLURM_RELEASE (24.11 by default;
 * scripts/version-matrix.sh runs it again with 26.05), every scenario runs through the public SDK
 * on both, and what the SDK returned or threw and the requests it sent must be the same. A
 * difference fails naming the scenario and the step. The real transcript goes to
 * target/contract/VERSION.transcript, and with -Dcontract.update=true to the committed one
 * that {@link FakeContractTest} compares the fake with.
 */
class FakeContractRealClusterIT {

    static List<String> versions() {
        String release = System.getenv().getOrDefault("RINGRIFT_SLURM_RELEASE", "24.11");
        List<String> mine = FakeSlurm.versions().stream()
                .filter(v -> Target.recordedRelease(v).startsWith((release.isBlank() ? "24.11" : release) + ".")).toList();
        if (mine.isEmpty()) {
            throw new IllegalStateException("no API version of the test kit was recorded from Slurm " + release + "; versions "
                    + FakeSlurm.versions() + " come from " + FakeSlurm.versions().stream().map(Target::recordedRelease).toList());
        }
        return mine;
    }

    /** Every version's scenarios at once on the real cluster, the fake's beside them: run by the first test, read by all. */
    private static Map<String, Contract.Run> real;
    private static Map<String, Contract.Run> fake;

    private static synchronized void runAllOnce() throws Exception {
        if (real != null) {
            return;
        }
        List<String> versions = versions();
        ExecutorService side = Executors.newSingleThreadExecutor();
        try {
            Future<Map<String, Contract.Run>> fakes = side.submit(() -> Contract.runAll(versions, Target.Fake::new, Scenarios.ALL, 4 * versions.size()));
            real = Contract.runAll(versions, Target.Real::new, Scenarios.ALL, REAL_PARALLEL);
            fake = fakes.get();
        } finally {
            side.shutdownNow();
        }
    }

    /** Scenarios at once on the real cluster (8 CPUs): their jobs are 1 CPU each, at most two at a time each. */
    private static final int REAL_PARALLEL = 8;

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // all versions at once; the requeue scenario alone waits Slurm's 120 s before the job runs again
    void theFakeAnswersAsTheRealReleaseDoes(String version) throws Exception {
        Target.Real probe = new Target.Real(version); // fails (or skips on purpose) when the cluster is not there
        runAllOnce();
        Contract.Run onReal = real.get(version);
        String header = "# Slurm " + Target.recordedRelease(version) + " " + version + " (FakeContractRealClusterIT)";
        Contract.write(Path.of("target/contract").resolve(version + ".transcript"), header, Contract.flatten(onReal.transcripts()));
        if (Boolean.getBoolean("contract.update")) {
            Contract.write(Contract.committed(version), header, Contract.flatten(onReal.transcripts()));
        }
        System.out.printf("contract %s: %d scenarios on %s in %d s, on the fake in %d s (every version's scenarios at once: %s)%n",
                version, onReal.transcripts().size(), probe.name(), onReal.took().toSeconds(), fake.get(version).took().toSeconds(),
                versions());
        List<String> diff = Contract.differences("fake " + version, Contract.flatten(fake.get(version).transcripts()), probe.name(),
                Contract.flatten(onReal.transcripts()));
        assertThat(diff).as("the fake %s against %s:\n%s", version, probe.name(), String.join("\n", diff)).isEmpty();
    }
}
