package ai.ringrift.slurm.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * On a Spring test class (e.g. beside {@code @SpringBootTest}): the application's {@code SlurmClient}
 * is a client of the test kit's stateful fake slurmrestd ({@code FakeSlurm}, from
 * {@code ringrift-slurm-testing} in test scope) instead of one from {@code slurm.rest.*}, which then
 * need not be set. The {@code FakeSlurm} is a bean too: inject it to script how jobs run
 * ({@code onNextJobs}), inject faults ({@code unreachableFor}, {@code slurmdbdDown}) and read what was
 * submitted ({@code jobs()}). {@code slurm.fake.clock-speed} (default 1) runs the fake cluster's clock
 * that many times faster than real time; {@code slurm.fake.version} picks the API version it serves.
 * The health indicator checks the fake.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Import(FakeSlurmConfiguration.class)
public @interface AutoConfigureFakeSlurm {}
