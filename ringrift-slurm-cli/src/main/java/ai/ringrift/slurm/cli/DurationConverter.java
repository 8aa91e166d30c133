package ai.ringrift.slurm.cli;

import ai.ringrift.slurm.backend.config.SlurmUnits;
import java.time.Duration;
import picocli.CommandLine;

/** "90s", "30m", "2h" or "1d": the durations of the config (one grammar: SlurmUnits.duration). */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return SlurmUnits.duration(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
