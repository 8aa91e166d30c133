package ai.ringrift.slurm.spring.actuate;

import ai.ringrift.slurm.spring.SlurmAutoConfiguration;
import ai.ringrift.slurm.spring.SlurmHealth;
import ai.ringrift.slurm.spring.SlurmHealthCheck;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The Actuator health indicator {@code slurm} on Spring Boot 3 ({@code org.springframework.boot.actuate.health}).
 * Boot 4 moved the health API; ringrift-slurm-spring-boot4-starter has its indicator.
 */
@AutoConfiguration(after = SlurmAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
@ConditionalOnBean(SlurmHealthCheck.class)
public class SlurmHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "slurmHealthIndicator")
    public HealthIndicator slurmHealthIndicator(SlurmHealthCheck check) {
        return () -> {
            SlurmHealth h = check.health();
            return (h.up() ? Health.up() : Health.down()).withDetails(h.details()).build();
        };
    }
}
