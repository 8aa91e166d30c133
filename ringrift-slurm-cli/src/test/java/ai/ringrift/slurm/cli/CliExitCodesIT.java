package ai.ringrift.slurm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.backend.WorkType;
import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.testsupport.ProjectConfig;
import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.TokenSources;
import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every exit code of the command line, through the command line, on the local real cluster: 0
 * success; 1 a check, a job or a wait failed (a timeout passed, a job the server refused); 2 usage
 * or configuration; 3 slurmrestd unreachable, refusing the token, or serving no API version this
 * client speaks. Each failure carries its own fix.
 */
class CliExitCodesIT {

    private static LocalCluster cluster;
    private static ProjectConfig yaml;
    private static Path config;
    private static SlurmClient client;

    @BeforeAll
    static void setUp() throws Exception {
        cluster = LocalCluster.require();
        Path project = Path.of(System.getProperty("project.root", ".."));
        yaml = ProjectConfig.fastPolling();
        config = yaml.write();
        client = SlurmClient.builder().baseUrl(cluster.restUrl().toString())
                .tokenSource(TokenSources.jwtKey(cluster.jwtKeyFile(), cluster.user(), Duration.ofMinutes(30), Clock.systemUTC()))
                .build();
        // the demo stand-ins (they take --sleep and --exit), whatever ran before
        Path repo = cluster.sharedDir().resolve("ringrift");
        for (WorkType type : WorkType.values()) {
            Path script = repo.resolve(type.canonicalScript());
            Files.createDirectories(script.getParent());
            try (InputStream in = LoopCommand.class.getResourceAsStream("stand-in.py")) {
                Files.write(script, in.readAllBytes());
            }
        }
    }

    @AfterAll
    static void tearDown() {
        if (client != null) {
            client.close();
        }
    }

    private static Path write(String text) throws Exception {
        Path file = Files.createTempFile("unified_loop_cli", ".yaml");
        Files.writeString(file, text);
        return file;
    }

    private static Cli.Run run(Path configFile, String... args) {
        return Cli.run(configFile, args);
    }

    // ------------------------------------------------------------------ 0 and 1

    @Test
    void zeroForSuccessAndOneForAFailedJob() {
        Cli.Run ok = run(config, "submit", "tournament", "--set", "label=exit-ok", "--wait");
        assertThat(ok.exit()).as(ok.all()).isEqualTo(RingriftSlurm.OK);
        Cli.Run failed = run(config, "submit", "tournament", "--set", "label=exit-3", "--wait", "--", "--exit", "3");
        assertThat(failed.exit()).as(failed.all()).isEqualTo(RingriftSlurm.FAILED);
        assertThat(failed.err()).contains("FAILED exit 3");
    }

    @Test
    void oneWhenTheTimeoutPassesAndTheJobGoesOn() throws Exception {
        Cli.Run r = run(config, "submit", "tournament", "--set", "label=exit-timeout", "--wait", "--timeout", "3s", "--", "--sleep", "300");
        try {
            assertThat(r.exit()).as(r.all()).isEqualTo(RingriftSlurm.FAILED);
            assertThat(r.err()).contains("did not finish within PT3S").contains("nothing was cancelled")
                    .contains("watch them with: ringrift-slurm watch ");
            long id = Long.parseLong(r.err().replaceAll("(?s).*ringrift-slurm watch (\\d+).*", "$1"));
            JobInfo job = client.job(id).orElseThrow();
            assertThat(job.isFinal()).as("the job was left running: " + job.state()).isFalse();
            client.cancel(id);
        } finally {
            client.cancel(client.jobStates().stream().map(e -> e.jobId()).distinct().filter(id ->
                    client.job(id).map(j -> j.name().equals("rr-tournament-exit-timeout")).orElse(false)).toList());
        }
    }

    @Test
    void cancelAfterCancelsAndExitsOne() throws Exception {
        Cli.Run r = run(config, "submit", "tournament", "--set", "label=exit-cancel-after", "--wait", "--cancel-after", "3s",
                "--", "--sleep", "300");
        assertThat(r.exit()).as(r.all()).isEqualTo(RingriftSlurm.FAILED);
        assertThat(r.err()).contains("cancelled Slurm job(s)");
        long id = Long.parseLong(r.err().replaceAll("(?s).*cancelled Slurm job\\(s\\) \\[(\\d+)\\].*", "$1"));
        Instant until = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(until) && client.job(id).map(j -> !j.isFinal()).orElse(false)) {
            Thread.sleep(300);
        }
        assertThat(client.job(id).map(j -> j.state().name()).orElse("CANCELLED")).isEqualTo("CANCELLED");
    }

    @Test
    void oneForAJobTheServerRefuses() {
        Cli.Run partition = run(config, "submit", "tournament", "--set", "partition=no-such-partition");
        assertThat(partition.exit()).as(partition.all()).isEqualTo(RingriftSlurm.FAILED);
        assertThat(partition.err()).contains("2000").contains("gpu-train").contains("cpu-eval");

        Cli.Run gpus = run(config, "submit", "training", "--set", "gpus=9");
        assertThat(gpus.exit()).as(gpus.all()).isEqualTo(RingriftSlurm.FAILED);
        assertThat(gpus.err()).contains("Requested node configuration is not available")
                .contains("Fix: no node of partition 'gpu-train' has 9 GPUs").contains("localhost: 8 CPUs, 16000 MB, 4 GPUs");

        Cli.Run memory = run(config, "submit", "tournament", "--set", "mem=900G");
        assertThat(memory.exit()).as(memory.all()).isEqualTo(RingriftSlurm.FAILED);
        assertThat(memory.err()).contains("921600 MB").contains("16000 MB");
    }

    // ------------------------------------------------------------------ 2

    @Test
    void twoForUsageAndConfiguration() throws Exception {
        Cli.Run option = run(config, "submit", "tournament", "--no-such-option");
        assertThat(option.exit()).isEqualTo(RingriftSlurm.USAGE);
        Cli.Run key = run(config, "submit", "tournament", "--set", "colour=blue");
        assertThat(key.exit()).isEqualTo(RingriftSlurm.USAGE);
        assertThat(key.err()).contains("--set colour: unknown key");
        // not YAML at all: the text itself broken, on purpose
        String text = yaml.text();
        assertThat(text).contains("partition_training: gpu-train");
        Cli.Run badConfig = run(write(text.replace("partition_training: gpu-train", "partition_training: [")), "preflight");
        assertThat(badConfig.exit()).as(badConfig.all()).isEqualTo(RingriftSlurm.USAGE);
        Cli.Run missing = run(Path.of("/nonexistent/unified_loop.yaml"), "preflight");
        assertThat(missing.exit()).isEqualTo(RingriftSlurm.USAGE);
        assertThat(missing.err()).contains("/nonexistent/unified_loop.yaml");
        Cli.Run timeoutAlone = run(config, "submit", "tournament", "--timeout", "1m");
        assertThat(timeoutAlone.exit()).isEqualTo(RingriftSlurm.USAGE);
        assertThat(timeoutAlone.err()).contains("need --wait");
    }

    @Test
    void helpWorksOnEveryCommand() {
        for (String command : new String[] {"preflight", "smoke", "submit", "status", "watch", "cancel", "logs", "workers",
            "loop"}) {
            StringWriter out = new StringWriter();
            int exit = RingriftSlurm.execute(new String[] {command, "--help"}, new PrintWriter(out, true),
                    new PrintWriter(new StringWriter(), true));
            assertThat(exit).as(command).isZero();
            assertThat(out.toString()).as(command).startsWith("Usage: ringrift-slurm " + command);
        }
        StringWriter completion = new StringWriter();
        assertThat(RingriftSlurm.execute(new String[] {"generate-completion"}, new PrintWriter(completion, true),
                new PrintWriter(new StringWriter(), true))).isZero();
        assertThat(completion.toString()).contains("complete -F").contains("preflight").contains("--cancel-after");
    }

    // ------------------------------------------------------------------ 3

    @Test
    void threeWhenSlurmrestdIsUnreachable() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path unreachable = yaml.with("slurm.rest.url", "http://127.0.0.1:" + port).write();
        Cli.Run submit = run(unreachable, "submit", "tournament");
        assertThat(submit.exit()).as(submit.all()).isEqualTo(RingriftSlurm.UNAVAILABLE);
        Cli.Run preflight = run(unreachable, "preflight");
        assertThat(preflight.exit()).isEqualTo(RingriftSlurm.FAILED); // a check failed; its fix names the cause
        assertThat(preflight.out()).contains("FAIL    slurmrestd reachable").contains("start slurmrestd");
    }

    @Test
    void threeWhenTheTokenIsRefusedWithTheTokenFix() throws Exception {
        Path tokenFile = Files.createTempFile("expired", ".jwt");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        // a real token of the cluster's key that expired an hour ago
        Files.writeString(tokenFile, cluster.mintToken(cluster.user(), Duration.ofMinutes(1),
                Clock.offset(Clock.systemUTC(), Duration.ofHours(-1))));
        Path refused = yaml.without("slurm.rest.jwt_key_file").adding("slurm.rest.token_file", tokenFile.toString()).write();
        Cli.Run submit = run(refused, "submit", "tournament");
        assertThat(submit.exit()).as(submit.all()).isEqualTo(RingriftSlurm.UNAVAILABLE);
        assertThat(submit.err()).contains("expired");
        Cli.Run preflight = run(refused, "preflight");
        assertThat(preflight.exit()).isEqualTo(RingriftSlurm.FAILED);
        assertThat(preflight.out()).contains("FAIL    token accepted").contains("give a token slurmrestd accepts")
                .doesNotContain("start slurmrestd");
    }

    @Test
    void threeWhenTheServerServesNoVersionThisClientSpeaksWithTheVersionFix() throws Exception {
        // what slurmrestd 26.05 answers for every path of a version it does not serve (recorded in the versions notes)
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "Unable to find requested URL endpoint. Please query the '/openapi/v3' endpoint for the list of "
                    .concat("available endpoints.").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(404, body.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(body);
            }
        });
        server.start();
        try {
            Path other = yaml.with("slurm.rest.url", "http://127.0.0.1:" + server.getAddress().getPort()).write();
            Cli.Run submit = run(other, "submit", "tournament");
            assertThat(submit.exit()).as(submit.all()).isEqualTo(RingriftSlurm.UNAVAILABLE);
            assertThat(submit.err()).contains("serves none of the API versions this client speaks")
                    .contains("-s openapi/slurmctld,openapi/slurmdbd");
            Cli.Run preflight = run(other, "preflight");
            assertThat(preflight.exit()).isEqualTo(RingriftSlurm.FAILED);
            assertThat(preflight.out()).contains("FAIL    API version").contains("check that slurmrestd runs with -s openapi/slurmctld")
                    .doesNotContain("start slurmrestd");
        } finally {
            server.stop(0);
        }
    }

    // ------------------------------------------------------------------ the job user's view

    @Test
    void preflightFailsWithAFixForALogDirMadeByHandAsRoot() throws Exception {
        Path rootLogs = Files.createDirectories(cluster.sharedDir().resolve("by-hand-" + UUID.randomUUID()));
        Files.setPosixFilePermissions(rootLogs, PosixFilePermissions.fromString("rwxr-xr-x"));
        Cli.Run r = run(yaml.with("slurm.log_dir", rootLogs.toString()).write(), "preflight");
        assertThat(r.exit()).as(r.all()).isEqualTo(RingriftSlurm.FAILED);
        assertThat(r.out()).contains("FAIL    log_dir writable").contains("owner root:root, mode 755")
                .contains("fix: chown ringrift " + rootLogs).contains("preflight FAILED");
        Cli.Run ok = run(config, "preflight");
        assertThat(ok.exit()).as(ok.all()).isZero();
        assertThat(ok.out()).contains("PASS    log_dir writable").contains("as ringrift (probe job");
    }

    @Test
    void logsSaysWhyAJobThatDiedBeforeItsScriptRanHasNoOutput() throws Exception {
        Path rootOnly = Files.createDirectories(cluster.sharedDir().resolve("root-only-" + UUID.randomUUID()));
        Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        long id = client.submit(JobSubmission.builder().name("cli-dies-early").script("#!/bin/bash\necho hi\n")
                .partition("cpu-eval").workingDirectory("/tmp").standardOutput(rootOnly.resolve("x-%j.out").toString())
                .putEnvironment("PATH", "/usr/bin:/bin").build()).jobId();
        Instant until = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(until) && client.job(id).map(j -> !j.isFinal()).orElse(true)) {
            Thread.sleep(300);
        }
        Cli.Run r = run(config, "logs", String.valueOf(id));
        assertThat(r.exit()).isEqualTo(RingriftSlurm.FAILED);
        assertThat(r.err()).contains("could not create its output file " + rootOnly.resolve("x-" + id + ".out")
                + " as user ringrift: log_dir " + rootOnly + " is not writable by that user (owner root:root, mode 755)");
    }
}
