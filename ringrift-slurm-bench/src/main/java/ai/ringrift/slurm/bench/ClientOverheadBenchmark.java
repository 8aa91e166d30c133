package ai.ringrift.slurm.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The SDK's own cost, with JMH, through its public API against a loopback server: reading a job
 * answer of 1,000 jobs (built from a job recorded on the real slurmrestd), a submission (job
 * description written, recorded answer read), rendering a wrapper script.
 * Run: java -cp ringrift-slurm-bench/target/ringrift-slurm-bench.jar org.openjdk.jmh.Main ClientOverheadBenchmark
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ClientOverheadBenchmark {

    private OverheadProbe probe;

    @Setup
    public void setUp() throws Exception {
        probe = OverheadProbe.create(1000);
    }

    @TearDown
    public void tearDown() {
        probe.close();
    }

    @Benchmark
    public Object readJobsAnswerOf1000Jobs() {
        return probe.readJobs();
    }

    @Benchmark
    public Object submitOnLoopback() {
        return probe.submitJob();
    }

    @Benchmark
    public Object renderWrapperScript() {
        return probe.renderScript();
    }
}
