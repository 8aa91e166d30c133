package ai.ringrift.slurm.backend;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.SlurmUsageException;
import ai.ringrift.slurm.rest.TokenSources;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncTest {

    @TempDir
    Path dir;

    private SlurmSettings settings(Path sharedRoot) throws Exception {
        return TestSettings.load(dir, sharedRoot, sharedRoot, ""); // repo_dir: the shared root, its default
    }

    private SlurmClient unusedClient() {
        return SlurmClient.builder().baseUrl("http://127.0.0.1:9").tokenSource(TokenSources.fixed("t")).build();
    }

    @Test
    void aWritableSharedRootNeedsNoCopy() throws Exception {
        try (SlurmClient client = unusedClient(); SlurmBackend backend = SlurmBackend.create(settings(dir), client)) {
            assertThatCode(backend::syncModels).doesNotThrowAnyException();
            assertThatCode(backend::syncData).doesNotThrowAnyException();
        }
    }

    @Test
    void aMissingSharedRootIsNamedWithTheFix() throws Exception {
        Path missing = dir.resolve("not-mounted");
        try (SlurmClient client = unusedClient(); SlurmBackend backend = SlurmBackend.create(settings(missing), client)) {
            assertThatThrownBy(backend::syncModels).isInstanceOf(SlurmUsageException.class)
                    .hasMessageContaining(missing.toString()).hasMessageContaining("mount the shared filesystem");
        }
    }
}
