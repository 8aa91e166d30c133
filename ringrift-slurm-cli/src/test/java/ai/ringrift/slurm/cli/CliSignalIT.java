package ai.ringrift.slurm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.testsupport.ProjectConfig;
import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.TokenSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a real ringrift-slurm process while it waits: it stops waiting, leaves the job
 * running, and prints the job's id and the command to watch it.
 */
class CliSignalIT {

    @Test
    void sigtermWhileWaitingLeavesTheJobRunningAndSaysHowToWatchIt() throws Exception {
        LocalCluster cluster = LocalCluster.require();
        Path project = Path.of(System.getProperty("project.root", "..")).toAbsolutePath();
        Path jar = project.resolve("ringrift-slurm-cli/target/ringrift-slurm.jar");
        assertThat(jar).as("built by mvn package before the integration tests").exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // stderr goes to a file: Process.destroy() closes this side's pipes, and what the process
        // prints on its way out would be lost
        Path errFile = Files.createTempFile("ringrift-slurm-sigterm", ".err");
        Process cli = new ProcessBuilder(java, "-jar", jar.toString(), "submit", "tournament", "--config",
                ProjectConfig.fastPolling().write().toString(), "--set", "label=sigterm", "--wait", "--", "--sleep", "120")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(errFile.toFile()).start();
        List<String> err = new java.util.concurrent.CopyOnWriteArrayList<>();
        long id = -1;
        try (SlurmClient client = SlurmClient.builder().baseUrl(cluster.restUrl().toString())
                .tokenSource(TokenSources.jwtKey(cluster.jwtKeyFile(), cluster.user(), Duration.ofMinutes(30), Clock.systemUTC()))
                .build()) {
            try {
                Pattern waiting = Pattern.compile("as Slurm job\\(s\\) \\[(\\d+)\\]; waiting");
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (id < 0 && System.nanoTime() < until) {
                    for (String line : Files.readAllLines(errFile)) {
                        Matcher m = waiting.matcher(line);
                        if (m.find()) {
                            id = Long.parseLong(m.group(1));
                        }
                    }
                    Thread.sleep(100);
                }
                assertThat(id).as("the command said it is waiting: " + err).isPositive();
                Thread.sleep(1000); // well into the wait
                cli.destroy(); // SIGTERM
                assertThat(cli.waitFor(30, TimeUnit.SECONDS)).isTrue();
                err.addAll(Files.readAllLines(errFile));
                String all = String.join("\n", err);
                assertThat(all).contains("stopped waiting; Slurm job(s) [" + id + "] go on (nothing was cancelled)")
                        .contains("ringrift-slurm watch " + id);
                JobInfo job = client.job(id).orElseThrow();
                assertThat(job.isFinal()).as("left running, not cancelled: " + job.state()).isFalse();
            } finally {
                cli.destroyForcibly();
                if (id > 0) {
                    client.cancel(id);
                }
            }
        }
    }
}
