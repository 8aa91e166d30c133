package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.Token;
import ai.ringrift.slurm.rest.TokenSource;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the token (and the user name, when set) on every request. When slurmrestd refuses the token
 * (HTTP 511 or 401; for slurmdbd endpoints 502 with "authentication error", or on Slurm 26.05, which
 * says no more than "Failed to open slurmdbd connection", 502 with a token past its expiry) and the
 * source can renew it, the request goes once more with the new token: the server acted on nothing,
 * so sending it again cannot duplicate a job.
 */
public final class AuthInterceptor implements Interceptor {

    static final String TOKEN_HEADER = "X-SLURM-USER-TOKEN";
    static final String USER_HEADER = "X-SLURM-USER-NAME";

    private static final Logger log = LoggerFactory.getLogger(AuthInterceptor.class);

    private final TokenSource tokens;
    private final String userName;
    private final java.time.Clock clock;

    AuthInterceptor(TokenSource tokens, String userName, java.time.Clock clock) {
        this.tokens = tokens;
        this.userName = userName;
        this.clock = clock;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Token token = tokens.current();
        Response response = chain.proceed(sign(chain.request(), token));
        if (!refusedToken(response, Exchanges.expired(token, clock))) {
            return response;
        }
        Token renewed = tokens.renew(token);
        if (renewed == null || renewed.value().equals(token.value())) {
            return response;
        }
        log.info("slurmrestd refused the token (HTTP {}); sending {} {} again with a renewed one from {}",
                response.code(), chain.request().method(), chain.request().url().encodedPath(), tokens.describe());
        response.close();
        return chain.proceed(sign(chain.request(), renewed));
    }

    /** 511 or 401 from slurmctld's side; from slurmdbd's, a 502 that {@link Exchanges#isDatabaseAuthFailure} takes for one. */
    private static boolean refusedToken(Response response, boolean tokenExpired) throws IOException {
        if (response.code() == 511 || response.code() == 401) {
            return true;
        }
        return response.code() == 502
                && Exchanges.isDatabaseAuthFailure(response.peekBody(64 * 1024).string(), tokenExpired);
    }

    private Request sign(Request request, Token token) {
        Request.Builder signed = request.newBuilder().header(TOKEN_HEADER, token.value());
        if (userName != null) {
            signed.header(USER_HEADER, userName);
        }
        return signed.build();
    }
}
