package ai.ringrift.slurm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The pressure runs' JSON files as markdown tables, in the order they ran. */
final class PressureReport {

    private PressureReport() {}

    static void write(Path dir, Path out) throws IOException {
        List<JsonNode> runs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json"))
                    .sorted(Comparator.comparing(PressureReport::modified)).toList()) {
                runs.add(Pressure.JSON.readTree(f.toFile()));
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("## Submission bursts: every job checked in slurmdbd\n\n")
                .append("| run | Slurm | API | submitters | max in flight | submit timeout | jobs | acknowledged (adopted) | failed | "
                        + "jobs/s | submit ms p50 / p99 / max | POSTs | requests | lost | duplicated | created but reported failed |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode r : runs) {
            if (!r.has("submitters")) {
                continue;
            }
            md.append(String.format("| %s%s | %s | %s | %d | %d | %s | %,d | %,d (%d) | %d | %s | %s / %s / %s | %,d | %,d | %d | %d | %d |%n",
                    r.path("name").asText(), r.path("demonstration").asBoolean() ? " (demonstration)" : "",
                    r.path("slurm").asText(), r.path("apiVersion").asText(), r.path("submitters").asInt(),
                    r.path("maxInFlight").asInt(), ms(r.path("submitTimeoutMs").asLong()), r.path("jobs").asInt(),
                    r.path("acknowledged").asInt(), r.path("adopted").asInt(), r.path("failed").asInt(),
                    r.path("jobsPerSecond").asText(), r.path("submitMsP50").asText(), r.path("submitMsP99").asText(),
                    r.path("submitMsMax").asText(), r.path("submitPosts").asLong(), r.path("requestsDuringBurst").asLong(),
                    r.path("lost").asInt(), r.path("duplicated").asInt(), r.path("createdButReportedFailed").asInt()));
        }
        md.append("\n");
        for (JsonNode r : runs) {
            if (r.has("submitters")) {
                md.append(String.format("- %s: ids %s searched in slurmdbd and slurmctld; closing probe %s s after the last submit%s%n",
                        r.path("name").asText(), r.path("idsSearched").asText(), r.path("closingProbeAfterLastSubmitS").asText(),
                        r.path("slurmrestdKilledPid").isNumber() ? String.format("; slurmrestd pid %s killed at %s s, pid %s answering at %s s",
                                r.path("slurmrestdKilledPid").asText(), r.path("slurmrestdKilledAtS").asText(),
                                r.path("slurmrestdBackPid").asText(), r.path("slurmrestdBackAtS").asText()) : ""));
            }
        }
        md.append("\n");
        for (JsonNode r : runs) {
            if (r.has("submitters") && r.path("failures").size() > 0) {
                md.append("Failures of ").append(r.path("name").asText()).append(":\n");
                r.path("failures").fields().forEachRemaining(e ->
                        md.append("- ").append(e.getValue().asInt()).append(" x ").append(e.getKey()).append("\n"));
                md.append("\n");
            }
        }
        for (JsonNode r : runs) {
            if (!r.has("steady")) {
                continue;
            }
            JsonNode s = r.path("steady");
            JsonNode d = r.path("drain");
            md.append(String.format("## Tracking %,d live jobs (%s, Slurm %s), one round every %d ms%n%n", r.path("jobs").asInt(),
                    r.path("apiVersion").asText(), r.path("slurm").asText(), r.path("intervalMs").asLong()));
            md.append("| phase | rounds | requests per round (median / max) | KB per round (median / max) | round ms (median / p90 / max) "
                    + "| ms between round starts (median / max) |\n|---|---|---|---|---|---|\n");
            md.append(row("all held", s)).append(row("all cancelled, until every one is final", d));
            md.append(String.format("%nHeap the watcher retains for them: %s MB. Final records: %,d of %,d (not in the final state "
                    + "they were driven to: %d); drained in %s s.%n%n", r.path("watcherHeapMB").asText(), r.path("finalRecords").asInt(),
                    r.path("jobs").asInt(), r.path("notInFinalState").asInt(), r.path("drainSeconds").asText()));
        }
        Files.writeString(out, md.toString());
        System.out.print(md);
        System.out.println("written to " + out);
    }

    private static String row(String phase, JsonNode s) {
        return String.format("| %s | %d | %s / %s | %s / %s | %s / %s / %s | %s / %s |%n", phase, s.path("rounds").asInt(),
                s.path("requestsPerRoundMedian").asText(), s.path("requestsPerRoundMax").asText(), s.path("kbPerRoundMedian").asText(),
                s.path("kbPerRoundMax").asText(), s.path("roundMsMedian").asText(), s.path("roundMsP90").asText(),
                s.path("roundMsMax").asText(), s.path("msBetweenRoundStartsMedian").asText(), s.path("msBetweenRoundStartsMax").asText());
    }

    private static String ms(long ms) {
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
