package ai.ringrift.slurm.cli;

import ai.ringrift.slurm.backend.JobHandle;
import ai.ringrift.slurm.backend.JobOutcome;
import ai.ringrift.slurm.backend.SlurmBackend;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.stream.Collectors;

/**
 * How the command line waits for work: until it ends, or until {@code --timeout} (then it stops
 * waiting and leaves the jobs running), or until {@code --cancel-after} (then it cancels them). On
 * Ctrl-C or SIGTERM it leaves the jobs running and prints their ids and the command to watch them.
 * Waiting and cancelling are separate choices.
 */
final class Waiting implements AutoCloseable {

    private final SlurmBackend backend;
    private final PrintWriter err;
    private final Duration timeout;
    private final Duration cancelAfter;
    private final Set<Long> waitingFor = new CopyOnWriteArraySet<>();
    private final Thread hook;
    private volatile boolean done;

    /** @param timeout null to wait as long as the work takes; @param cancelAfter null never to cancel */
    Waiting(SlurmBackend backend, PrintWriter err, Duration timeout, Duration cancelAfter) {
        this.backend = backend;
        this.err = err;
        this.timeout = timeout;
        this.cancelAfter = cancelAfter;
        this.hook = new Thread(this::interrupted, "ringrift-slurm-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** From now until its wait ends, a stop of the command line names these jobs as left running. */
    JobHandle follow(JobHandle handle) {
        waitingFor.addAll(handle.jobIds());
        return handle;
    }

    /** Waits for one piece of work as the options say. */
    JobOutcome await(JobHandle handle) throws InterruptedException {
        follow(handle);
        try {
            if (cancelAfter != null && (timeout == null || cancelAfter.compareTo(timeout) <= 0)) {
                return handle.awaitOrCancel(cancelAfter);
            }
            return handle.await(timeout == null ? Duration.ofDays(36500) : timeout);
        } finally {
            waitingFor.removeAll(handle.jobIds());
        }
    }

    /** The line that tells how to follow jobs left running. */
    static String watchHint(List<Long> ids) {
        return "watch them with: ringrift-slurm watch " + ids.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    private void interrupted() {
        if (done) {
            return;
        }
        List<Long> ids = List.copyOf(waitingFor);
        if (!ids.isEmpty()) {
            err.println("ringrift-slurm: stopped waiting; Slurm job(s) " + ids + " go on (nothing was cancelled); "
                    + watchHint(ids));
            err.flush();
        }
        backend.detach();
    }

    /** Leaves everything submitted running: the command line never cancels on its way out. */
    @Override
    public void close() {
        done = true;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or ran
        }
        backend.detach();
    }
}
