package ai.ringrift.slurm.testing.fake.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** What slurmrestd's auth/jwt checks of an HS256 token: the signature with the key, the expiry, the user claim. */
final class Jwt {

    enum Verdict { OK, EXPIRED, BAD }

    record Checked(Verdict verdict, String user) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private Jwt() {}

    static Checked check(String token, byte[] key, Instant now) {
        if (token == null || token.isBlank()) {
            return new Checked(Verdict.BAD, null);
        }
        String[] parts = token.trim().split("\\.");
        if (parts.length != 3) {
            return new Checked(Verdict.BAD, null);
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            byte[] given = Base64.getUrlDecoder().decode(parts[2]);
            if (!MessageDigest.isEqual(expected, given)) {
                return new Checked(Verdict.BAD, null);
            }
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            String user = claims.path("sun").asText(null);
            if (user == null) {
                return new Checked(Verdict.BAD, null);
            }
            if (claims.path("exp").asLong(0) <= now.getEpochSecond()) {
                return new Checked(Verdict.EXPIRED, user);
            }
            return new Checked(Verdict.OK, user);
        } catch (Exception e) {
            return new Checked(Verdict.BAD, null);
        }
    }
}
