package ai.ringrift.slurm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.backend.JobOutcome;
import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.testsupport.ProjectConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The metrics example on the local real cluster: the Prometheus scrape holds real values. */
class MetricsRealClusterIT {

    private static double value(String scrape, String regex) {
        Matcher m = Pattern.compile("(?m)^" + regex + " ([0-9.eE+-]+)$").matcher(scrape);
        assertThat(m.find()).as("a line matching " + regex + " in\n" + scrape).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void aScrapeAfterRealWorkHasRequestsSubmissionsRoundsAndTheToken() throws Exception {
        LocalCluster.require();
        Path config = ProjectConfig.fastPolling().write();
        Path repo = ConfigLoader.load(config).slurm().repoDir();
        for (ai.ringrift.slurm.backend.WorkType type : ai.ringrift.slurm.backend.WorkType.values()) {
            Path script = repo.resolve(type.canonicalScript()); // the command line's demo stand-ins
            Files.createDirectories(script.getParent());
            try (var in = MetricsRealClusterIT.class.getResourceAsStream("/ai/ringrift/slurm/cli/stand-in.py")) {
                Files.write(script, in.readAllBytes());
            }
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JobOutcome play = MetricsExample.run(ConfigLoader.load(config).slurm(), registry);
        assertThat(play.isSuccess()).as(play.summary()).isTrue();
        String scrape = registry.scrape();
        System.out.println(scrape);

        assertThat(value(scrape, "slurm_submissions_total\\{outcome=\"created\"\\}")).isEqualTo(2.0);
        assertThat(value(scrape, "slurm_requests_seconds_count\\{endpoint=\"/slurm/v0\\.0\\.4\\d/job/submit\",method=\"POST\","
                + "outcome=\"success\",status=\"200\"\\}")).isEqualTo(2.0);
        assertThat(value(scrape, "slurm_requests_seconds_count\\{endpoint=\"/slurm/v0\\.0\\.4\\d/jobs/state/\",method=\"GET\","
                + "outcome=\"success\",status=\"200\"\\}")).isGreaterThanOrEqualTo(1.0);
        assertThat(value(scrape, "slurm_tracking_rounds_seconds_count")).isGreaterThanOrEqualTo(1.0);
        assertThat(value(scrape, "slurm_token_expiry_seconds")).isBetween(60.0, 1800.0);
        assertThat(scrape).contains("slurm_tracked_jobs{state=").contains("slurm_submit_duplicates_avoided_total 0.0");
    }
}
