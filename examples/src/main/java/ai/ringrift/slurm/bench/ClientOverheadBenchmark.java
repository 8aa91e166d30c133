package ai.ringrift.slurm.bench;

import ai.ringrift.slurm.backend.OverheadProbe;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The SDK's own CPU cost, with JMH: reading a /jobs/ answer of 1,000 jobs (built from a job
 * recorded on the real slurmrestd), writing a v0.0.40 job description, rendering a wrapper script.
 * Run: java -cp examples/target/ringrift-slurm.jar org.openjdk.jmh.Main ClientOverheadBenchmark
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

    @Benchmark
    public Object parseJobsAnswerOf1000Jobs() throws Exception {
        return probe.parseJobs();
    }

    @Benchmark
    public Object serializeJobDescription() throws Exception {
        return probe.serializeJob();
    }

    @Benchmark
    public Object renderWrapperScript() {
        return probe.renderScript();
    }
}
