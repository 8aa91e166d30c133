package ai.ringrift.slurm.cli;

import ai.ringrift.slurm.backend.SlurmBackend;
import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.LoopConfig;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.backend.config.ConfigException;
import ai.ringrift.slurm.rest.JobWaitTimeoutException;
import ai.ringrift.slurm.rest.SlurmClientException;
import ai.ringrift.slurm.rest.SlurmRejectedException;
import ai.ringrift.slurm.rest.SlurmServiceException;
import ai.ringrift.slurm.rest.SlurmUsageException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The ringrift-slurm command line: preflight, smoke, submit, status, watch, cancel, logs, workers
 * and loop, all over slurmrestd. Exit code 0 on success; 1 when a check or job failed; 2 for a
 * usage or configuration error; 3 when slurmrestd could not be used (see {@link #exitCode}). Errors
 * are one line on stderr.
 */
@Command(name = "ringrift-slurm", mixinStandardHelpOptions = true, version = "ringrift-slurm 0.1.0",
        // --help and --version on every command, answered before its parameters are checked
        scope = CommandLine.ScopeType.INHERIT,
        description = "Run and watch RingRift work on Slurm through slurmrestd.",
        subcommands = {PreflightCommand.class, SmokeCommand.class, SubmitCommand.class, StatusCommand.class,
            WatchCommand.class, CancelCommand.class, LogsCommand.class, WorkersCommand.class, LoopCommand.class,
            AutoComplete.GenerateCompletion.class})
public final class RingriftSlurm implements Callable<Integer> {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int UNAVAILABLE = 3;

    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // the command line speaks for itself; the SDK's INFO lines would only repeat it (-Dorg.slf4j.simpleLogger.defaultLogLevel=info keeps them)
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with these writers; returns the exit code (for tests and embedding). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new RingriftSlurm());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            String message = oneLine(e);
            if (e instanceof JobWaitTimeoutException d && !d.cancelled()) {
                message += "; " + Waiting.watchHint(d.jobIds());
            }
            line.getErr().println("ringrift-slurm: " + message);
            return exitCode(e);
        });
        try {
            return cli.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * The exit code for an error, by its category: 2 for usage and configuration; 1 for work that
     * failed or was refused (a deadline passed, an unknown partition, account or qos, resources no
     * node has); 3 when slurmrestd could not be used (unreachable, token refused, no API version this
     * client speaks, answers that cannot be read, or the cluster's daemons down after retries).
     */
    static int exitCode(Throwable e) {
        if (e instanceof ConfigException || e instanceof SlurmUsageException) {
            return USAGE; // the configuration, or how the command or the SDK was used
        }
        if (e instanceof JobWaitTimeoutException) {
            return FAILED; // the work did not finish in time
        }
        if (e instanceof SlurmRejectedException r) {
            return r.isRetryable() ? UNAVAILABLE : FAILED; // the cluster's daemons down, or the work refused
        }
        if (e instanceof SlurmServiceException || e instanceof SlurmClientException) {
            return UNAVAILABLE; // token refused, no API version in common, unreachable, unreadable answers
        }
        return FAILED;
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return message.replace('\n', ' ');
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return USAGE;
    }

    /** Options every command takes. */
    static class Common {
        @Option(names = "--config", description = "the loop configuration (default: ${DEFAULT-VALUE})",
                defaultValue = "config/unified_loop.yaml")
        Path config;

        @Option(names = "--json", description = "machine-readable output")
        boolean json;

        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec spec;

        SlurmSettings settings() {
            LoopConfig loop = ConfigLoader.load(config);
            if (!loop.usesSlurm()) {
                throw new SlurmUsageException(config + ": execution_backend does not use Slurm "
                        + "(set execution_backend: slurm, or auto with slurm.enabled: true)");
            }
            return loop.slurm();
        }

        /** The Slurm side only: work types not moved to Slurm are refused with a message naming slurm.work_types. */
        SlurmBackend backend() {
            return SlurmBackend.create(settings());
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        /**
         * Prints {@code value} (an object) as one JSON object whose first field is
         * {@code apiVersion}: the data parser version the answers came in.
         */
        void printJson(SlurmBackend backend, Object value) {
            com.fasterxml.jackson.databind.JsonNode tree = JSON.valueToTree(value);
            if (!tree.isObject()) {
                throw new IllegalArgumentException("--json output is an object, not " + tree.getNodeType());
            }
            com.fasterxml.jackson.databind.node.ObjectNode output = JSON.createObjectNode();
            output.put("apiVersion", backend.client().apiVersion().text());
            output.setAll((com.fasterxml.jackson.databind.node.ObjectNode) tree);
            try {
                out().println(JSON.writeValueAsString(output));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A plain text table. */
    static String table(List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            widths[i] = header.get(i).length();
        }
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder b = new StringBuilder();
        appendRow(b, header, widths);
        for (List<String> row : rows) {
            appendRow(b, row, widths);
        }
        return b.toString();
    }

    private static void appendRow(StringBuilder b, List<String> row, int[] widths) {
        for (int i = 0; i < row.size(); i++) {
            String cell = row.get(i);
            b.append(i == row.size() - 1 ? cell : String.format("%-" + widths[i] + "s  ", cell));
        }
        b.append('\n');
    }
}
