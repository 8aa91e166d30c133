package ai.ringrift.slurm.testing.contract;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.testing.fake.FakeSlurm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract suite against the fake of every API version the kit has recordings for, compared
 * with what the real release answered the last time {@link FakeContractRealClusterIT} ran it
 * (src/test/resources/contract/VERSION.transcript; that IT compares the fake with the live real
 * cluster too, and writes the file again with -Dcontract.update=true). A difference fails naming
 * the scenario and the step.
 */
class FakeContractTest {

    static List<String> versions() {
        return FakeSlurm.versions();
    }

    private static Map<String, Contract.Run> fakes;

    /** Every version's scenarios on the fake at once (4 at a time per version): run by the first test, read by all. */
    private static synchronized Map<String, Contract.Run> fakes() throws Exception {
        if (fakes == null) {
            fakes = Contract.runAll(versions(), Target.Fake::new, Scenarios.ALL, 4 * versions().size());
        }
        return fakes;
    }

    @ParameterizedTest(name = "fake {0}")
    @MethodSource("versions")
    // the first version's test waits for every version's scenarios (the default 180 s is for one
    // test's own work; on a loaded 2-core CI machine the whole run has taken 135-220 s)
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void theFakeAnswersAsTheRealReleaseDid(String version) throws Exception {
        Path committed = Contract.committed(version);
        assertThat(Files.exists(committed)).as("no transcript of the real release for %s at %s: run FakeContractRealClusterIT "
                + "against it with -Dcontract.update=true", version, committed).isTrue();
        List<String> real = Contract.read(committed);
        Map<String, List<String>> fake = fakes().get(version).transcripts();
        List<String> diff = Contract.differences("fake " + version, Contract.flatten(fake), real.get(0).replaceFirst("^# ", ""), real);
        assertThat(diff).as("the fake %s against %s:\n%s", version, real.get(0), String.join("\n", diff)).isEmpty();
        assertThat(fake).hasSize(Scenarios.ALL.size());
    }
}
