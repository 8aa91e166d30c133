package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.rest.internal.Jwts;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A slurmrestd JWT and, when it can be read from the token, when it expires. {@link #toString()}
 * never shows the token.
 */
public final class Token {

    private final String value;
    private final Instant expiresAt;

    private Token(String value, Instant expiresAt) {
        this.value = value;
        this.expiresAt = expiresAt;
    }

    /** A token whose expiry is read from its {@code exp} claim where it has one. */
    public static Token of(String value) {
        Objects.requireNonNull(value, "token == null");
        String trimmed = value.trim();
        if (trimmed.startsWith("SLURM_JWT=")) {
            trimmed = trimmed.substring("SLURM_JWT=".length()).trim();
        }
        if (trimmed.isEmpty()) {
            throw new SlurmUsageException("the token is empty");
        }
        if (trimmed.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new SlurmUsageException("the token has spaces or control characters in it; "
                    + "give the value scontrol token prints (with or without SLURM_JWT=)");
        }
        return new Token(trimmed, Jwts.expiry(trimmed).orElse(null));
    }

    static Token of(String value, Instant expiresAt) {
        return new Token(value, expiresAt);
    }

    /** The token itself: for the request header only. */
    public String value() {
        return value;
    }

    public Optional<Instant> expiresAt() {
        return Optional.ofNullable(expiresAt);
    }

    @Override
    public String toString() {
        return "Token[****" + (expiresAt == null ? "" : ", expires " + expiresAt) + "]";
    }
}
