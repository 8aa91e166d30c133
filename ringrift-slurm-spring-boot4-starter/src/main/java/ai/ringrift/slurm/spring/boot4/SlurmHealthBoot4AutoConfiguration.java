package ai.ringrift.slurm.spring.boot4;

import ai.ringrift.slurm.spring.SlurmAutoConfiguration;
import ai.ringrift.slurm.spring.SlurmHealth;
import ai.ringrift.slurm.spring.SlurmHealthCheck;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The Actuator health indicator {@code slurm} on Spring Boot 4 ({@code org.springframework.boot.health.contributor},
 * module spring-boot-health). On Boot 3 that package does not exist and this is skipped; the starter's
 * own indicator serves Boot 3.
 */
@AutoConfiguration(after = SlurmAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(SlurmHealthCheck.class)
public class SlurmHealthBoot4AutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "slurmHealthIndicator")
    public HealthIndicator slurmHealthIndicator(SlurmHealthCheck check) {
        return () -> {
            SlurmHealth h = check.health();
            return (h.up() ? Health.up() : Health.down()).withDetails(h.details()).build();
        };
    }
}
