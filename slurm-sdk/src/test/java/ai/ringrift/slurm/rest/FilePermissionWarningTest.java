package ai.ringrift.slurm.rest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A token file (or key file) that other users can read is warned about, without showing what is in it. */
class FilePermissionWarningTest {

    @TempDir
    Path dir;

    @Test
    void aWorldReadableTokenFileIsWarnedAbout() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(TokenSources.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            Path token = dir.resolve("token");
            Files.writeString(token, "secret-token-value");
            Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
            TokenSources.file(token);
            assertThat(appender.list).anySatisfy(e -> {
                assertThat(e.getFormattedMessage()).contains("token file").contains("can be read by other users")
                        .contains("chmod 600").doesNotContain("secret-token-value");
            });

            appender.list.clear();
            Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
            TokenSources.file(token);
            assertThat(appender.list).isEmpty();
        } finally {
            logger.detachAppender(appender);
        }
    }
}
