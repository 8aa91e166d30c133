package ai.ringrift.slurm.spring;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.backend.SlurmBackend;
import ai.ringrift.slurm.backend.config.ConfigException;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.spring.backend.SlurmBackendAutoConfiguration;
import ai.ringrift.slurm.testing.fake.FakeSlurm;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class SlurmBackendAutoConfigurationTest {

    @TempDir
    Path dir;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SlurmBackendAutoConfiguration.class, SlurmAutoConfiguration.class));

    private Path yaml(FakeSlurm fake, String partitionLine) throws Exception {
        Path file = dir.resolve("unified_loop.yaml");
        Files.writeString(file, String.join("\n",
                "execution_backend: slurm",
                "slurm:",
                "  rest:",
                "    url: " + fake.baseUrl(),
                "    user: ringrift",
                "    jwt_key_file: " + fake.jwtKeyFile(),
                partitionLine,
                "  partition_selfplay: gpu-selfplay",
                "  partition_tournament: cpu-eval",
                "  shared_root: " + dir,
                ""));
        return file;
    }

    @Test
    void theBackendAndItsClientComeFromTheYamlWhenItIsNamed() throws Exception {
        try (FakeSlurm fake = FakeSlurm.builder().start()) {
            Path file = yaml(fake, "  partition_training: gpu-train");
            runner.withPropertyValues("slurm.backend.config-file=" + file).run(ctx -> {
                assertThat(ctx).hasNotFailed().hasSingleBean(SlurmBackend.class).hasSingleBean(SlurmClient.class)
                        .doesNotHaveBean(SlurmClients.class);
                assertThat(ctx.getBean(SlurmClient.class)).isSameAs(ctx.getBean(SlurmBackend.class).client());
                assertThat(ctx.getBean(SlurmClient.class).ping().controllerUp()).isTrue();
            });
        }
    }

    @Test
    void aBadYamlStopsTheStartWithTheLoadersFileLineAndKey() throws Exception {
        try (FakeSlurm fake = FakeSlurm.builder().start()) {
            Path file = yaml(fake, "  partition_trainin: gpu-train");
            runner.withPropertyValues("slurm.backend.config-file=" + file).run(ctx -> {
                assertThat(ctx).hasFailed();
                Throwable t = ctx.getStartupFailure();
                while (t != null && !(t instanceof ConfigException)) {
                    t = t.getCause();
                }
                assertThat(t).isNotNull();
                assertThat(t.getMessage()).contains(file.toString(), "partition_trainin");
            });
        }
    }

    @Test
    void withoutTheFileNoBackend() throws Exception {
        try (FakeSlurm fake = FakeSlurm.builder().start()) {
            runner.withPropertyValues("slurm.rest.url=" + fake.baseUrl(), "slurm.rest.user=ringrift",
                    "slurm.rest.jwt-key-file=" + fake.jwtKeyFile()).run(ctx ->
                    assertThat(ctx).hasNotFailed().doesNotHaveBean(SlurmBackend.class).hasSingleBean(SlurmClients.class));
        }
    }
}
