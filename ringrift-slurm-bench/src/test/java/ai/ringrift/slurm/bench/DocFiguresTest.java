package ai.ringrift.slurm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocFiguresTest {

    @TempDir
    Path dir;

    private Path doc(String results, String body) throws Exception {
        Files.writeString(dir.resolve("results.json"), results);
        return Files.writeString(dir.resolve("doc.md"), "# Page\n\n<!-- results: " + dir.resolve("results.json") + " -->\n\n" + body);
    }

    @Test
    void aPageWhoseFiguresAreAllInItsResultsPasses() throws Exception {
        Path d = doc("[{\"slurm\":\"24.11\",\"jobs\":1000,\"jobsPerSecond\":72.73,\"submitTimeoutMs\":20000}]",
                "| rate-limited | 24.11 | v0.0.42 | 1,000 | 72.73 | 20 s | p50 |\n");
        assertThat(DocFigures.check(d)).isEmpty();
    }

    @Test
    void aFigureNotInTheResultsFailsNamingIt() throws Exception {
        Path d = doc("[{\"jobs\":1000,\"jobsPerSecond\":72.73}]", "| 1,000 | 72.8 |\npreviously 0.82x\n");
        assertThat(DocFigures.check(d)).hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("line 5: 72.8 is not in"))
                .anySatisfy(p -> assertThat(p).startsWith("line 6: 0.82 is not in"));
    }

    @Test
    void aFigureMayBeAValueRoundedAsPrintedButNotRoundedWrong() throws Exception {
        Path d = doc("[{\"median\":162.40995322252286,\"p50\":5.25205,\"ratio\":1.5449}]",
                "| 162 | 162.4 | 5.25 | 5.3 | 1.54x | 1.5 |\n| 163 | 5.26 | 1.55x |\n");
        assertThat(DocFigures.check(d)).hasSize(3)
                .anySatisfy(p -> assertThat(p).startsWith("line 6: 163 is not in"))
                .anySatisfy(p -> assertThat(p).startsWith("line 6: 5.26 is not in"))
                .anySatisfy(p -> assertThat(p).startsWith("line 6: 1.55 is not in"));
    }

    @Test
    void aPageNamingNoResultsFails() throws Exception {
        Path d = Files.writeString(dir.resolve("doc.md"), "# Page\n\n| 1 |\n");
        assertThat(DocFigures.check(d)).containsExactly("names no results file (a line <!-- results: PATH -->)");
    }

    @Test
    void aPageWithoutResultsYetMayShowNoFigure() throws Exception {
        assertThat(DocFigures.check(Files.writeString(dir.resolve("a.md"), "<!-- results: none -->\nNo run yet.\n"))).isEmpty();
        assertThat(DocFigures.check(Files.writeString(dir.resolve("b.md"), "<!-- results: none -->\n7 of 8\n"))).hasSize(2);
    }
}
