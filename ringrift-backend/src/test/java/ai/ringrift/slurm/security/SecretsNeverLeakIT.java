package ai.ringrift.slurm.security;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.backend.JobOutcome;
import ai.ringrift.slurm.backend.OrchestratorBackend;
import ai.ringrift.slurm.backend.SlurmBackend;
import ai.ringrift.slurm.backend.TaskSpec;
import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.testsupport.ProjectConfig;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.RetryPolicy;
import ai.ringrift.slurm.rest.SlurmException;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.TokenSource;
import ai.ringrift.slurm.rest.TokenSources;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A full run at TRACE, and the error paths, with every log line, exception message and toString
 * captured: no token and no key may appear in any of them, nor in the job scripts on the shared
 * filesystem, nor in the jobs' environment. Captured: SLF4J (logback at TRACE), java.util.logging at
 * ALL (OkHttp logs there), everything written to System.out and System.err, the fixed, jwtKey,
 * file() and environment() sources with their error paths, and the cluster daemons' own logs. No
 * main source hands an OkHttp Request to a logger (its toString() prints the headers). The OIDC
 * source, the command line's output and the JWKS clusters' logs: OidcJwksRealClusterIT.
 */
class SecretsNeverLeakIT {

    private static final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private static final List<String> texts = new ArrayList<>();
    private static final Set<String> secrets = new HashSet<>();
    private static Level previous;
    private static LocalCluster cluster;
    private static final List<String> julRecords = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final java.io.ByteArrayOutputStream consoleBytes = new java.io.ByteArrayOutputStream();
    private static java.io.PrintStream originalOut;
    private static java.io.PrintStream originalErr;
    private static final java.util.logging.Handler julHandler = new java.util.logging.Handler() {
        @Override
        public void publish(java.util.logging.LogRecord r) {
            String text = new java.util.logging.SimpleFormatter().formatMessage(r);
            julRecords.add(r.getLoggerName() + " " + text + (r.getThrown() == null ? "" : " " + r.getThrown()));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private static java.util.logging.Level julPrevious;

    @BeforeAll
    static void captureEverything() throws Exception {
        cluster = LocalCluster.require();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        LoggerContext context = root.getLoggerContext();
        previous = root.getLevel();
        context.getLoggerList().stream().filter(l -> l != root).forEach(l -> l.setLevel(null)); // all inherit TRACE
        root.setLevel(Level.TRACE);
        captured.setContext(context);
        captured.start();
        root.addAppender(captured);
        // java.util.logging at ALL (OkHttp's loggers are okhttp3.*), and the console, teed
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("");
        julPrevious = jul.getLevel();
        jul.setLevel(java.util.logging.Level.ALL);
        julHandler.setLevel(java.util.logging.Level.ALL);
        jul.addHandler(julHandler);
        java.util.logging.Logger.getLogger("okhttp3").setLevel(java.util.logging.Level.ALL);
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new java.io.PrintStream(new TeeStream(originalOut, consoleBytes), true));
        System.setErr(new java.io.PrintStream(new TeeStream(originalErr, consoleBytes), true));
        byte[] key = Files.readAllBytes(cluster.jwtKeyFile());
        secrets.add(Base64.getEncoder().encodeToString(key));
        secrets.add(Base64.getUrlEncoder().withoutPadding().encodeToString(key));
        secrets.add(new String(key, java.nio.charset.StandardCharsets.ISO_8859_1).substring(0, 16));
    }

    @AfterAll
    static void restore() {
        if (cluster == null) { // the cluster was skipped on purpose before anything was set up
            return;
        }
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(captured);
        root.setLevel(previous);
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("");
        jul.removeHandler(julHandler);
        jul.setLevel(julPrevious);
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    /** Writes to both streams. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            synchronized (b) {
                b.write(c);
            }
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            synchronized (b) {
                b.write(buf, off, len);
            }
        }
    }

    private static void remember(Object thing) {
        texts.add(String.valueOf(thing));
        if (thing instanceof Throwable t) {
            StringBuilder all = new StringBuilder();
            for (Throwable c = t; c != null; c = c.getCause()) {
                all.append(c).append('\n');
            }
            texts.add(all.toString());
        }
    }

    @Test
    void aFullRunAndItsErrorPathsLeakNoTokenOrKey() throws Exception {
        TokenSource minted = TokenSources.jwtKey(cluster.jwtKeyFile(), cluster.user(), Duration.ofMinutes(10), Clock.systemUTC());
        secrets.add(minted.current().value());
        remember(minted.current());
        remember(minted.describe());

        // the backend, end to end, through the project's config
        Path project = Path.of(System.getProperty("project.root", ".."));
        var config = ConfigLoader.load(ProjectConfig.fastPolling().write());
        ai.ringrift.slurm.backend.StandIns.install(config.slurm().repoDir());
        try (SlurmBackend backend = (SlurmBackend) OrchestratorBackend.fromConfig(config)) {
            remember(backend.client());
            JobOutcome outcome = backend.runTournament(TaskSpec.builder().label("secrets").build()).await(Duration.ofMinutes(3));
            remember(outcome);
            outcome.tasks().forEach(t -> t.logTail().forEach(texts::add));
            assertThat(String.join("\n", outcome.tasks().get(0).logTail())).contains("TOKEN_IN_ENV=False");
        }

        // the error paths
        String fixed = cluster.mintToken(cluster.user(), Duration.ofSeconds(-60), Clock.systemUTC());
        secrets.add(fixed);
        try (SlurmClient stale = SlurmClient.builder().baseUrl(cluster.restUrl().toString())
                .tokenSource(TokenSources.fixed(fixed)).retryPolicy(RetryPolicy.none()).build()) {
            remember(stale);
            catching(() -> stale.jobs(1));
            catching(() -> stale.submit(JobSubmission.builder().name("x").script("#!/bin/bash\n").workingDirectory("/tmp").build()));
        }
        try (SlurmClient client = SlurmClient.builder().baseUrl(cluster.restUrl().toString()).tokenSource(minted).build()) {
            catching(() -> client.submit(JobSubmission.builder().name("x").script("#!/bin/bash\n").partition("nope")
                    .workingDirectory("/tmp").build()));
            catching(() -> client.submit(JobSubmission.builder().name("x").script("#!/bin/bash\n").qos("nope")
                    .workingDirectory("/tmp").build()));
            assertThat(client.jobs(99_999_999L)).isEmpty();
        }
        try (SlurmClient nowhere = SlurmClient.builder().baseUrl("http://127.0.0.1:9").tokenSource(minted)
                .retryPolicy(RetryPolicy.none()).build()) {
            catching(nowhere::ping);
        }
        catching(() -> SlurmClient.builder().baseUrl("not a url").tokenSource(minted).build());

        // the file() and environment() sources, good and refused, and their error paths
        String expiredToken = cluster.mintToken(cluster.user(), Duration.ofSeconds(-30), Clock.systemUTC());
        secrets.add(expiredToken);
        Path tokenFile = Files.createTempFile("slurm-token", ".jwt");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        String fileToken = cluster.mintToken(cluster.user(), Duration.ofMinutes(5), Clock.systemUTC());
        secrets.add(fileToken);
        Files.writeString(tokenFile, "SLURM_JWT=" + fileToken + "\n");
        TokenSource fromFile = TokenSources.file(tokenFile);
        remember(fromFile.current());
        remember(fromFile.describe());
        remember(fromFile);
        try (SlurmClient client = SlurmClient.builder().baseUrl(cluster.restUrl().toString()).tokenSource(fromFile)
                .userName(cluster.user()).build()) {
            assertThat(client.partitions()).isNotEmpty();
            Files.writeString(tokenFile, expiredToken); // rotated to a bad one: refused, renewed once, refused
            catching(client::partitions);
        }
        Files.writeString(tokenFile, "two words");
        catching(() -> TokenSources.file(tokenFile).current());
        TokenSource fromEnv = TokenSources.environment(name -> name.equals("SLURM_JWT") ? "SLURM_JWT=" + expiredToken : null);
        remember(fromEnv.current());
        remember(fromEnv.describe());
        remember(fromEnv);
        try (SlurmClient client = SlurmClient.builder().baseUrl(cluster.restUrl().toString()).tokenSource(fromEnv)
                .userName(cluster.user()).retryPolicy(RetryPolicy.none()).build()) {
            catching(client::partitions);
        }
        catching(() -> TokenSources.environment(name -> null));
        catching(() -> TokenSources.fixed("not a token with spaces"));
        Files.delete(tokenFile);

        // everything said, by loggers and by exceptions
        for (ILoggingEvent event : captured.list) {
            texts.add(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                texts.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
        }
        assertThat(captured.list).as("TRACE capture saw the run").hasSizeGreaterThan(5);
        System.out.flush();
        System.err.flush();
        String console;
        synchronized (consoleBytes) {
            console = consoleBytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(console).as("the console capture saw the run (logback's console appender)").isNotEmpty();
        texts.add(console);
        texts.addAll(julRecords);
        assertThat(julRecords).as("java.util.logging capture saw OkHttp or the JDK").isNotEmpty();
        // the cluster daemons' own logs
        try (Stream<Path> logs = Files.list(cluster.rootDir().resolve("var/log/slurm"))) {
            List<Path> files = logs.filter(Files::isRegularFile).toList();
            assertThat(files).as("the daemons' logs").isNotEmpty();
            for (Path log : files) {
                byte[] bytes = Files.readAllBytes(log);
                String text = new String(bytes, Math.max(0, bytes.length - 4_000_000), Math.min(bytes.length, 4_000_000),
                        java.nio.charset.StandardCharsets.ISO_8859_1);
                texts.add(text);
            }
        }
        // and no JWT at all, whoever minted it (the backend mints its own from the config's key)
        java.util.regex.Pattern jwt = java.util.regex.Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}");
        assertThat(jwt.matcher(fixed).find()).as("the pattern finds a real token").isTrue();
        for (String text : texts) {
            for (String secret : secrets) {
                assertThat(text).as("a log line, message or toString").doesNotContain(secret);
            }
            assertThat(jwt.matcher(text).find()).as("a JWT-shaped string in: " + text.substring(0, Math.min(200, text.length())))
                    .isFalse();
        }

        // job scripts written for audit on the shared filesystem
        try (Stream<Path> scripts = Files.list(ConfigLoader.load(ProjectConfig.fastPolling().write()).slurm().jobDir())) {
            for (Path script : scripts.toList()) {
                String body = Files.readString(script);
                assertThat(body).doesNotContain("SLURM_JWT").doesNotContain("X-SLURM-USER-TOKEN");
                for (String secret : secrets) {
                    assertThat(body).doesNotContain(secret);
                }
            }
        }
    }

    /** OkHttp's Request.toString() prints every header, the token's too: no main source logs one. */
    @Test
    void noMainSourceHandsAnOkHttpRequestToALogger() throws Exception {
        Path project = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
        java.util.regex.Pattern logsARequest = java.util.regex.Pattern.compile(
                "\\blog\\.(trace|debug|info|warn|error)\\([^;]*?\\b(request\\(\\)|request|req)\\s*[,)]");
        List<String> offenders = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(project)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/")
                    && !p.toString().contains("/target/")).toList()) {
                scanned++;
                String text = Files.readString(f);
                var m = logsARequest.matcher(text);
                while (m.find()) {
                    offenders.add(project.relativize(f) + ": " + m.group());
                }
            }
        }
        assertThat(scanned).as("main sources scanned").isGreaterThan(50);
        assertThat(logsARequest.matcher("log.info(\"sent {}\", chain.request());").find()).as("the pattern finds one").isTrue();
        assertThat(logsARequest.matcher("log.info(\"{} {}\", chain.request().method(), x);").find()).isFalse();
        assertThat(offenders).isEmpty();
    }

    @Test
    void aKeyFileOthersCanReadIsWarnedAbout() throws Exception {
        Path loose = Files.createTempFile("jwt", ".key");
        Files.write(loose, Files.readAllBytes(cluster.jwtKeyFile()));
        Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
        int before = captured.list.size();
        TokenSources.jwtKey(loose, cluster.user(), Duration.ofMinutes(5), Clock.systemUTC());
        assertThat(captured.list.subList(before, captured.list.size()))
                .anyMatch(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("can be read by other users")
                        && e.getFormattedMessage().contains("chmod 600"));
        Files.delete(loose);
    }

    private static void catching(Runnable r) {
        try {
            r.run();
        } catch (SlurmException e) {
            remember(e);
            return;
        }
        throw new AssertionError("expected an error");
    }
}
