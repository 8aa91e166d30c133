package ai.ringrift.slurm.backend.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.backend.WorkType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private static final String VALID = """
            execution_backend: slurm
            other_loop_block:
              anything: 1
            slurm:
              rest:
                url: http://slurm.example:6820
                user: ringrift
                jwt_key_file: /etc/slurm/jwt_hs256.key
              account: ringrift
              partition_training: h100
              partition_selfplay: h100-selfplay
              partition_tournament: cpu
              shared_root: /shared/ringrift
            """;

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("unified_loop.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void theProjectsOwnConfigLoads() {
        LoopConfig config = ConfigLoader.load(Path.of(System.getProperty("project.root", "..")).resolve("config/unified_loop.yaml"), k -> null);
        assertThat(config.usesSlurm()).isTrue();
        assertThat(config.slurm().of(WorkType.TRAINING).partition()).isEqualTo("gpu-train");
    }

    @Test
    void theLambdaExampleLoadsAndMatchesItsSlurmConf() throws Exception {
        Path project = Path.of(System.getProperty("project.root", ".."));
        LoopConfig config = ConfigLoader.load(project.resolve("config/unified_loop.slurm.example.yaml"), k -> null);
        assertThat(config.usesSlurm()).isTrue();
        SlurmSettings s = config.slurm();
        assertThat(s.moved()).as("the example starts at the design's phase 1").containsExactly(WorkType.TRAINING);
        assertThat(s.of(WorkType.TOURNAMENT).partition()).as("tournaments on CPU-rich nodes").isEqualTo("cpu-eval");
        assertThat(s.of(WorkType.TOURNAMENT).gpus()).isZero();
        assertThat(s.rest().tokenFile()).isEqualTo(Path.of("/etc/ringrift/slurm_jwt"));

        // the example slurm.conf has exactly the YAML's partitions, plus gpu-gh200 kept apart
        List<String> partitions = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(project.resolve("config/slurm/slurm.conf.lambda.example"))) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^PartitionName=(\\S+)").matcher(line);
            if (m.find()) {
                partitions.add(m.group(1));
            }
        }
        List<String> named = java.util.Arrays.stream(WorkType.values()).map(t -> s.of(t).partition()).distinct().toList();
        assertThat(partitions).containsAll(named);
        assertThat(partitions).containsExactlyInAnyOrder("gpu-train", "gpu-selfplay", "cpu-eval", "gpu-gh200");
        assertThat(named).doesNotContain("gpu-gh200");
        // and the gres.conf example covers every GPU node type the slurm.conf declares
        String gres = Files.readString(project.resolve("config/slurm/gres.conf.lambda.example"));
        for (String type : List.of("h100", "a10", "gh200")) {
            assertThat(gres).contains("Type=" + type);
        }
    }

    @Test
    void defaultsAreTheDesignsDefaults() throws Exception {
        SlurmSettings s = ConfigLoader.load(write(VALID), k -> null).slurm();
        assertThat(s.of(WorkType.TRAINING)).isEqualTo(new WorkTypeSettings("h100", 1, 16, 64 * 1024, Duration.ofHours(8), true));
        assertThat(s.of(WorkType.SELFPLAY)).isEqualTo(new WorkTypeSettings("h100-selfplay", 0, 8, 16 * 1024, Duration.ofHours(2), false));
        assertThat(s.of(WorkType.TOURNAMENT).partition()).isEqualTo("cpu");
        assertThat(s.of(WorkType.TOURNAMENT).timeLimit()).isEqualTo(Duration.ofHours(2));
        assertThat(s.jobDir()).isEqualTo(Path.of("/shared/ringrift/slurm/jobs"));
        assertThat(s.containerRuntime()).isEqualTo(ContainerRuntime.NONE);
        assertThat(s.rest().tokenLifespan()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.rest().submitTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.rest().submitSettle()).isEqualTo(Duration.ofSeconds(30));
        // training on one node, started with python3, as before multi-node training existed
        assertThat(s.nodesTraining()).isEqualTo(1);
        assertThat(s.nodes(WorkType.TRAINING)).isEqualTo(1);
        assertThat(s.trainingLauncher()).isEqualTo(TrainingLauncher.PYTHON3);
        assertThat(s.trainingRendezvousPort()).isEqualTo(29500);
    }

    @Test
    void multiNodeTrainingIsRead() throws Exception {
        SlurmSettings s = ConfigLoader.load(write(VALID + """
                  nodes_training: 4
                  training_launcher: torchrun
                  training_rendezvous_port: 29611
                """), k -> null).slurm();
        assertThat(s.nodesTraining()).isEqualTo(4);
        assertThat(s.nodes(WorkType.TRAINING)).isEqualTo(4);
        // only training spreads over nodes
        assertThat(s.nodes(WorkType.SELFPLAY)).isEqualTo(1);
        assertThat(s.nodes(WorkType.TOURNAMENT)).isEqualTo(1);
        assertThat(s.trainingLauncher()).isEqualTo(TrainingLauncher.TORCHRUN);
        assertThat(s.trainingRendezvousPort()).isEqualTo(29611);
        assertThat(ConfigLoader.load(write(VALID + "  nodes_training: 1\n  training_launcher: python3\n"), k -> null).slurm()
                .nodesTraining()).isEqualTo(1);
    }

    @Test
    void submitTimeoutAndSettleTimeAreRead() throws Exception {
        String yaml = VALID.replace("    jwt_key_file: /etc/slurm/jwt_hs256.key\n",
                "    jwt_key_file: /etc/slurm/jwt_hs256.key\n    submit_timeout: 10m\n    submit_settle: 45s\n");
        RestSettings rest = ConfigLoader.load(write(yaml), k -> null).slurm().rest();
        assertThat(rest.submitTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(rest.submitSettle()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void workTypesDefaultToAllThreeAndPhaseOneNeedsOnlyTrainingsPartition() throws Exception {
        assertThat(ConfigLoader.load(write(VALID), k -> null).slurm().movedWorkTypes())
                .containsExactlyInAnyOrder(WorkType.values());
        String phaseOne = VALID.replace("  account: ringrift\n", "  account: ringrift\n  work_types: [training]\n")
                .replace("  partition_selfplay: h100-selfplay\n", "").replace("  partition_tournament: cpu\n", "");
        SlurmSettings s = ConfigLoader.load(write(phaseOne), k -> null).slurm();
        assertThat(s.moved()).containsExactly(WorkType.TRAINING);
        assertThat(s.notMoved()).containsExactly(WorkType.SELFPLAY, WorkType.TOURNAMENT);
        assertThat(s.runsOnSlurm(WorkType.SELFPLAY)).isFalse();
        assertThat(s.of(WorkType.SELFPLAY).partition()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "work_types: [training, gpu]|'gpu' is not training, selfplay or tournament",
        "work_types: [training, training]|names training twice",
        "work_types: []|must be a list of training, selfplay or tournament",
        "work_types: training|must be a list of training, selfplay or tournament",
    })
    void badWorkTypesSayWhatToWrite(String line, String message) throws Exception {
        String yaml = VALID.replace("  account: ringrift\n", "  account: ringrift\n  " + line + "\n");
        assertThatThrownBy(() -> ConfigLoader.load(write(yaml), k -> null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("slurm.work_types").hasMessageContaining(message);
    }

    @Test
    void aMovedWorkTypeStillNeedsItsPartition() throws Exception {
        String yaml = VALID.replace("  account: ringrift\n", "  account: ringrift\n  work_types: [training, tournament]\n")
                .replace("  partition_tournament: cpu\n", "");
        assertThatThrownBy(() -> ConfigLoader.load(write(yaml), k -> null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("slurm.partition_tournament: is missing")
                .hasMessageContaining("leave tournament out of slurm.work_types");
    }

    @Test
    void aTokenSourceFromTheEnvironmentReplacesTheFilesOne() throws Exception {
        // the file mints tokens from jwt_key_file; SLURM_JWT_FROM_ENV=true switches to SLURM_JWT instead
        RestSettings fromEnv = ConfigLoader.load(write(VALID), Map.of("SLURM_JWT_FROM_ENV", "true")::get).slurm().rest();
        assertThat(fromEnv.tokenFromEnvironment()).isTrue();
        assertThat(fromEnv.jwtKeyFile()).isNull();
        assertThat(fromEnv.tokenFile()).isNull();

        RestSettings file = ConfigLoader.load(write(VALID), Map.of("SLURM_TOKEN_FILE", "/run/secrets/jwt")::get).slurm().rest();
        assertThat(file.tokenFile()).isEqualTo(Path.of("/run/secrets/jwt"));
        assertThat(file.jwtKeyFile()).isNull();

        assertThatThrownBy(() -> ConfigLoader.load(write(VALID), Map.of("SLURM_JWT_FROM_ENV", "true",
                "SLURM_TOKEN_FILE", "/run/secrets/jwt")::get))
                .isInstanceOf(ConfigException.class).hasMessageContaining("(environment): sets more than one token source");
    }

    @Test
    void theOidcBlockIsReadAndItsEnvironmentOverridesApply() throws Exception {
        String yaml = VALID.replace("    jwt_key_file: /etc/slurm/jwt_hs256.key\n", """
                    oidc:
                      issuer: https://idp.example/realms/hpc
                      client_id: ringrift-loop
                      client_secret_file: /run/secrets/oidc
                      audience: slurm-prod
                      user_claim: slurm_user
                """);
        OidcSettings o = ConfigLoader.load(write(yaml), k -> null).slurm().rest().oidc();
        assertThat(o).isEqualTo(new OidcSettings(java.net.URI.create("https://idp.example/realms/hpc"), null, "ringrift-loop",
                Path.of("/run/secrets/oidc"), null, null, null, "slurm-prod", "slurm_user", null));
        assertThat(ConfigLoader.load(write(yaml), k -> null).slurm().rest().jwtKeyFile()).isNull();

        Map<String, String> env = Map.of("SLURM_OIDC_CLIENT_ID", "svc2", "SLURM_OIDC_AUDIENCE", "slurm-test",
                "SLURM_OIDC_CLIENT_SECRET_FILE", "/other/secret");
        OidcSettings over = ConfigLoader.load(write(yaml), env::get).slurm().rest().oidc();
        assertThat(over.clientId()).isEqualTo("svc2");
        assertThat(over.audience()).isEqualTo("slurm-test");
        assertThat(over.clientSecretFile()).isEqualTo(Path.of("/other/secret"));

        // SLURM_OIDC_ISSUER makes OIDC the token source, replacing the file's jwt_key_file
        RestSettings fromEnv = ConfigLoader.load(write(VALID), Map.of("SLURM_OIDC_ISSUER", "https://idp.example/r",
                "SLURM_OIDC_CLIENT_ID", "svc", "SLURM_OIDC_CLIENT_SECRET_FILE", "/s")::get).slurm().rest();
        assertThat(fromEnv.jwtKeyFile()).isNull();
        assertThat(fromEnv.oidc().issuer()).hasToString("https://idp.example/r");
        assertThatThrownBy(() -> ConfigLoader.load(write(VALID), Map.of("SLURM_OIDC_ISSUER", "https://idp.example/r",
                "SLURM_TOKEN_FILE", "/t")::get)).hasMessageContaining("sets more than one token source");
    }

    @Test
    void oidcTogetherWithAKeyIsNamed() throws Exception {
        String both = VALID.replace("    jwt_key_file: /etc/slurm/jwt_hs256.key\n", """
                    jwt_key_file: /etc/slurm/jwt_hs256.key
                    oidc: {issuer: "https://idp.example/r", client_id: x, client_secret_file: /s}
                """);
        assertThatThrownBy(() -> ConfigLoader.load(write(both), k -> null)).hasMessageContaining("more than one token source");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{issuer: \"https://idp.example/r\", client_secret_file: /s}                      | slurm.rest.oidc.client_id: is missing",
            "{issuer: \"https://idp.example/r\", client_id: x}                                | needs client_secret_file",
            "{issuer: \"https://idp.example/r\", client_id: x, client_secret_file: /s, secret: hunter2} | slurm.rest.oidc.secret: is not a known key",
            "{issuer: idp.example, client_id: x, client_secret_file: /s}                      | slurm.rest.oidc.issuer: 'idp.example' is not an http"})
    void oidcMistakesAreNamed(String oidc, String named) throws Exception {
        String yaml = VALID.replace("    jwt_key_file: /etc/slurm/jwt_hs256.key\n", "    oidc: " + oidc + "\n");
        assertThat(yaml).contains("oidc: "); // the key it replaces is there
        assertThatThrownBy(() -> ConfigLoader.load(write(yaml), k -> null)).hasMessageContaining(named);
    }

    @Test
    void environmentOverridesTheConnection() throws Exception {
        Map<String, String> env = Map.of("SLURM_REST_URL", "https://other:6820", "SLURM_REST_USER", "svc",
                "SLURM_JWT_KEY_FILE", "/keys/jwt.key");
        RestSettings rest = ConfigLoader.load(write(VALID), env::get).slurm().rest();
        assertThat(rest.url()).isEqualTo("https://other:6820");
        assertThat(rest.user()).isEqualTo("svc");
        assertThat(rest.jwtKeyFile()).isEqualTo(Path.of("/keys/jwt.key"));
    }

    @Test
    void autoWithSlurmDisabledDoesNotUseSlurm() throws Exception {
        LoopConfig c = ConfigLoader.load(write(VALID.replace("execution_backend: slurm", "execution_backend: auto")
                .replace("slurm:\n  rest:", "slurm:\n  enabled: false\n  rest:")), k -> null);
        assertThat(c.usesSlurm()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown key        | '  partiton_training: x'                  | slurm.partiton_training | is not a known key",
        "time not HH:MM:SS  | '  default_time_training: 8h'             | slurm.default_time_training | not a time like HH:MM:SS or D-HH:MM:SS",
        "minutes over 59    | '  default_time_selfplay: \"01:75:00\"'  | slurm.default_time_selfplay | over 59",
        "memory not like 64G| '  mem_training: 64GB'                    | slurm.mem_training | not a memory size like 64G",
        "negative count     | '  gpus_training: -1'                     | slurm.gpus_training | must not be negative",
        "zero cpus          | '  cpus_selfplay: 0'                      | slurm.cpus_selfplay | must be at least 1",
        "unknown runtime    | '  container_runtime: docker'             | slurm.container_runtime | not one of none, apptainer, singularity, pyxis",
        "relative dir       | '  log_dir: logs'                         | slurm.log_dir | must be an absolute path",
        "bad signal         | '  training_warning_signal: usr-1'        | slurm.training_warning_signal | not a signal name",
        "zero nodes         | '  nodes_training: 0'                     | slurm.nodes_training | must be at least 1, not 0; give the nodes each training job runs on: a whole number, 1 (one node, the default) or more",
        "negative nodes     | '  nodes_training: -2'                    | slurm.nodes_training | must be at least 1, not -2",
        "fractional nodes   | '  nodes_training: 1.5'                   | slurm.nodes_training | '1.5' is not a whole number; give the nodes",
        "nodes as a word    | '  nodes_training: two'                   | slurm.nodes_training | 'two' is not a whole number",
        "nodes as a list    | '  nodes_training: [2]'                   | slurm.nodes_training | is not a whole number",
        "unknown launcher   | '  training_launcher: mpirun'             | slurm.training_launcher | 'mpirun' is not python3 or torchrun",
        "port too high      | '  training_rendezvous_port: 70000'       | slurm.training_rendezvous_port | '70000' is not a TCP port; give one from 1 to 65535",
        "port zero          | '  training_rendezvous_port: 0'           | slurm.training_rendezvous_port | is not a TCP port",
    })
    void badValuesNameTheFileTheKeyAndTheLine(String why, String line, String key, String message) throws Exception {
        Path file = write(VALID + line + "\n");
        int expectedLine = VALID.split("\n").length + 1;
        assertThatThrownBy(() -> ConfigLoader.load(file, k -> null))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo(key);
                    assertThat(e.line()).isEqualTo(expectedLine);
                    assertThat(e.getMessage()).startsWith(file + ":" + expectedLine + ": " + key + ": ").contains(message);
                });
    }

    @Test
    void aMissingPartitionIsNamed() throws Exception {
        Path file = write(VALID.replace("  partition_selfplay: h100-selfplay\n", ""));
        assertThatThrownBy(() -> ConfigLoader.load(file, k -> null)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.getMessage()).contains("slurm.partition_selfplay: is missing"));
    }

    @Test
    void aContainerRuntimeNeedsAnImage() throws Exception {
        Path file = write(VALID + "  container_runtime: apptainer\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, k -> null)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.getMessage()).contains("neither container_image_x86_64 nor container_image_arm64"));
    }

    @Test
    void aBadUrlAndMissingTokenSourceAreNamed() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(write(VALID.replace("http://slurm.example:6820", "slurm.example")), k -> null))
                .hasMessageContaining("unified_loop.yaml:6: slurm.rest.url");
        assertThatThrownBy(() -> ConfigLoader.load(write(VALID.replace("    jwt_key_file: /etc/slurm/jwt_hs256.key\n", "")), k -> null))
                .hasMessageContaining("slurm.rest: has no token source");
    }

    @Test
    void yamlThatDoesNotParseSaysWhere() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(write("execution_backend: slurm\nslurm: [\n"), k -> null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is not valid YAML");
    }

    @Test
    void aMisspeltKeyGetsTheNearestKeysNotTheWholeList() {
        java.util.Set<String> keys = java.util.Set.of("partition_training", "partition_selfplay", "gpus_training", "mem_training",
                "poll_interval_min", "poll_interval_max");
        org.assertj.core.api.Assertions.assertThat(ConfigLoader.suggestion("partiton_training", keys))
                .isEqualTo("; did you mean partition_training?");
        org.assertj.core.api.Assertions.assertThat(ConfigLoader.suggestion("poll_interval", keys))
                .isEqualTo("; did you mean poll_interval_max or poll_interval_min?");
        org.assertj.core.api.Assertions.assertThat(ConfigLoader.suggestion("colour", keys)).startsWith("; known keys: [");
    }
}
