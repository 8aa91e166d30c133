package ai.ringrift.slurm.testing.contract;

import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.TokenSource;
import ai.ringrift.slurm.rest.TokenSources;
import ai.ringrift.slurm.recordings.Recordings;
import ai.ringrift.slurm.testing.fake.FakeSlurm;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** Where the contract scenarios run: the fake of one API version, or the real cluster of the release its recordings came from. */
abstract class Target implements AutoCloseable {

    abstract String name();

    abstract String version();

    /** slurmrestd's URL (the scenario's client goes through a {@link WireTap} in front of it). */
    abstract String url();

    abstract Clock clock();

    abstract TokenSource tokens();

    abstract String user();

    abstract String account();

    /** The directory jobs run in and write their logs under. */
    abstract String sharedDir();

    abstract ClusterControl control();

    /** The next submission through {@code tap} loses its answer after its job was created. */
    abstract void loseNextSubmitAnswer(WireTap tap);

    /** A token that expired an hour ago, minted from the cluster's key (through the SDK's public TokenSources). */
    TokenSource expiredTokens() {
        return TokenSources.fixed(TokenSources.jwtKey(keyFile(), user(), Duration.ofMinutes(1),
                Clock.offset(clock(), Duration.ofHours(-2))).current().value());
    }

    /**
     * A token for the right user signed with another key, fixed: a key-minted source would be
     * renewed and the request sent once more only when the renewal differs, that is once its
     * second has passed (timing, not behaviour).
     */
    TokenSource foreignTokens() {
        try {
            Path other = Files.createTempFile("contract-foreign", ".key",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.write(other, key);
            other.toFile().deleteOnExit();
            return TokenSources.fixed(TokenSources.jwtKey(other, user(), Duration.ofHours(1), clock()).current().value());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    abstract Path keyFile();

    /** The SDK as a service builds it, pointed at the tap, pinned to the version. */
    SlurmClient client(WireTap tap, TokenSource tokens) {
        return SlurmClient.builder().baseUrl(tap.url()).apiVersion(ai.ringrift.slurm.rest.ApiVersion.of(version())).tokenSource(tokens).clock(clock()).build();
    }

    /** The Slurm release whose answers a version's recordings are (the ping's meta), such as 26.05.5. */
    static String recordedRelease(String version) {
        return Recordings.body(version, "ping").path("meta").path("slurm").path("release").asText();
    }

    @Override
    public void close() {}

    // ------------------------------------------------------------------

    /** The fake, its clock {@link #SPEED} times real time. */
    static final class Fake extends Target {
        static final double SPEED = 10;
        final FakeSlurm fake;

        Fake(String version) {
            fake = FakeSlurm.builder().version(version).clockSpeed(SPEED).start();
        }

        @Override String name() { return "fake " + fake.version() + " (recordings of Slurm " + recordedRelease(fake.version()) + ")"; }
        @Override String version() { return fake.version(); }
        @Override String url() { return fake.baseUrl(); }
        @Override Clock clock() { return fake.time(); }
        @Override TokenSource tokens() { return fake.tokenSource(user()); }
        @Override String user() { return "ringrift"; }
        @Override String account() { return "ringrift"; }
        @Override String sharedDir() { return "/shared"; }
        @Override Path keyFile() { return fake.jwtKeyFile(); }
        @Override ClusterControl control() { return ClusterControl.of(fake); }
        @Override void loseNextSubmitAnswer(WireTap tap) { fake.loseNextSubmitAnswer(); }
        @Override public void close() { fake.close(); }
    }

    /**
     * A real local cluster, found through the cluster.env that scripts/local-slurm.sh writes for the
     * release (/var/lib/ringrift-slurm for 24.11, /var/lib/ringrift-slurm-RELEASE for others), as
     * slurm-client's LocalCluster finds it. Unreachable: the test fails, unless
     * RINGRIFT_SKIP_CLUSTER_TESTS=true skips it on purpose (reported as skipped).
     */
    static final class Real extends Target {
        private final String version;
        private final Map<String, String> env;
        private final String release;

        Real(String version) {
            this.version = version;
            String recorded = recordedRelease(version);
            this.release = recorded.substring(0, recorded.lastIndexOf('.')); // 26.05.5 -> 26.05
            Path file = Path.of(release.equals("24.11") ? "/var/lib/ringrift-slurm" : "/var/lib/ringrift-slurm-" + release, "cluster.env");
            this.env = read(file);
            String url = need("SLURM_REST_URL");
            java.net.URI uri = java.net.URI.create(url);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2000);
            } catch (IOException e) {
                unavailable("slurmrestd of Slurm " + release + " does not answer at " + url + " (" + e.getMessage() + ")");
            }
        }

        private Map<String, String> read(Path file) {
            Map<String, String> facts = new LinkedHashMap<>();
            if (!Files.isReadable(file)) {
                unavailable("there is no " + file + " (Slurm " + release + " is not set up here)");
            }
            try {
                for (String line : Files.readAllLines(file)) {
                    int eq = line.indexOf('=');
                    if (eq > 0 && !line.startsWith("#")) {
                        facts.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return facts;
        }

        private void unavailable(String why) {
            String message = "The contract suite runs against the real Slurm " + release + " here, but " + why
                    + ". Start it with: sudo " + (release.equals("24.11") ? "" : "RINGRIFT_SLURM_RELEASE=" + release + " ")
                    + "scripts/local-slurm.sh up (or set RINGRIFT_SKIP_CLUSTER_TESTS=true to skip real-cluster tests on purpose).";
            if ("true".equalsIgnoreCase(System.getenv("RINGRIFT_SKIP_CLUSTER_TESTS"))) {
                Assumptions.abort(message);
            }
            throw new IllegalStateException(message);
        }

        private String need(String key) {
            String v = env.get(key);
            if (v == null || v.isBlank()) {
                throw new IllegalStateException("cluster.env of Slurm " + release + " has no " + key + "; run scripts/local-slurm.sh up again");
            }
            return v;
        }

        String release() { return release; }
        @Override String name() { return "Slurm " + release + " " + version; }
        @Override String version() { return version; }
        @Override String url() { return need("SLURM_REST_URL"); }
        @Override Clock clock() { return Clock.systemUTC(); }
        @Override TokenSource tokens() { return TokenSources.jwtKey(keyFile(), user(), Duration.ofHours(1), clock()); }
        @Override String user() { return need("SLURM_CLUSTER_USER"); }
        @Override String account() { return need("SLURM_CLUSTER_ACCOUNT"); }
        @Override String sharedDir() { return need("SLURM_SHARED_DIR"); }
        @Override Path keyFile() { return Path.of(need("SLURM_JWT_KEY_FILE")); }
        @Override ClusterControl control() { return ClusterControl.root(Path.of(need("SLURM_CLUSTER_ROOT"))); }
        @Override void loseNextSubmitAnswer(WireTap tap) { tap.loseNextSubmitAnswer(); }
    }
}
