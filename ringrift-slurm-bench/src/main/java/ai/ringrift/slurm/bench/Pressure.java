package ai.ringrift.slurm.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The pressure runs of scripts/pressure.sh on the local real cluster, one scenario per call; each
 * writes {@code target/pressure/NAME.json} and exits 1 when a job was lost or duplicated (a
 * {@code --demonstration} run shows what a setting does and exits 0 whatever it finds). With
 * {@code --all-answered} a burst also fails when a submission ended in an error (where the
 * scenario's server should answer every one, in time, through the SDK's retries).
 *
 * <pre>
 * Pressure burst NAME --submitters N --jobs M [--read-timeout 60s] [--max-in-flight 16] [--short-every 20]
 *                     [--kill-slurmrestd-after-jobs K --down-for 5s] [--submit-settle 30s]
 *                     [--submit-timeout 5m]
 *                     [--demonstration | --all-answered]
 *                     [--plant-fault late-duplicate [--plant-after 60s] | --plant-fault no-kill]   (test only)
 * Pressure track NAME --jobs M [--interval 2s] [--rounds 10] [--drain-timeout 15m]
 *                     [--plant-fault leave-running]   (test only)
 * Pressure report      (target/pressure/*.json as a markdown table: target/pressure.md)
 * </pre>
 */
public final class Pressure {

    static final ObjectMapper JSON = new ObjectMapper();

    private Pressure() {}

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
        if (args.length == 1 && args[0].equals("report")) {
            PressureReport.write(Path.of("target", "pressure"), Path.of("target", "pressure.md"));
            return;
        }
        if (args.length < 2) {
            usage("a scenario and its name");
        }
        String name = args[1];
        if (!name.matches("[a-z0-9][a-z0-9-]*")) {
            usage("names are lower-case letters, digits and dashes, not '" + name + "'");
        }
        List<String> rest = new ArrayList<>(List.of(args).subList(2, args.length));
        boolean demonstration = rest.remove("--demonstration");
        boolean allAnswered = rest.remove("--all-answered");
        if (demonstration && allAnswered) {
            usage("a demonstration fails on nothing; leave out --demonstration or --all-answered");
        }
        Args a = new Args(rest);
        Map<String, String> facts = ai.ringrift.slurm.testsupport.LocalCluster.require().facts();
        Callable<Map<String, Object>> scenario;
        switch (args[0]) {
            case "burst" -> {
                SubmitBurst.Options o = new SubmitBurst.Options(name, a.count("--submitters", 16), a.count("--jobs", 1000),
                        a.duration("--read-timeout", "60s"), a.count("--max-in-flight", 16), a.count("--kill-slurmrestd-after-jobs", 0),
                        a.duration("--down-for", "5s"), a.count("--short-every", 20),
                        a.durationOrNull("--submit-settle"), a.durationOrNull("--submit-timeout"), plant(a, "late-duplicate", "no-kill"),
                        a.duration("--plant-after", "60s"));
                scenario = () -> new SubmitBurst(o, facts).run();
            }
            case "track" -> {
                int jobs = a.count("--jobs", 10_000);
                Duration interval = a.duration("--interval", "2s");
                int rounds = a.count("--rounds", 10);
                Duration drain = a.duration("--drain-timeout", "15m");
                String fault = plant(a, "leave-running");
                scenario = () -> new TrackingPressure(name, jobs, interval, rounds, drain, fault, facts).run();
            }
            default -> {
                usage("no scenario '" + args[0] + "'");
                return;
            }
        }
        a.requireAllUsed();
        Map<String, Object> result = new java.util.LinkedHashMap<>(scenario.call());
        result.put("demonstration", demonstration);
        Path out = Path.of("target", "pressure", name + ".json");
        Files.createDirectories(out.getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
        System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        long bad = number(result.get("lost")) + number(result.get("duplicated")) + number(result.get("createdButReportedFailed"))
                + number(result.get("notInFinalState"));
        long failed = number(result.get("failed"));
        // what makes the scenario's check itself invalid (a kill that did not happen, a name that
        // could not be read, slurmdbd behind) fails even a demonstration
        List<?> problems = result.get("problems") instanceof List<?> l ? l : List.of();
        for (Object p : problems) {
            System.out.println("[pressure] " + name + ": FAILED: " + p);
        }
        if (!problems.isEmpty()) {
            System.exit(1);
        }
        if ((bad > 0 && !demonstration) || (failed > 0 && allAnswered)) {
            Object examples = result.get("lostExamples") != null ? result.get("lostExamples") : result.get("examples");
            if (examples instanceof List<?> ex) {
                ex.forEach(x -> System.out.println("[pressure] " + name + ":   " + x));
            }
            System.out.println("[pressure] " + name + ": FAILED: " + number(result.get("lost")) + " lost, " + number(result.get("duplicated"))
                    + " duplicated, " + number(result.get("createdButReportedFailed")) + " created but reported failed, "
                    + failed + " submission(s) ended in an error" + (allAnswered ? " (every one should have been answered)" : "")
                    + (result.containsKey("notInFinalState") ? ", " + result.get("notInFinalState") + " not in the final state they were driven to" : ""));
            System.exit(1);
        }
        System.out.println("[pressure] " + name + ": " + (bad == 0 ? "none lost, none duplicated" : "a demonstration: "
                + result.get("duplicated") + " duplicated, " + result.get("createdButReportedFailed") + " created but reported failed")
                + " (written to " + out + ")");
        System.exit(0); // the SDK's daemon threads would end anyway; a pool of the harness must not keep it up
    }

    /** --plant-fault KIND: test only, a fault the scenario's check must fail on (one of {@code kinds}). */
    private static String plant(Args a, String... kinds) {
        String v = a.value("--plant-fault");
        if (v != null && !List.of(kinds).contains(v)) {
            usage("--plant-fault takes " + String.join(" or ", kinds) + " here, not '" + v + "'");
        }
        return v;
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private static void usage(String why) {
        System.err.println("pressure: " + why + "\nusage: Pressure burst|track NAME [options] (see scripts/pressure.sh)");
        System.exit(2);
    }

    /** --name value options; every one given must be used, and every value must parse. */
    private static final class Args {
        private final List<String> args;
        private final List<String> used = new ArrayList<>();

        Args(List<String> args) {
            this.args = args;
        }

        String value(String option) {
            int i = args.indexOf(option);
            if (i < 0) {
                return null;
            }
            if (i + 1 >= args.size()) {
                usage(option + " needs a value");
            }
            used.add(option);
            return args.get(i + 1);
        }

        int count(String option, int fallback) {
            String v = value(option);
            try {
                int n = v == null ? fallback : Integer.parseInt(v);
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                usage(option + " takes a whole number, not '" + v + "'");
                return 0;
            }
        }

        Duration duration(String option, String fallback) {
            Duration d = durationOrNull(option);
            return d != null ? d : parse(option, fallback);
        }

        Duration durationOrNull(String option) {
            String v = value(option);
            return v == null ? null : parse(option, v);
        }

        private static Duration parse(String option, String v) {
            var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(v);
            if (!m.matches()) {
                usage(option + " takes a duration like 500ms, 30s or 2m, not '" + v + "'");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMinutes(n);
            };
        }

        void requireAllUsed() {
            for (int i = 0; i < args.size(); i += 2) {
                if (!used.contains(args.get(i))) {
                    usage("unknown option '" + args.get(i) + "'");
                }
            }
        }
    }
}
