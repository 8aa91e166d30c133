package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.rest.internal.Jwts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token sources the SDK has: from an OpenID Connect provider, fixed, from the environment, from a
 * rotated file, or minted from the jwt key.
 */
public final class TokenSources {

    private static final Logger log = LoggerFactory.getLogger(TokenSources.class);

    private TokenSources() {}

    /** One token for the life of the client; when it is refused, calls fail with the reason. */
    public static TokenSource fixed(String token) {
        return constant(Token.of(token), "a fixed token");
    }

    /** The {@code SLURM_JWT} environment variable, with or without the {@code SLURM_JWT=} prefix. */
    public static TokenSource environment() {
        return environment(System::getenv);
    }

    /** As {@link #environment()}, reading variables through {@code env} (for tests). */
    public static TokenSource environment(UnaryOperator<String> env) {
        String value = env.apply("SLURM_JWT");
        if (value == null || value.isBlank()) {
            throw new SlurmUsageException("SLURM_JWT is not set: export the token that `scontrol token` prints, "
                    + "or configure a token file or the cluster's jwt key instead");
        }
        return constant(Token.of(value), "the SLURM_JWT environment variable");
    }

    /** A source that always gives {@code token}, described as {@code description}. */
    private static TokenSource constant(Token token, String description) {
        return new TokenSource() {
            @Override
            public Token current() {
                return token;
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    /**
     * A file holding the token (as {@code scontrol token} prints it, or the bare token), read again
     * whenever it changes: operators rotate it underneath a running service.
     */
    public static TokenSource file(Path file) {
        return new TokenFile(file);
    }

    /**
     * Tokens this client mints itself for {@code user} from the cluster's HS256 key
     * ({@code AuthAltParameters=jwt_key=...}), each valid for {@code lifespan}, renewed before they
     * expire. Only one thread renews when many need a token at once.
     */
    public static TokenSource jwtKey(Path keyFile, String user, Duration lifespan, Clock clock) {
        return new MintedTokens(keyFile, user, lifespan, clock);
    }

    /**
     * Tokens from an OpenID Connect provider (client credentials), for a cluster that verifies them
     * with the provider's keys ({@code AuthAltParameters=jwks=...}): the least-privilege way, since
     * the service holds no key that signs for other users. See {@link OidcTokenSource}.
     */
    public static OidcTokenSource.Builder oidc() {
        return OidcTokenSource.builder();
    }

    static void warnIfOthersCanRead(Path file, String what) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
                log.warn("{} {} can be read by other users (mode {}); restrict it with chmod 600", what, file,
                        java.nio.file.attribute.PosixFilePermissions.toString(perms));
            }
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system, or vanished: the read that follows reports it
        }
    }

    private static final class TokenFile implements TokenSource {
        private final Path file;
        private final Object lock = new Object();
        private FileTime readTime;
        private long readSize = -1;
        private Token token;

        TokenFile(Path file) {
            this.file = Objects.requireNonNull(file, "file == null");
            warnIfOthersCanRead(file, "token file");
            current();
        }

        @Override
        public Token current() {
            synchronized (lock) {
                try {
                    FileTime modified = Files.getLastModifiedTime(file);
                    long size = Files.size(file);
                    if (token == null || !modified.equals(readTime) || size != readSize) {
                        token = read();
                        readTime = modified;
                        readSize = size;
                    }
                    return token;
                } catch (IOException e) {
                    if (token != null) {
                        log.warn("token file {} cannot be read now ({}); using the token read before", file, e.toString());
                        return token;
                    }
                    throw new SlurmUsageException("cannot read the token file " + file + ": " + e, e);
                }
            }
        }

        @Override
        public boolean renewable() {
            return true; // operators rotate the file
        }

        @Override
        public Token renew(Token rejected) {
            synchronized (lock) {
                try {
                    Token fresh = read();
                    if (fresh.value().equals(rejected.value())) {
                        return null; // nobody has rotated it yet
                    }
                    token = fresh;
                    readTime = Files.getLastModifiedTime(file);
                    readSize = Files.size(file);
                    return fresh;
                } catch (IOException e) {
                    return null;
                }
            }
        }

        private Token read() throws IOException {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (text.isEmpty()) {
                throw new SlurmUsageException("the token file " + file + " is empty");
            }
            return Token.of(text);
        }

        @Override
        public String describe() {
            return "the token file " + file;
        }
    }

    private static final class MintedTokens implements TokenSource {
        private final Path keyFile;
        private final String user;
        private final Duration lifespan;
        private final Clock clock;
        private final Duration renewBefore;
        private final Object lock = new Object();
        private volatile Token token;

        MintedTokens(Path keyFile, String user, Duration lifespan, Clock clock) {
            this.keyFile = Objects.requireNonNull(keyFile, "keyFile == null");
            this.user = Objects.requireNonNull(user, "user == null");
            this.lifespan = Objects.requireNonNull(lifespan, "lifespan == null");
            this.clock = Objects.requireNonNull(clock, "clock == null");
            if (user.isBlank()) {
                throw new SlurmUsageException("the user to mint tokens for is empty");
            }
            if (lifespan.compareTo(Duration.ofSeconds(10)) < 0) {
                throw new SlurmUsageException("token lifespan " + lifespan + " is too short; give at least 10 seconds");
            }
            // renew when a fifth of the lifespan is left, and no earlier than five minutes before expiry
            Duration fifth = lifespan.dividedBy(5);
            this.renewBefore = fifth.compareTo(Duration.ofMinutes(5)) > 0 ? Duration.ofMinutes(5) : fifth;
            warnIfOthersCanRead(keyFile, "jwt key file");
            readKey();
        }

        @Override
        public Token current() {
            Token t = token;
            if (t != null && clock.instant().isBefore(t.expiresAt().orElseThrow().minus(renewBefore))) {
                return t;
            }
            synchronized (lock) {
                t = token;
                if (t == null || !clock.instant().isBefore(t.expiresAt().orElseThrow().minus(renewBefore))) {
                    t = mint();
                    token = t;
                }
                return t;
            }
        }

        @Override
        public boolean renewable() {
            return true;
        }

        @Override
        public Token renew(Token rejected) {
            synchronized (lock) {
                Token t = token;
                if (t != null && !t.value().equals(rejected.value())) {
                    return t; // another thread renewed already
                }
                t = mint();
                token = t;
                return t;
            }
        }

        private Token mint() {
            Instant now = clock.instant();
            Instant expires = now.plus(lifespan);
            log.debug("minting a token for {} valid until {}", user, expires);
            return Token.of(Jwts.mint(readKey(), user, now, expires), expires);
        }

        private byte[] readKey() {
            try {
                byte[] key = Files.readAllBytes(keyFile);
                if (key.length < 32) {
                    throw new SlurmUsageException("the jwt key " + keyFile + " has " + key.length
                            + " bytes; Slurm's HS256 key needs at least 32");
                }
                return key;
            } catch (IOException e) {
                throw new SlurmUsageException("cannot read the jwt key file " + keyFile + ": " + e, e);
            }
        }

        @Override
        public String describe() {
            return "tokens minted for " + user + " from the jwt key " + keyFile;
        }
    }
}
