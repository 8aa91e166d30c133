package ai.ringrift.slurm.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The SDK's own cost, with JMH, through its public API against a loopback server: reading a job
 * answer of 1,000 jobs (built from a job recorded on the real slurmrestd in {@link #version}), a submission (job
 * description written, recorded answer read), rendering a wrapper script.
 * Run: java -cp ringrift-slurm-bench/target/ringrift-slurm-bench.jar org.openjdk.jmh.Main ClientOverheadBenchmark
 * (scripts/benchmark.sh gives the forks and iterations). Each fork has a fixed heap, touched up
 * front, so that a heap growing or shrinking between iterations does not show as the client's cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class ClientOverheadBenchmark {

    /**
     * The data parser version the client speaks and the loopback server answers in: scripts/benchmark.sh
     * passes the one the run's SDK negotiated with the local cluster ({@code -p version=...}), so the
     * JMH figures and the real-cluster ones are of the same version.
     */
    @Param({"v0.0.42"})
    public String version;

    private OverheadProbe probe;

    @Setup
    public void setUp() throws Exception {
        probe = OverheadProbe.create(1000, version);
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
