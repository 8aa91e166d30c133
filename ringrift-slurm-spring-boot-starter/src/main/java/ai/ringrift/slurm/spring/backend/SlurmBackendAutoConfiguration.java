package ai.ringrift.slurm.spring.backend;

import ai.ringrift.slurm.backend.SlurmBackend;
import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.LoopConfig;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.SlurmMetrics;
import ai.ringrift.slurm.spring.SlurmAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * The RingRift backend as a bean, when {@code ringrift-backend} is on the class path and
 * {@code slurm.backend.config-file} names a {@code unified_loop.yaml}: the file is read by the backend's
 * own {@link ConfigLoader} (every rule and its {@code FILE:LINE: KEY} message in one place, the
 * SLURM_* environment overrides included), and the {@code SlurmClient} bean is the backend's client,
 * made from the file's {@code slurm.rest} block ({@code slurm.rest.*} properties are then not read).
 * Closing the context closes the backend (with {@code cancel_on_close}, its live jobs are cancelled).
 */
@AutoConfiguration(before = SlurmAutoConfiguration.class)
@org.springframework.boot.context.properties.EnableConfigurationProperties(SlurmBackendProperties.class)
@ConditionalOnClass(name = "ai.ringrift.slurm.backend.SlurmBackend")
@ConditionalOnProperty(prefix = "slurm.backend", name = "config-file")
public class SlurmBackendAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public SlurmBackend slurmBackend(SlurmBackendProperties props, ObjectProvider<SlurmMetrics> metrics) {
        LoopConfig config = ConfigLoader.load(props.getConfigFile());
        return SlurmBackend.create(config.slurm(), metrics.getIfAvailable(() -> SlurmMetrics.NONE));
    }

    /** The backend's client (closed with it). */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public SlurmClient slurmClient(SlurmBackend backend) {
        return backend.client();
    }
}
