package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.SlurmAuthenticationException;
import ai.ringrift.slurm.rest.SlurmError;
import ai.ringrift.slurm.rest.SlurmException;
import ai.ringrift.slurm.rest.SlurmRejectedException;
import ai.ringrift.slurm.rest.SlurmResponseException;
import ai.ringrift.slurm.rest.SlurmUnreachableException;
import ai.ringrift.slurm.rest.SlurmUsageException;
import ai.ringrift.slurm.rest.Token;
import ai.ringrift.slurm.rest.TokenSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import retrofit2.Call;
import retrofit2.Response;

/**
 * Sends one request and turns what came back into a result or a {@link SlurmException} that says
 * what went wrong, whether a retry can help, and what to fix. The classification follows what the
 * real slurmrestd 24.11 answers (recorded in the test kit, ringrift-slurm-testing):
 *
 * <ul>
 *   <li>a refused or expired token: HTTP 511 with error 1007; no token at all: HTTP 401
 *   <li>an unknown partition (2000), an invalid account (2045) or qos: HTTP 500, never retried
 *   <li>slurmctld down: HTTP 502 with error 1800 on submit, HTTP 500 with error -1 on reads;
 *       slurmctld going away mid-request: HTTP 500 with errno 104 ("Connection reset by peer")
 *   <li>slurmdbd down: HTTP 502 with error 7000; a token slurmdbd refuses: the same, with
 *       "authentication error" in the description
 * </ul>
 */
public final class Exchanges {

    private static final Logger log = LoggerFactory.getLogger(Exchanges.class);

    /** Slurm errors that mean "the daemon could not be reached or is busy now". */
    static boolean isTransientSlurmError(int n) {
        return isSocketErrno(n)
                || (n >= 1001 && n <= 1004) // SLURM_COMMUNICATIONS_*
                || (n >= 1800 && n <= 1805) // SLURMCTLD_COMMUNICATIONS_* (connect, send, receive, shutdown, backoff, hard drop)
                || (n >= 5000 && n <= 5005) // SLURM_PROTOCOL_SOCKET_IMPL_* (timeouts, short reads)
                || n == 7000; // ESLURM_DB_CONNECTION: slurmdbd unreachable
    }

    /**
     * Plain errno values Slurm passes through when its own socket to slurmctld fails (seen on the
     * real server during a slurmctld restart: HTTP 500, error 104 "Connection reset by peer").
     */
    static boolean isSocketErrno(int n) {
        return switch (n) {
            case 4, 11, 32, 103, 104, 110, 111, 112, 113 -> true; // EINTR EAGAIN EPIPE ECONNABORTED ECONNRESET ETIMEDOUT ECONNREFUSED EHOSTDOWN EHOSTUNREACH
            default -> false;
        };
    }

    static boolean isAuthSlurmError(int n) {
        return n == 1007 || (n >= 6000 && n <= 6099);
    }

    /**
     * slurmdbd refuses a bad or expired token differently from slurmctld: slurmrestd 24.11 answers
     * HTTP 502 with error 7000 and "Failed to open slurmdbd connection, authentication error";
     * 26.05.5 answers 502, error 7000, "Failed to open slurmdbd connection", with no word of
     * authentication, as when slurmdbd is down: there, only a token past its expiry tells.
     */
    static boolean isDatabaseAuthFailure(SlurmError e, boolean tokenExpired) {
        return e.errorNumber() == 7000 && isDatabaseAuthFailure(e.description() + " " + e.error(), tokenExpired);
    }

    /** The same rule on an answer's text (the interceptor sees only the body). */
    static boolean isDatabaseAuthFailure(String text, boolean tokenExpired) {
        String t = text.toLowerCase();
        return t.contains("authentication error") || (tokenExpired && t.contains("slurmdbd connection"));
    }

    /** Whether the token's own expiry has passed (false when it has none). */
    static boolean expired(Token token, Clock clock) {
        return token.expiresAt().map(exp -> !exp.isAfter(clock.instant())).orElse(false);
    }

    /** The {@code errors[]} and {@code warnings[]} of an answer, as every version's adapter reads them. */
    record Envelope(List<SlurmError> errors, List<String> warnings) {
        static final Envelope EMPTY = new Envelope(List.of(), List.of());

        Envelope {
            errors = errors == null ? List.of() : List.copyOf(errors);
            warnings = warnings == null ? List.of() : List.copyOf(warnings);
        }
    }

    private final ObjectMapper json;
    private final TokenSource tokens;
    private final Clock clock;
    private final String version;
    private final SubmitPatience patience;

    Exchanges(ObjectMapper json, TokenSource tokens, Clock clock, String version, SubmitPatience patience) {
        this.json = json;
        this.tokens = tokens;
        this.clock = clock;
        this.version = version;
        this.patience = patience;
    }

    /**
     * Sends {@code call}; idempotent requests may also be retried on an unspecified server error.
     * {@code envelope} reads the errors and warnings of a successful answer, which are logged.
     */
    <T> T execute(Call<T> call, boolean idempotent, Function<T, Envelope> envelope) {
        Request request = call.request();
        String what = request.method() + " " + request.url().encodedPath();
        Response<T> response;
        patience.extend(request, call.timeout());
        try {
            response = call.execute();
        } catch (JsonProcessingException e) {
            throw new SlurmResponseException("the answer to " + what + " is not the JSON expected for " + version + " ("
                    + e.getOriginalMessage() + "); pin another API version, or report the answer", 200, e);
        } catch (UnknownHostException e) {
            throw new SlurmUsageException("cannot resolve the slurmrestd host " + request.url().host()
                    + ": check the URL", e);
        } catch (SSLHandshakeException | SSLPeerUnverifiedException e) {
            throw new SlurmUsageException("TLS with " + request.url().host() + ":" + request.url().port()
                    + " failed: " + e.getMessage() + ". If the server's certificate is signed by your own CA, give the "
                    + "client that CA file", e);
        } catch (InFlightLimit.Full e) {
            throw new SlurmUnreachableException("no place to send " + what + ": " + e.getMessage()
                    + " (raise maxInFlight, or slow down)", false, e);
        } catch (ConnectException | NoRouteToHostException e) {
            throw new SlurmUnreachableException("cannot connect to slurmrestd at " + request.url().host() + ":"
                    + request.url().port() + " for " + what + " (" + e.getMessage() + "); is it running?", false, e);
        } catch (SocketTimeoutException e) {
            boolean connecting = String.valueOf(e.getMessage()).toLowerCase().contains("connect");
            throw new SlurmUnreachableException(connecting
                    ? "connecting to slurmrestd for " + what + " (" + e.getMessage() + ")"
                    : "no answer in time to " + what + " (" + e.getMessage() + "): slurmrestd is slow or busy (few -t threads, "
                            + "its --max-connections held by other clients, or slurmctld's RPC rate limit); if that is "
                            + "normal there, give the client a longer read timeout", !connecting, e);
        } catch (IOException e) {
            throw new SlurmUnreachableException("the connection to slurmrestd broke during " + what + " ("
                    + e + ")", true, e);
        }

        if (response.isSuccessful()) {
            T body = response.body();
            if (body == null) {
                throw new SlurmResponseException("slurmrestd sent an empty answer to " + what, response.code(), null);
            }
            logEnvelope(what, envelope.apply(body));
            return body;
        }
        throw refusal(what, response, idempotent);
    }

    private SlurmException refusal(String what, Response<?> response, boolean idempotent) {
        int status = response.code();
        String text = "";
        try (var errorBody = response.errorBody()) {
            if (errorBody != null) {
                text = errorBody.string();
            }
        } catch (IOException e) {
            text = "";
        }
        List<SlurmError> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        try {
            JsonNode tree = json.readTree(text);
            if (tree != null) {
                for (JsonNode e : tree.path("errors")) {
                    errors.add(new SlurmError(e.path("error_number").asInt(-1), e.path("error").asText(""),
                            e.path("description").asText(""), e.path("source").asText("")));
                }
                for (JsonNode w : tree.path("warnings")) {
                    warnings.add(w.path("description").asText(w.toString()));
                }
            }
        } catch (IOException notJson) {
            // slurmrestd itself answers some failures in plain text ("Authentication failure")
        }
        String detail = errors.isEmpty() ? abbreviate(text) : errors.toString();

        boolean auth = status == 401 || status == 511
                || errors.stream().anyMatch(e -> isAuthSlurmError(e.errorNumber()) || isDatabaseAuthFailure(e, tokenExpired()));
        if (auth) {
            return new SlurmAuthenticationException(authMessage(what, status, detail), status, errors, warnings);
        }
        boolean transientStatus = status == 429 || status == 502 || status == 503 || status == 504;
        boolean transientError = errors.stream().anyMatch(e -> isTransientSlurmError(e.errorNumber()));
        boolean unspecified = status >= 500 && !errors.isEmpty() && errors.stream().allMatch(e -> e.errorNumber() == -1);
        boolean permanentError = errors.stream().anyMatch(e -> e.errorNumber() > 0 && !isTransientSlurmError(e.errorNumber()));
        boolean retryable = !permanentError && (transientStatus || transientError || (idempotent && unspecified));

        String message = "slurmrestd refused " + what + " (HTTP " + status + "): " + detail + hint(errors, status);
        return new SlurmRejectedException(message, status, errors, warnings, retryable, retryAfter(response));
    }

    private boolean tokenExpired() {
        try {
            return expired(tokens.current(), clock);
        } catch (SlurmException e) {
            return false;
        }
    }

    private String authMessage(String what, int status, String detail) {
        StringBuilder m = new StringBuilder("slurmrestd did not accept the token for " + what + " (HTTP " + status + ": "
                + detail + "). The token comes from " + tokens.describe() + ". ");
        Token token;
        try {
            token = tokens.current();
        } catch (SlurmException e) {
            return m.append("It cannot be read now: ").append(e.getMessage()).toString();
        }
        Instant now = clock.instant();
        token.expiresAt().ifPresentOrElse(exp -> {
            if (!exp.isAfter(now)) {
                m.append("It expired at ").append(exp).append(" (")
                        .append(Duration.between(exp, now).toMinutes()).append(" min ago): get a new one (scontrol token lifespan=...)");
            } else if (tokens.explainRefusal(token) != null) {
                m.append("It is valid until ").append(exp).append(". ").append(tokens.explainRefusal(token));
            } else {
                m.append("It is valid until ").append(exp)
                        .append(", so it was signed with another key than the cluster's jwt key, or names a user the cluster does not know");
            }
        }, () -> m.append(status == 401 ? "No token was accepted: is X-SLURM-USER-TOKEN set?" : "It is not a JWT the cluster accepts"));
        return m.toString();
    }

    private String hint(List<SlurmError> errors, int status) {
        for (SlurmError e : errors) {
            switch (e.errorNumber()) {
                case 2000: return ". Fix: use a partition the cluster has (see partitions())";
                case 2001: return ". Fix: name a partition; the cluster has no default one";
                case 2002: return ". Fix: the token's user may not do this; use a user with the right privileges";
                case 2017: return ". The job is not in slurmctld: it never existed or has finished and left it (look in slurmdbd)";
                case 2045: return ". Fix: use an account the user is associated with (sacctmgr show assoc user=...), valid on that partition";
                case 2066: return ". Fix: use a qos the user's association allows (sacctmgr show assoc format=user,account,qos)";
                case 1800: case 1801: case 1802: case 1803: return ". slurmctld could not be reached from slurmrestd";
                case 7000: return ". slurmdbd could not be reached from slurmrestd";
                default: break;
            }
            String text = (e.error() + " " + e.description()).toLowerCase();
            if (text.contains("qos")) {
                return ". Fix: use a qos the user's association allows";
            }
        }
        return status == 404 && errors.isEmpty() ? ". Is this path served by this slurmrestd (" + version + ")?" : "";
    }

    private Duration retryAfter(Response<?> response) {
        String value = response.headers().get("Retry-After");
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(clock.instant(), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException unreadable) {
                return null;
            }
        }
    }

    /** Logs the warnings (and any errors) slurmrestd put in a successful answer. */
    private static void logEnvelope(String what, Envelope envelope) {
        for (String w : envelope.warnings()) {
            log.warn("slurmrestd warned on {}: {}", what, w);
        }
        for (SlurmError e : envelope.errors()) {
            log.warn("slurmrestd reported an error in a successful answer to {}: {}", what, e);
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        if (oneLine.isEmpty()) {
            return "no details";
        }
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }
}
