package ai.ringrift.slurm.backend.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in src/test/resources/bad-configs is an invalid unified_loop.yaml; the .expected file
 * beside it holds the message (or the part of it after the file name) it must produce.
 */
class BadConfigCorpusTest {

    private static final Path CORPUS = Path.of("src/test/resources/bad-configs");

    static Stream<String> corpus() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
            assertThat(names).hasSizeGreaterThanOrEqualTo(15);
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void eachInvalidConfigFailsWithItsMessage(String name) throws IOException {
        Path file = CORPUS.resolve(name + ".yaml");
        String expected = Files.readString(CORPUS.resolve(name + ".expected")).strip();
        assertThatThrownBy(() -> ConfigLoader.load(file, k -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining(expected);
    }
}
