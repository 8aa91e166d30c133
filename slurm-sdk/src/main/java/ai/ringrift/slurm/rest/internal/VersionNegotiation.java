package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.rest.ServerInfo;
import ai.ringrift.slurm.rest.SlurmRejectedException;
import ai.ringrift.slurm.rest.SlurmVersionException;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which data parser version a client speaks with its server: the one pinned, or on first contact
 * the newest of the version table's that the server serves; and the check, once per client, that
 * slurmctld and slurmdbd both serve it. Its errors name only versions both sides speak, and when
 * there is none, the Slurm release that would bring one.
 */
public final class VersionNegotiation {

    private static final Logger log = LoggerFactory.getLogger(VersionNegotiation.class);

    private final HttpUrl baseUrl;
    private final ApiVersion pinned;
    private final Function<ApiVersion, ApiAdapter> adapters;
    private final Retrier retrier;
    private final OkHttpClient http;
    private final ObjectMapper json;
    private final VersionTable table = VersionTable.get();

    /** The adapter in use: set at once when a version is pinned, else on first contact. */
    private volatile ApiAdapter api;
    /** The ping answer negotiation got, so that the check does not ask again. */
    private volatile ServerInfo negotiatedPing;
    private final AtomicBoolean checked = new AtomicBoolean();

    VersionNegotiation(HttpUrl baseUrl, ApiVersion pinned, Function<ApiVersion, ApiAdapter> adapters, Retrier retrier,
            OkHttpClient http, ObjectMapper json) {
        this.baseUrl = baseUrl;
        this.pinned = pinned;
        this.adapters = adapters;
        this.retrier = retrier;
        this.http = http;
        this.json = json;
        this.api = pinned == null ? null : adapters.apply(pinned);
    }

    /** The adapter in use; on first contact, the newest version the server serves. */
    ApiAdapter api() {
        ApiAdapter a = api;
        if (a == null) {
            synchronized (this) {
                if (api == null) {
                    api = negotiate();
                }
                a = api;
            }
        }
        return a;
    }

    /** The adapter in use if one has been chosen, else null (never contacts the server). */
    ApiAdapter chosen() {
        return api;
    }

    boolean isChecked() {
        return checked.get();
    }

    /**
     * Pings {@code /slurm/vX/ping/} of each version the table lists, newest first, and takes the
     * first the server answers: one small request on a server of the newest version, one more for
     * each newer version it does not serve (a 404).
     */
    private ApiAdapter negotiate() {
        List<ApiVersion> missing = new ArrayList<>();
        for (ApiVersion version : table.newestFirst()) {
            ApiAdapter candidate = adapters.apply(version);
            try {
                ServerInfo info = retrier.call("ping", candidate::ping);
                negotiatedPing = info;
                log.info("slurmrestd at {} (Slurm {}) serves {}; using it{}", baseUrl, info.slurmRelease(), version,
                        missing.isEmpty() ? "" : " (it does not serve " + missing + ")");
                return candidate;
            } catch (SlurmRejectedException e) {
                if (e.httpStatus().orElse(0) != 404) {
                    throw e;
                }
                missing.add(version);
            }
        }
        throw noVersionInCommon(missing);
    }

    /** Confirms that slurmctld and slurmdbd serve the version in use (one ping, one TRES read), once. */
    ServerInfo check() {
        ApiAdapter a = api();
        ServerInfo info = negotiatedPing;
        try {
            if (info == null) {
                info = retrier.call("ping", a::ping);
            }
        } catch (SlurmRejectedException e) {
            if (e.httpStatus().orElse(0) == 404 && pinned != null) {
                throw pinnedNotServed();
            }
            if (e.httpStatus().orElse(0) == 404) {
                throw pluginMissing("/slurm/" + a.version(), "slurmctld", "");
            }
            throw e;
        }
        try {
            retrier.call("list TRES", () -> {
                a.pingDatabase();
                return null;
            });
        } catch (SlurmRejectedException e) {
            if (e.httpStatus().orElse(0) == 404) {
                throw pluginMissing("/slurmdb/" + a.version(), "slurmdbd", info.slurmRelease());
            }
            throw e;
        }
        checked.set(true);
        negotiatedPing = null;
        log.info("slurmrestd at {} serves {} (Slurm {}, cluster {})", baseUrl, a.version(), info.slurmRelease(), info.cluster());
        return info;
    }

    /** What the server was found to serve, and its release when one answer said. */
    private record Probe(String release, List<ApiVersion> served) {
        List<ApiVersion> inCommon() {
            return served.stream().filter(ApiVersion::isSupported).toList();
        }
    }

    /**
     * Pings every version the table knows but {@code missing} (already answered 404), newest first
     * (only on the way to an error): which ones the server serves, and its release from the first answer.
     */
    private Probe probe(List<ApiVersion> missing) {
        String release = "";
        List<ApiVersion> served = new ArrayList<>();
        for (ApiVersion v : table.known()) {
            if (missing.contains(v)) {
                continue;
            }
            Request request = new Request.Builder().url(baseUrl.resolve("slurm/" + v + "/ping/")).get().build();
            try (Response response = http.newCall(request).execute()) {
                if (response.isSuccessful() && response.body() != null) {
                    served.add(v);
                    if (release.isEmpty()) {
                        release = json.readTree(response.body().byteStream()).path("meta").path("slurm").path("release").asText("");
                    }
                }
            } catch (IOException | RuntimeException e) {
                log.debug("asking {} whether it serves {} failed: {}", baseUrl, v, e.toString());
            }
        }
        return new Probe(release, served);
    }

    private String server(Probe p) {
        return "slurmrestd at " + baseUrl + (p.release().isEmpty() ? "" : " (Slurm " + p.release() + ")");
    }

    /** A server that serves none of this client's versions. */
    private SlurmVersionException noVersionInCommon(List<ApiVersion> missing) {
        Probe p = probe(missing);
        String fix = p.served().isEmpty()
                ? "check that slurmrestd runs with -s openapi/slurmctld,openapi/slurmdbd and that slurm.rest.url points at it"
                : table.whatWouldBringOne(p.served());
        String message = server(p) + " serves none of the API versions this client speaks: " + fix;
        return new SlurmVersionException(message, fix, p.release(), p.served(), table.spoken());
    }

    /** The pinned version is not served: name the ones both sides speak, or what would bring one. */
    private SlurmVersionException pinnedNotServed() {
        Probe p = probe(List.of(pinned));
        List<ApiVersion> common = p.inCommon();
        String fix;
        if (common.isEmpty()) {
            fix = p.served().isEmpty()
                    ? "check that slurmrestd runs with -s openapi/slurmctld,openapi/slurmdbd"
                    : "no version this client speaks is served there: " + table.whatWouldBringOne(p.served());
        } else {
            fix = "pin one both speak (" + common.stream().map(ApiVersion::text).collect(Collectors.joining(", "))
                    + ") or use auto, which picks " + common.get(0);
        }
        String message = server(p) + " does not serve " + pinned + ", the API version pinned (slurm.rest.api_version / "
                + "apiVersion): " + fix;
        return new SlurmVersionException(message, fix, p.release(), p.served(), List.of(pinned));
    }

    /** slurmctld's or slurmdbd's half of the version in use is not served: a plugin slurmrestd was not started with. */
    private SlurmVersionException pluginMissing(String prefix, String plugin, String release) {
        String fix = "start slurmrestd with -s openapi/slurmctld,openapi/slurmdbd (" + plugin + " answers " + prefix
                + ") and check that slurmdbd is configured (AccountingStorageType)";
        String message = "slurmrestd at " + baseUrl + (release.isEmpty() ? "" : " (Slurm " + release + ")")
                + " does not serve " + prefix + ": " + fix;
        Optional<ApiVersion> v = Optional.ofNullable(api).map(ApiAdapter::version);
        return new SlurmVersionException(message, fix, release, List.of(), v.map(List::of).orElse(table.spoken()));
    }
}
