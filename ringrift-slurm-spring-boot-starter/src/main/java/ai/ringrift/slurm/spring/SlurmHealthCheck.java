package ai.ringrift.slurm.spring;

import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.rest.ServerInfo;
import ai.ringrift.slurm.rest.SlurmAuthenticationException;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.SlurmException;
import ai.ringrift.slurm.rest.SlurmServiceException;
import ai.ringrift.slurm.rest.SlurmUnreachableException;
import ai.ringrift.slurm.rest.SlurmVersionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Whether slurmrestd, slurmctld and slurmdbd behind it and the token work: per check one ping of
 * slurmctld and one small read of slurmdbd (on the client's first contact also the version
 * negotiation, once), and a check's answer reused for
 * {@code cacheTime}, so a busy health endpoint cannot load slurmctld. Thread-safe: callers that
 * arrive while a check runs wait for it and share its answer.
 */
public final class SlurmHealthCheck {

    private final SlurmClient client;
    private final Duration cacheTime;
    private final Clock clock;
    private SlurmHealth last;
    private Instant checkedAt;

    public SlurmHealthCheck(SlurmClient client, Duration cacheTime, Clock clock) {
        this.client = Objects.requireNonNull(client, "client == null");
        this.cacheTime = Objects.requireNonNull(cacheTime, "cacheTime == null");
        if (cacheTime.isNegative()) {
            throw new SlurmPropertyException("slurm.rest.health.cache-time", "must not be negative, not " + cacheTime);
        }
        this.clock = Objects.requireNonNull(clock, "clock == null");
    }

    /** The last answer if it is younger than the cache time, else a new check's. */
    public synchronized SlurmHealth health() {
        Instant now = clock.instant();
        if (last == null || !now.isBefore(checkedAt.plus(cacheTime))) {
            last = check();
            checkedAt = now;
        }
        return last;
    }

    private SlurmHealth check() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("url", client.baseUrl().toString());
        try {
            ServerInfo info = client.ping();
            ApiVersion version = client.apiVersion();
            d.put("release", info.slurmRelease());
            d.put("cluster", info.cluster());
            d.put("apiVersion", version.text());
            client.tokenExpiry().ifPresent(t -> d.put("tokenExpires", t.toString()));
            d.put("tokenSource", client.tokenSourceDescription());
            if (!info.controllerUp()) {
                // slurmrestd answers the ping of a token slurmctld refuses in the same way (recorded from the real one)
                return SlurmHealth.down("slurmctld down or token refused", "slurmrestd answers, but slurmctld is down to this "
                        + "client's ping: slurmctld is not running or cannot be reached, or it refuses the token (" + client.tokenSourceDescription() + ")", d);
            }
            client.pingAccounting(); // slurmdbd down is a SlurmServiceException that names it
            return SlurmHealth.up(d);
        } catch (SlurmUnreachableException e) {
            return SlurmHealth.down("slurmrestd unreachable", e.getMessage(), d);
        } catch (SlurmAuthenticationException e) {
            return SlurmHealth.down("token refused", e.getMessage(), d);
        } catch (SlurmVersionException e) {
            return SlurmHealth.down("no common API version", e.getMessage(), d);
        } catch (SlurmServiceException e) {
            String m = String.valueOf(e.getMessage());
            return SlurmHealth.down(m.toLowerCase(Locale.ROOT).contains("slurmdbd") ? "slurmdbd down" : "slurmrestd error", m, d);
        } catch (SlurmException e) {
            return SlurmHealth.down("slurmrestd error", e.getMessage(), d);
        } catch (RuntimeException e) {
            return SlurmHealth.down("check failed", e.getClass().getSimpleName() + ": " + e.getMessage(), d);
        }
    }
}
