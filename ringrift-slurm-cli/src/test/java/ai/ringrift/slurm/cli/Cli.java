package ai.ringrift.slurm.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** The command line run in this JVM, as the CLI tests run it: a command, --config FILE, its arguments. */
final class Cli {

    /** What one run printed and returned. */
    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Cli() {}

    static Run run(Path config, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = args[0];
        all[1] = "--config";
        all[2] = config.toString();
        System.arraycopy(args, 1, all, 3, args.length - 1);
        int exit = RingriftSlurm.execute(all, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }
}
