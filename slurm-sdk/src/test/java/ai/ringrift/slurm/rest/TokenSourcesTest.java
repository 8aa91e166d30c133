package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.rest.internal.Jwts;
import ai.ringrift.slurm.testsupport.VirtualTime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenSourcesTest {

    @TempDir
    Path dir;

    private final VirtualTime time = new VirtualTime(Instant.parse("2026-11-29T12:00:00Z"));

    private Path key() throws Exception {
        Path key = dir.resolve("jwt_hs256.key");
        Files.write(key, "0123456789abcdef0123456789abcdef-test-key".getBytes(StandardCharsets.US_ASCII));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return key;
    }

    @Test
    void environmentTokenAcceptsWhatScontrolPrints() {
        String jwt = Jwts.mint(new byte[32], "ringrift", time.instant(), time.instant().plusSeconds(60));
        Token withPrefix = TokenSources.environment(Map.of("SLURM_JWT", "SLURM_JWT=" + jwt + "\n")::get).current();
        Token bare = TokenSources.environment(Map.of("SLURM_JWT", jwt)::get).current();
        assertThat(withPrefix.value()).isEqualTo(jwt);
        assertThat(bare.value()).isEqualTo(jwt);
        assertThat(bare.expiresAt()).contains(time.instant().plusSeconds(60));
    }

    @Test
    void missingEnvironmentTokenSaysWhatToSet() {
        assertThatThrownBy(() -> TokenSources.environment(Map.<String, String>of()::get))
                .isInstanceOf(SlurmUsageException.class).hasMessageContaining("SLURM_JWT is not set");
    }

    @Test
    void tokenNeverShowsInToString() {
        Token token = Token.of("secret.token.value");
        assertThat(token.toString()).doesNotContain("secret");
    }

    @Test
    void tokenFileIsReadAgainWhenRotated() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "SLURM_JWT=first\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        TokenSource source = TokenSources.file(file);
        assertThat(source.current().value()).isEqualTo("first");
        Files.writeString(file, "second-token\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(source.current().value()).isEqualTo("second-token");
        // a refused token whose file nobody rotated yet: no renewal
        assertThat(source.renew(source.current())).isNull();
    }

    @Test
    void mintedTokensCarrySunIatExpAndAreRenewedBeforeTheyExpire() throws Exception {
        TokenSource source = TokenSources.jwtKey(key(), "ringrift", Duration.ofMinutes(10), time);
        Token first = source.current();
        assertThat(first.expiresAt()).contains(time.instant().plus(Duration.ofMinutes(10)));
        String claims = new String(java.util.Base64.getUrlDecoder().decode(first.value().split("\\.")[1]), StandardCharsets.UTF_8);
        assertThat(claims).contains("\"sun\":\"ringrift\"").contains("\"iat\":").contains("\"exp\":");

        time.advance(Duration.ofMinutes(7));
        assertThat(source.current().value()).isEqualTo(first.value()); // 3 of 10 minutes left: still good
        time.advance(Duration.ofMinutes(1).plusSeconds(30));
        Token second = source.current(); // under 2 minutes left: renewed
        assertThat(second.value()).isNotEqualTo(first.value());
        assertThat(second.expiresAt()).contains(time.instant().plus(Duration.ofMinutes(10)));
    }

    @Test
    void onlyOneThreadRenewsWhenManyNeedAToken() throws Exception {
        // the mints are counted where they happen (the source's own DEBUG line), not inferred from
        // the tokens: under a frozen clock two mints would give identical tokens
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(TokenSources.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> mints = new ch.qos.logback.core.read.ListAppender<>();
        mints.start();
        ch.qos.logback.classic.Level level = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
        logger.addAppender(mints);
        try {
            renewOnce(mints);
        } finally {
            logger.detachAppender(mints);
            logger.setLevel(level);
        }
    }

    private void renewOnce(ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> mints) throws Exception {
        TokenSource source = TokenSources.jwtKey(key(), "ringrift", Duration.ofMinutes(10), time);
        Token old = source.current();
        long minted = mints.list.stream().filter(e -> e.getFormattedMessage().startsWith("minting a token")).count();
        assertThat(minted).as("the first token").isEqualTo(1);
        time.advance(Duration.ofMinutes(9));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<Future<?>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            all.add(pool.submit(() -> {
                go.await();
                seen.add(source.current().value());
                seen.add(source.renew(old).value());
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : all) {
            f.get(10, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(seen).hasSize(1).doesNotContain(old.value());
        assertThat(mints.list.stream().filter(e -> e.getFormattedMessage().startsWith("minting a token")).count())
                .as("16 threads needed a new token at once: exactly one minted it").isEqualTo(2);
    }

    @Test
    void aShortKeyIsRefusedWithTheReason() throws Exception {
        Path key = dir.resolve("short.key");
        Files.write(key, new byte[8]);
        assertThatThrownBy(() -> TokenSources.jwtKey(key, "ringrift", Duration.ofMinutes(10), time))
                .isInstanceOf(SlurmUsageException.class).hasMessageContaining("has 8 bytes");
    }

    @Test
    void aMissingKeyFileIsNamed() {
        Path key = dir.resolve("nope.key");
        assertThatThrownBy(() -> TokenSources.jwtKey(key, "ringrift", Duration.ofMinutes(10), time))
                .isInstanceOf(SlurmUsageException.class).hasMessageContaining(key.toString());
    }
}
