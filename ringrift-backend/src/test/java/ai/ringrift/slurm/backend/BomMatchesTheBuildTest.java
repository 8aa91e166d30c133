package ai.ringrift.slurm.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The BOM users import has no parent (so that it carries none of the build's test libraries): its
 * version and its Jackson and OkHttp versions are written twice, and must agree with the build's.
 */
class BomMatchesTheBuildTest {

    private static String first(String xml, String regex) {
        Matcher m = Pattern.compile(regex).matcher(xml);
        assertThat(m.find()).as(regex).isTrue();
        return m.group(1);
    }

    @Test
    void theBomsVersionsAreTheBuilds() throws Exception {
        Path project = Path.of(System.getProperty("project.root", ".."));
        String root = Files.readString(project.resolve("pom.xml"));
        String bom = Files.readString(project.resolve("ringrift-slurm-bom/pom.xml"));
        String projectVersion = first(root, "<artifactId>ringrift-slurm-parent</artifactId>\\s*<version>([^<]+)</version>");
        assertThat(first(bom, "<artifactId>ringrift-slurm-bom</artifactId>\\s*<version>([^<]+)</version>")).isEqualTo(projectVersion);
        for (String property : new String[] {"jackson.version", "okhttp.version"}) {
            String tag = "<" + property.replace(".", "\\.") + ">([^<]+)</";
            assertThat(first(bom, tag)).as(property).isEqualTo(first(root, tag));
        }
        assertThat(bom).doesNotContain("<parent>").doesNotContain("junit").doesNotContain("wiremock");
        for (String artifact : new String[] {"ringrift-slurm-sdk", "ringrift-backend", "ringrift-slurm-testing",
                "ringrift-slurm-recordings", "ringrift-slurm-test-support"}) {
            assertThat(bom).contains("<artifactId>" + artifact + "</artifactId>");
        }
    }
}
