import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a new RS256 signing key (a private JWK, mode 600) for the local OIDC provider: run by
 * scripts/oidc-provider.sh with the provider's class path (nimbus-jose-jwt comes with it).
 * The provider gives the key its issuer's id as kid; the cluster gets the public half from the
 * provider's jwks_uri.
 */
public final class NewSigningKey {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String jwk = new RSAKeyGenerator(2048).keyID("local").algorithm(JWSAlgorithm.RS256)
                .keyUse(KeyUse.SIGNATURE).generate().toJSONString();
        Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".key", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, jwk);
        Files.move(tmp, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
