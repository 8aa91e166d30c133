package ai.ringrift.slurm.spring;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One health check's answer, in no Spring Boot version's types: {@code up}, and details (Slurm
 * release, API version, token expiry when up; {@code reason} and {@code error} when down). Never a
 * stack trace, never a token. The Actuator indicators of Boot 3 and Boot 4 turn it into theirs.
 */
public record SlurmHealth(boolean up, Map<String, Object> details) {

    public SlurmHealth {
        Objects.requireNonNull(details, "details == null");
        details = Map.copyOf(details);
    }

    static SlurmHealth up(Map<String, Object> details) {
        return new SlurmHealth(true, details);
    }

    static SlurmHealth down(String reason, String error, Map<String, Object> more) {
        Map<String, Object> d = new LinkedHashMap<>(more);
        d.put("reason", reason);
        if (error != null) {
            d.put("error", error);
        }
        return new SlurmHealth(false, d);
    }
}
