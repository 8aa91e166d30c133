package ai.ringrift.slurm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The check that a published document shows only figures a script wrote: each document names its
 * results file on a line {@code <!-- results: PATH -->}; every number in the document (outside
 * such comment lines) must be a value in that file (a number, or a text such as a release; values
 * of keys ending in "Ms" count in seconds too), rounded as the page prints it: a figure with k
 * decimals matches a value that rounds half up to it at k decimals (162 for 162.41, 5.25 for
 * 5.25205; not 5.26). Exits 1 naming each figure not found.
 *
 * <pre>DocFigures docs/pressure.md [docs/performance.md ...]</pre>
 */
public final class DocFigures {

    private static final Pattern NUMBER = Pattern.compile("(?<![\\w.])\\d[\\d,]*(?:\\.\\d+)?");
    private static final Pattern RESULTS = Pattern.compile("<!-- results: (\\S+) -->");

    private DocFigures() {}

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals("--merge")) {
            merge(args);
            return;
        }
        int bad = 0;
        for (String doc : args) {
            List<String> problems = check(Path.of(doc));
            problems.forEach(p -> System.out.println("[figures] " + doc + ": " + p));
            bad += problems.size();
            if (problems.isEmpty()) {
                System.out.println("[figures] " + doc + ": every figure is in its results file");
            }
        }
        System.exit(bad == 0 ? 0 : 1);
    }

    /** --merge RESULTS.json [JMH.csv]: one JSON object {"results": ..., "jmh": [rows of the csv]} on stdout. */
    private static void merge(String[] args) throws IOException {
        var out = Pressure.JSON.createObjectNode();
        out.set("results", Pressure.JSON.readTree(Path.of(args[1]).toFile()));
        if (args.length > 2) {
            var rows = out.putArray("jmh");
            List<String> lines = Files.readAllLines(Path.of(args[2]));
            String[] head = lines.get(0).replace("\"", "").split(",");
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.replace("\"", "").split(",");
                var row = rows.addObject();
                for (int i = 0; i < Math.min(head.length, cells.length); i++) {
                    try {
                        row.put(head[i], new BigDecimal(cells[i]));
                    } catch (NumberFormatException e) {
                        row.put(head[i], cells[i]);
                    }
                }
            }
        }
        System.out.println(Pressure.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    }

    static List<String> check(Path doc) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> lines = Files.readAllLines(doc);
        Path results = null;
        for (String line : lines) {
            Matcher m = RESULTS.matcher(line);
            if (m.find()) {
                results = Path.of(m.group(1));
            }
        }
        if (results == null) {
            problems.add("names no results file (a line <!-- results: PATH -->)");
            return problems;
        }
        Set<BigDecimal> values = new HashSet<>();
        if (results.toString().equals("none")) {
            // a page no run has written yet: it may show no figure at all
        } else if (!Files.isRegularFile(results)) {
            problems.add("its results file " + results + " does not exist");
            return problems;
        } else {
            collect(Pressure.JSON.readTree(results.toFile()), "", values);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.trim().startsWith("<!--")) {
                continue;
            }
            Matcher m = NUMBER.matcher(line);
            while (m.find()) {
                BigDecimal n = new BigDecimal(m.group().replace(",", ""));
                if (values.stream().noneMatch(v -> printedAs(v, n))) {
                    problems.add("line " + (i + 1) + ": " + m.group() + " is not in " + results + " (" + line.trim() + ")");
                }
            }
        }
        return problems;
    }

    /** Whether a value printed with the figure's number of decimals (rounding half up) is the figure. */
    static boolean printedAs(BigDecimal value, BigDecimal figure) {
        return value.setScale(Math.max(0, figure.scale()), java.math.RoundingMode.HALF_UP).compareTo(figure) == 0;
    }

    private static void collect(JsonNode node, String key, Set<BigDecimal> values) {
        if (node.isNumber()) {
            values.add(node.decimalValue());
            if (key.endsWith("Ms")) {
                values.add(node.decimalValue().divide(BigDecimal.valueOf(1000)));
            }
        } else if (node.isTextual()) {
            Matcher m = NUMBER.matcher(node.asText());
            while (m.find()) {
                values.add(new BigDecimal(m.group().replace(",", "")));
            }
        } else {
            node.fields().forEachRemaining(e -> collect(e.getValue(), e.getKey(), values));
            if (node.isArray()) {
                node.forEach(x -> collect(x, key, values));
            }
        }
    }
}
