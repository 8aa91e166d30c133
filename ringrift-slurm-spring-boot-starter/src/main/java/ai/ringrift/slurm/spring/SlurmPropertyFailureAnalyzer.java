package ai.ringrift.slurm.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link SlurmPropertyException} into Boot's "APPLICATION FAILED TO START" report: the property, what is wrong, what to set. */
public final class SlurmPropertyFailureAnalyzer extends AbstractFailureAnalyzer<SlurmPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SlurmPropertyException cause) {
        return new FailureAnalysis("A Slurm property cannot be used: " + cause.property() + ": " + cause.problem(),
                "Fix " + cause.property() + " in the application's configuration (application.yml, the environment, ...).", cause);
    }
}
