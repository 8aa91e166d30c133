package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.rest.*;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An https slurmrestd whose certificate comes from a private CA: refused without the CA file, accepted with it. */
class TlsTrustTest {

    @TempDir
    static Path dir;

    private static WireMockServer server;
    private static Path caFile;

    @BeforeAll
    static void start() throws Exception {
        Path keystore = dir.resolve("server.p12");
        caFile = dir.resolve("ca.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-file", caFile.toString());
        server = new WireMockServer(wireMockConfig().httpDisabled(true).dynamicHttpsPort()
                .keystorePath(keystore.toString()).keystorePassword("changeit").keyManagerPassword("changeit")
                .keystoreType("PKCS12"));
        server.start();
        Recorded.Answer ping = Recorded.answer("ping");
        server.stubFor(get(urlPathEqualTo("/slurm/v0.0.40/ping/")).willReturn(aResponse().withStatus(200).withBody(ping.body())));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    private static SlurmClient.Builder client() {
        return SlurmClient.builder().baseUrl("https://127.0.0.1:" + server.httpsPort())
                .tokenSource(TokenSources.fixed("t0k3n")).retryPolicy(RetryPolicy.none()).checkVersion(false).apiVersion(ApiVersion.of("v0.0.40"));
    }

    @Test
    void anUntrustedCertificateIsRefusedWithWhatToDo() {
        try (SlurmClient untrusting = client().build()) {
            assertThatThrownBy(untrusting::ping).isInstanceOfSatisfying(SlurmUsageException.class,
                    e -> assertThat(e.getMessage()).contains("TLS with 127.0.0.1").contains("give the client that CA file"));
        }
    }

    @Test
    void theSameServerIsAcceptedWithItsCaFile() {
        try (SlurmClient trusting = client().trustedCaFile(caFile).build()) {
            assertThat(trusting.ping().slurmRelease()).startsWith("24.11");
        }
    }

    @Test
    void aCaFileThatIsNotPemIsRefusedAtBuild() throws Exception {
        Path junk = dir.resolve("junk.pem");
        Files.writeString(junk, "not a certificate");
        assertThatThrownBy(() -> client().trustedCaFile(junk).build()).isInstanceOf(SlurmUsageException.class)
                .hasMessageContaining(junk.toString());
    }

    @Test
    void anUnknownHostIsNamedWithTheFix() {
        try (SlurmClient nowhere = SlurmClient.builder().baseUrl("http://no-such-host.invalid:6820")
                .tokenSource(TokenSources.fixed("t0k3n")).retryPolicy(RetryPolicy.none()).checkVersion(false).apiVersion(ApiVersion.of("v0.0.40")).build()) {
            assertThatThrownBy(nowhere::ping).isInstanceOfSatisfying(SlurmUsageException.class,
                    e -> assertThat(e.getMessage()).contains("cannot resolve the slurmrestd host no-such-host.invalid"));
        }
    }

    @Test
    void aBadUrlIsRefusedAtBuildWithTheFormToUse() {
        assertThatThrownBy(() -> SlurmClient.builder().baseUrl("127.0.0.1:6820").tokenSource(TokenSources.fixed("x")).build())
                .isInstanceOf(SlurmUsageException.class).hasMessageContaining("http://HOST:6820");
    }
}
