package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Settings for the backend's unit tests, read through the real loader (every rule of the config
 * applies): the keys every config needs, an unreachable slurmrestd, and what a test adds.
 */
final class TestSettings {

    private TestSettings() {
    }

    /**
     * @param dir where the YAML file is written
     * @param extraYaml further keys of the {@code slurm:} block, each line indented by two spaces
     */
    static SlurmSettings load(Path dir, Object sharedRoot, Object repoDir, String extraYaml) throws Exception {
        Path yaml = Files.createTempFile(dir, "loop", ".yaml");
        Files.writeString(yaml, """
                execution_backend: slurm
                slurm:
                  rest: {url: "http://127.0.0.1:9", user: u, jwt_key_file: /k}
                  partition_training: t
                  partition_selfplay: s
                  partition_tournament: c
                  shared_root: %s
                  repo_dir: %s
                """.formatted(sharedRoot, repoDir) + extraYaml);
        return ConfigLoader.load(yaml, k -> null).slurm();
    }
}
