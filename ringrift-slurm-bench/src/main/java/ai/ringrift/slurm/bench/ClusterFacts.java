package ai.ringrift.slurm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The local cluster's connection facts, as scripts/local-slurm.sh up writes them (cluster.env). */
final class ClusterFacts {

    private ClusterFacts() {}

    /** RINGRIFT_SLURM_ENV_FILE, else the 24.11 cluster's file. */
    static Map<String, String> read() throws IOException {
        Path file = Path.of(System.getenv().getOrDefault("RINGRIFT_SLURM_ENV_FILE", "/var/lib/ringrift-slurm/cluster.env"));
        if (!Files.isReadable(file)) {
            throw new IllegalStateException("no " + file + ": bring the local cluster up first (scripts/local-slurm.sh up)");
        }
        Map<String, String> facts = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                facts.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return facts;
    }
}
