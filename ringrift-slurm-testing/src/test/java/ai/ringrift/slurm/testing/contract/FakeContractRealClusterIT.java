package ai.ringrift.slurm.testing.contract;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.testing.fake.FakeSlurm;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    @Timeout(value = 8, unit = TimeUnit.MINUTES) // the requeue scenario alone waits Slurm's 120 s before the job runs again
    void theFakeAnswersAsTheRealReleaseDoes(String version) throws Exception {
        Target.Real probe = new Target.Real(version); // fails (or skips on purpose) when the cluster is not there
        long t0 = System.nanoTime();
        Map<String, List<String>> real = Contract.run(() -> new Target.Real(version), Scenarios.ALL, 6);
        long t1 = System.nanoTime();
        Map<String, List<String>> fake = Contract.run(() -> new Target.Fake(version), Scenarios.ALL, 4);
        long t2 = System.nanoTime();
        String header = "# Slurm " + Target.recordedRelease(version) + " " + version + " (FakeContractRealClusterIT)";
        Contract.write(Path.of("target/contract").resolve(version + ".transcript"), header, Contract.flatten(real));
        if (Boolean.getBoolean("contract.update")) {
            Contract.write(Contract.committed(version), header, Contract.flatten(real));
        }
        System.out.printf("contract %s: %d scenarios on %s in %d s, on the fake in %d s%n", version, real.size(), probe.name(),
                (t1 - t0) / 1_000_000_000, (t2 - t1) / 1_000_000_000);
        List<String> diff = Contract.differences("fake " + version, Contract.flatten(fake), probe.name(), Contract.flatten(real));
        assertThat(diff).as("the fake %s against %s:\n%s", version, probe.name(), String.join("\n", diff)).isEmpty();
    }
}
