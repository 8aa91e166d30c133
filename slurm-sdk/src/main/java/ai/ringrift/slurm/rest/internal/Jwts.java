package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.SlurmUsageException;
import ai.ringrift.slurm.rest.TokenSources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The little of JWT that Slurm uses: HS256 with the claims sun, iat and exp. Public so that tests
 * and tools can mint a token the way {@link TokenSources#jwtKey} does.
 */
public final class Jwts {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEADER = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    private Jwts() {}

    /** Signs a token for {@code user} as {@code scontrol token} does. */
    /** A token for {@code user}, signed with Slurm's jwt key, valid from {@code issuedAt} to {@code expiresAt}. */
    public static String mint(byte[] key, String user, Instant issuedAt, Instant expiresAt) {
        var claims = JSON.createObjectNode()
                .put("iat", issuedAt.getEpochSecond())
                .put("exp", expiresAt.getEpochSecond())
                .put("sun", user);
        String payload = b64(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] signature = mac.doFinal((HEADER + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return HEADER + "." + payload + "." + b64(signature);
        } catch (GeneralSecurityException e) {
            throw new SlurmUsageException("cannot sign a JWT with HmacSHA256 in this JVM", e);
        }
    }

    /** The {@code exp} claim of a JWT, if it is one and has it. */
    /** When a token expires, if it is a JWT with an exp claim. */
    public static Optional<Instant> expiry(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            JsonNode exp = claims.get("exp");
            return exp != null && exp.canConvertToLong() ? Optional.of(Instant.ofEpochSecond(exp.asLong())) : Optional.empty();
        } catch (Exception notAJwt) {
            return Optional.empty();
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
