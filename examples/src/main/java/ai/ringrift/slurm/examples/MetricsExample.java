package ai.ringrift.slurm.examples;

import ai.ringrift.slurm.backend.JobOutcome;
import ai.ringrift.slurm.backend.SlurmBackend;
import ai.ringrift.slurm.backend.TaskSpec;
import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.metrics.MicrometerSlurmMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The SDK's metrics in Prometheus format: runs a self-play array and a tournament through the
 * backend with Micrometer metrics, then prints what a Prometheus scrape of the service would get
 * (requests by endpoint, outcome and status; retries; submissions; tracking rounds and tracked jobs
 * by state; the token's time to expiry). A service serves {@code registry.scrape()} on /metrics.
 *
 * <p>Run: {@code java -cp examples/target/ringrift-slurm.jar ai.ringrift.slurm.examples.MetricsExample [config]}
 */
public final class MetricsExample {

    private MetricsExample() {}

    public static void main(String[] args) throws Exception {
        Path config = Path.of(args.length > 0 ? args[0] : "config/unified_loop.yaml");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JobOutcome outcome = run(ConfigLoader.load(config).slurm(), registry);
        System.out.println("# " + outcome.summary());
        System.out.print(registry.scrape());
    }

    /** Runs a little work with metrics into {@code registry}; returns the self-play outcome. */
    public static JobOutcome run(SlurmSettings settings, io.micrometer.core.instrument.MeterRegistry registry)
            throws InterruptedException {
        MicrometerSlurmMetrics metrics = new MicrometerSlurmMetrics(registry);
        try (SlurmBackend backend = SlurmBackend.create(settings, metrics)) {
            metrics.bindTokenExpiry(backend.client());
            JobOutcome play = backend.runSelfplay(TaskSpec.builder().label("metrics-selfplay").tasks(3).throttle(2).build())
                    .await(Duration.ofMinutes(5));
            backend.runTournament(TaskSpec.builder().label("metrics-tournament").build()).await(Duration.ofMinutes(5));
            return play;
        }
    }
}
