package ai.ringrift.slurm.spring.test;

import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.SlurmMetrics;
import ai.ringrift.slurm.testing.fake.FakeSlurm;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;

/** What {@link AutoConfigureFakeSlurm} imports: a started {@link FakeSlurm} and a client of it, both closed with the context. */
@Configuration(proxyBeanMethods = false)
public class FakeSlurmConfiguration {

    @Bean(destroyMethod = "close")
    public FakeSlurm fakeSlurm(Environment env) {
        FakeSlurm.Builder b = FakeSlurm.builder().clockSpeed(env.getProperty("slurm.fake.clock-speed", Double.class, 1.0));
        String version = env.getProperty("slurm.fake.version");
        if (version != null && !version.isBlank()) {
            b.version(version.trim());
        }
        return b.start();
    }

    /** A client of the fake that reports to the application's meters, as the auto-configured one would. */
    @Bean(destroyMethod = "close")
    @Primary
    public SlurmClient fakeSlurmClient(FakeSlurm fake, ObjectProvider<SlurmMetrics> metrics) {
        return fake.clientBuilder().metrics(metrics.getIfAvailable(() -> SlurmMetrics.NONE)).build();
    }
}
