package ai.ringrift.slurm.backend.config;

import java.net.URI;
import java.nio.file.Path;

/**
 * {@code slurm.rest.oidc}: tokens from the site's OpenID Connect provider by client credentials, for a
 * cluster that verifies them with the provider's keys ({@code AuthAltParameters=jwks=...}). One of
 * {@code issuer} and {@code tokenUrl} is set (both may be); one of {@code clientSecretFile} and
 * {@code privateKeyFile}. {@code audience} and {@code userClaim}, when set, are checked on every
 * token before it is sent (Slurm checks neither the issuer nor the audience). {@code caFile}: a PEM CA
 * for an https provider signed by the site's own CA. Environment overrides: SLURM_OIDC_ISSUER,
 * SLURM_OIDC_TOKEN_URL, SLURM_OIDC_CLIENT_ID, SLURM_OIDC_CLIENT_SECRET_FILE,
 * SLURM_OIDC_PRIVATE_KEY_FILE, SLURM_OIDC_SCOPE, SLURM_OIDC_AUDIENCE, SLURM_OIDC_USER_CLAIM.
 */
public record OidcSettings(URI issuer, URI tokenUrl, String clientId, Path clientSecretFile, Path privateKeyFile,
        String keyId, String scope, String audience, String userClaim, Path caFile) {}
