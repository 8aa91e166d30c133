package ai.ringrift.slurm.testing.contract;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/** Runs the scenarios on a target and compares transcripts: a difference names the scenario and the step. */
final class Contract {

    private Contract() {}

    /** What the scenarios of one version left: transcripts by scenario, in the scenarios' order, and when its last scenario ended. */
    record Run(Map<String, List<String>> transcripts, Duration took) {}

    /**
     * Every scenario of every version, each on its own target from {@code targets}, all on one pool
     * of {@code parallel} threads: the longest waits ({@link Scenarios.Scenario#waits()}) first, each
     * scenario of every version before the next, so that the waits of all versions overlap. By
     * version, in {@code versions}' order.
     */
    static Map<String, Run> runAll(List<String> versions, Function<String, Target> targets, List<Scenarios.Scenario> scenarios,
            int parallel) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        long t0 = System.nanoTime();
        try {
            Map<String, Map<String, Future<List<String>>>> futures = new LinkedHashMap<>();
            Map<String, AtomicLong> ended = new LinkedHashMap<>();
            for (String v : versions) {
                futures.put(v, new LinkedHashMap<>());
                ended.put(v, new AtomicLong(t0));
            }
            List<Scenarios.Scenario> longestFirst = new ArrayList<>(scenarios);
            longestFirst.sort(Comparator.comparing(Scenarios.Scenario::waits).reversed());
            for (Scenarios.Scenario s : longestFirst) {
                for (String v : versions) {
                    futures.get(v).put(s.name(), pool.submit(() -> {
                        List<String> lines = runOne(() -> targets.apply(v), s);
                        ended.get(v).accumulateAndGet(System.nanoTime(), Math::max);
                        return lines;
                    }));
                }
            }
            Map<String, Run> out = new LinkedHashMap<>();
            for (String v : versions) {
                Map<String, List<String>> transcripts = new LinkedHashMap<>();
                for (Scenarios.Scenario s : scenarios) {
                    transcripts.put(s.name(), futures.get(v).get(s.name()).get());
                }
                out.put(v, new Run(transcripts, Duration.ofNanos(ended.get(v).get() - t0)));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> runOne(Supplier<Target> targets, Scenarios.Scenario s) {
        try (Target target = targets.get(); Ctx c = new Ctx(target, s.name())) {
            List<String> lines = new ArrayList<>();
            try {
                s.body().run(c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                c.see("FAILED", c.error(e));
            } catch (Exception | AssertionError e) {
                c.see("FAILED", c.error(e));
            } finally {
                c.step("cleanup");
                for (long id : c.named()) {
                    try {
                        c.client().cancel(id);
                    } catch (RuntimeException ignored) {
                        // ended already, or never created
                    }
                }
            }
            lines.addAll(c.transcript());
            return lines;
        }
    }

    static List<String> flatten(Map<String, List<String>> transcripts) {
        return transcripts.values().stream().flatMap(List::stream).toList();
    }

    /**
     * The differences between two transcripts, each naming the scenario and the step: the first
     * line that differs in each step, with both sides' lines of that step.
     */
    static List<String> differences(String leftName, List<String> left, String rightName, List<String> right) {
        Map<String, List<String>> l = bySteps(left);
        Map<String, List<String>> r = bySteps(right);
        List<String> out = new ArrayList<>();
        List<String> keys = new ArrayList<>(l.keySet());
        r.keySet().stream().filter(k -> !l.containsKey(k)).forEach(keys::add);
        for (String key : keys) {
            List<String> a = l.getOrDefault(key, List.of());
            List<String> b = r.getOrDefault(key, List.of());
            if (!a.equals(b)) {
                String[] sc = key.split(" \\| ", 2);
                StringBuilder sb = new StringBuilder("scenario '" + sc[0] + "', step '" + sc[1] + "':\n");
                sb.append("  ").append(leftName).append(":\n");
                a.forEach(x -> sb.append("    ").append(x.substring(key.length() + 3)).append('\n'));
                if (a.isEmpty()) {
                    sb.append("    (nothing: no such step)\n");
                }
                sb.append("  ").append(rightName).append(":\n");
                b.forEach(x -> sb.append("    ").append(x.substring(key.length() + 3)).append('\n'));
                if (b.isEmpty()) {
                    sb.append("    (nothing: no such step)\n");
                }
                out.add(sb.toString());
            }
        }
        return out;
    }

    private static Map<String, List<String>> bySteps(List<String> lines) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] p = line.split(" \\| ", 3);
            out.computeIfAbsent(p[0] + " | " + p[1], k -> new ArrayList<>()).add(line);
        }
        return out;
    }

    /** The committed transcript of the real release for {@code version}: src/test/resources/contract/VERSION.transcript. */
    static Path committed(String version) {
        return Path.of("src/test/resources/contract").resolve(version + ".transcript");
    }

    static List<String> read(Path file) throws IOException {
        return Files.readAllLines(file);
    }

    static void write(Path file, String header, List<String> lines) throws IOException {
        Files.createDirectories(file.getParent());
        List<String> all = new ArrayList<>();
        all.add(header);
        all.addAll(lines);
        Files.write(file, all);
    }
}
