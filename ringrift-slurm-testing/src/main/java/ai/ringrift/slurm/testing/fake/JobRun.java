package ai.ringrift.slurm.testing.fake;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a job does once it runs in a {@link FakeSlurm}: how long it runs and the exit code it ends
 * with (a job whose time limit is shorter ends TIMEOUT instead). By default it is read from the
 * job's batch script ({@link #fromScript}): the {@code sleep N} lines add up to its run time and an
 * {@code exit N} line gives its exit code, so a test script such as {@code sleep 2; exit 3} runs
 * the same in the fake as on a real cluster. Give other rules with
 * {@link FakeSlurm#onJobs(java.util.function.Predicate, JobRun)}.
 */
public record JobRun(Duration runtime, int exitCode) {

    /** What a script that says neither how long it runs nor how it exits does: runs 1 s and exits 0. */
    public static final JobRun DEFAULT = new JobRun(Duration.ofSeconds(1), 0);

    private static final Pattern SLEEP = Pattern.compile("(?m)^\\s*sleep\\s+(\\d+(?:\\.\\d+)?)\\s*(?:[;#].*)?$");
    private static final Pattern EXIT = Pattern.compile("(?m)^\\s*exit\\s+(\\d+)\\s*(?:[;#].*)?$");

    public JobRun {
        Objects.requireNonNull(runtime, "runtime == null");
        if (runtime.isNegative()) {
            throw new IllegalArgumentException("runtime must not be negative, not " + runtime);
        }
        if (exitCode < 0 || exitCode > 255) {
            throw new IllegalArgumentException("an exit code is 0 to 255, not " + exitCode);
        }
    }

    /** Runs for {@code runtime}, then exits 0. */
    public static JobRun runs(Duration runtime) {
        return new JobRun(runtime, 0);
    }

    /** The same run time, ending with {@code code}. */
    public JobRun exitCode(int code) {
        return new JobRun(runtime, code);
    }

    /** Read from a bash script: the sum of its {@code sleep N} lines (else 1 s), its {@code exit N} line (else 0). */
    public static JobRun fromScript(String script) {
        if (script == null) {
            return DEFAULT;
        }
        Matcher sleep = SLEEP.matcher(script);
        long millis = 0;
        boolean slept = false;
        while (sleep.find()) {
            millis += (long) (Double.parseDouble(sleep.group(1)) * 1000);
            slept = true;
        }
        Matcher exit = EXIT.matcher(script);
        int code = exit.find() ? Math.min(255, Integer.parseInt(exit.group(1))) : 0;
        return new JobRun(slept ? Duration.ofMillis(millis) : DEFAULT.runtime(), code);
    }
}
