package ai.ringrift.slurm.spring;

import ai.ringrift.slurm.metrics.MicrometerSlurmMetrics;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.SlurmMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A {@link SlurmClient} bean from {@code slurm.rest.*}, its meters in the application's
 * {@link MeterRegistry} (when Micrometer is there), and the {@link SlurmHealthCheck} the Actuator
 * indicators use. Every bean gives way to one of the application's own. Only Spring APIs that Boot 3.5
 * and Boot 4.0 both have are used here; each Boot's health API is in its own auto-configuration.
 */
@AutoConfiguration
@EnableConfigurationProperties(SlurmRestProperties.class)
public class SlurmAutoConfiguration {

    /**
     * Both clients, made at start-up (a bad property stops the application, naming it) without a
     * request: slurmrestd is first contacted when the application or the health check uses it.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean({SlurmClient.class, SlurmClients.class})
    public SlurmClients slurmClients(SlurmRestProperties props, ObjectProvider<SlurmMetrics> metrics) {
        SlurmClientFactory factory = new SlurmClientFactory(props);
        SlurmClient client = factory.client(metrics.getIfAvailable(() -> SlurmMetrics.NONE));
        try {
            return new SlurmClients(client, factory.probeClient(props.getHealth().getTimeout()));
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** The application's client (closed with {@link SlurmClients}). */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public SlurmClient slurmClient(SlurmClients clients) {
        return clients.client();
    }

    /**
     * The health check: on the auto-configured probe client, else on the application's own client
     * (a fake in tests, or one the application made).
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "slurm.rest.health", name = "enabled", matchIfMissing = true)
    public SlurmHealthCheck slurmHealthCheck(ObjectProvider<SlurmClients> clients, SlurmClient client,
            SlurmRestProperties props, ObjectProvider<Clock> clock) {
        // SlurmClients exists only when the application has no SlurmClient of its own: then client is ours.client()
        SlurmClients ours = clients.getIfAvailable();
        SlurmClient checked = ours != null ? ours.probe() : client;
        return new SlurmHealthCheck(checked, props.getHealth().getCacheTime(), clock.getIfAvailable(Clock::systemUTC));
    }

    /** The SDK's meters in the application's registry; no registry of their own. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({MeterRegistry.class, MicrometerSlurmMetrics.class})
    static class Metrics {

        @Bean
        @ConditionalOnMissingBean(SlurmMetrics.class)
        SlurmMetrics slurmMetrics(ObjectProvider<MeterRegistry> registry) {
            MeterRegistry r = registry.getIfAvailable();
            return r == null ? SlurmMetrics.NONE : new MicrometerSlurmMetrics(r);
        }

        /** slurm.token.expiry, read from the client when the registry is scraped. */
        @Bean
        SmartInitializingSingleton slurmTokenExpiryGauge(ObjectProvider<SlurmMetrics> metrics, ObjectProvider<SlurmClient> client) {
            return () -> {
                if (metrics.getIfAvailable() instanceof MicrometerSlurmMetrics m && client.getIfAvailable() != null) {
                    m.bindTokenExpiry(client.getObject());
                }
            };
        }
    }
}
