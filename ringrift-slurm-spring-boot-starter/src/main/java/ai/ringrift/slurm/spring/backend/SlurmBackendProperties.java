package ai.ringrift.slurm.spring.backend;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code slurm.backend.*}: the RingRift backend as a bean (with {@code ringrift-backend} on the class path). */
@ConfigurationProperties(prefix = "slurm.backend")
public class SlurmBackendProperties {

    /** A unified_loop.yaml: the backend and the SlurmClient bean are made from its slurm block (slurm.rest.* properties are then not read). */
    private Path configFile;

    public Path getConfigFile() { return configFile; }
    public void setConfigFile(Path configFile) { this.configFile = configFile; }
}
