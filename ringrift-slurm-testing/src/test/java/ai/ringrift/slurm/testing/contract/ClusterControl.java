package ai.ringrift.slurm.testing.contract;

import ai.ringrift.slurm.testing.fake.FakeSlurm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a scenario needs an administrator for: the fake's own API, or a Slurm command run in the
 * real cluster's root. How the root is entered is in ONE place ({@link Root#run}): today
 * {@code chroot ROOT COMMAND}.
 */
interface ClusterControl {

    /** scontrol requeue ID. */
    void requeue(long jobId);

    static ClusterControl of(FakeSlurm fake) {
        return fake::requeue;
    }

    static ClusterControl root(Path root) {
        return new Root(root);
    }

    /** The real cluster: Slurm commands in its root (only on jobs the scenario submitted). */
    final class Root implements ClusterControl {
        private final Path root;

        Root(Path root) {
            this.root = root;
        }

        @Override
        public void requeue(long jobId) {
            run("scontrol", "requeue", String.valueOf(jobId));
        }

        /** Runs a Slurm command in the cluster's root: the one place that knows how the root is entered. */
        String run(String... command) {
            List<String> argv = new ArrayList<>(List.of("env", "-u", "SLURM_JWT", "chroot", root.toString()));
            argv.addAll(List.of(command));
            try {
                Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " in " + root + " failed: " + out.trim());
                }
                return out;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
