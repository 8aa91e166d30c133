package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.backend.config.ContainerRuntime;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The batch script each job runs: it picks the venv (or container image) for the node's
 * architecture, changes to the repo root on the shared filesystem, and runs the canonical script
 * with its arguments, each quoted so that spaces, quotes, $, backticks, ';' and newlines reach the
 * program unchanged. It holds no token or key. Public so that an operator (or a benchmark) can see
 * the exact script a job would run.
 */
public final class WrapperScript {

    private WrapperScript() {}

    /**
     * The line the wrapper prints inside the container, just before the program starts: its absence
     * after the wrapper's first line means the container never started (see {@link #containerFailure}).
     */
    static final String IN_CONTAINER = "ringrift: in container ";

    /** The batch script of a job named {@code jobName} of this work type, with the work type's GPUs, running the canonical script with {@code arguments}. */
    public static String render(SlurmSettings s, WorkType type, String jobName, List<String> arguments) {
        return render(s, type, jobName, arguments, s.of(type) == null ? 0 : s.of(type).gpus());
    }

    /**
     * The batch script of a job named {@code jobName} of this work type that asks for {@code gpus}
     * GPUs per node, running the canonical script with {@code arguments}. With apptainer or
     * singularity, the GPUs are passed into the container ({@code --nv}) only when some are asked.
     */
    public static String render(SlurmSettings s, WorkType type, String jobName, List<String> arguments, int gpus) {
        StringBuilder b = new StringBuilder();
        b.append("#!/bin/bash\n");
        b.append("# RingRift ").append(type.key()).append(" job ").append(quote(jobName))
                .append(", written by the ringrift-slurm backend.\n");
        b.append("set -eo pipefail\n");
        b.append("arch=\"$(uname -m)\"\n");
        b.append("if [ \"$arch\" = aarch64 ]; then\n");
        b.append("  venv_activate=").append(quote(orEmpty(s.venvActivateArm64()))).append('\n');
        b.append("  image=").append(quote(orEmpty(s.containerImageArm64()))).append('\n');
        b.append("else\n");
        b.append("  venv_activate=").append(quote(orEmpty(s.venvActivate()))).append('\n');
        b.append("  image=").append(quote(orEmpty(s.containerImageX8664()))).append('\n');
        b.append("fi\n");
        b.append("# array tasks: the global task index, when the work was split over several arrays\n");
        b.append("if [ -n \"${SLURM_ARRAY_TASK_ID:-}\" ]; then\n");
        b.append("  export RINGRIFT_TASK_INDEX=$(( ${RINGRIFT_TASK_OFFSET:-0} + SLURM_ARRAY_TASK_ID ))\n");
        b.append("fi\n");
        b.append("cd ").append(quote(s.repoDir().toString())).append('\n');
        b.append("echo \"ringrift: ").append(type.key())
                .append(" job ${SLURM_JOB_ID:-?}${SLURM_ARRAY_TASK_ID:+ task $SLURM_ARRAY_TASK_ID} on $(hostname) ($arch)\"\n");

        StringBuilder command = new StringBuilder("python3 ").append(quote(type.canonicalScript()));
        for (String arg : arguments) {
            command.append(' ').append(quote(arg));
        }
        ContainerRuntime runtime = s.containerRuntime();
        if (runtime == ContainerRuntime.NONE) {
            b.append("if [ -n \"$venv_activate\" ]; then\n");
            b.append("  # shellcheck disable=SC1090\n");
            b.append("  source \"$venv_activate\"\n");
            b.append("fi\n");
            b.append("exec ").append(command).append('\n');
            return b.toString();
        }
        b.append("if [ -z \"$image\" ]; then\n");
        b.append("  echo \"ringrift: no container image is configured for $arch\" >&2\n");
        b.append("  exit 2\n");
        b.append("fi\n");
        String repo = quote(s.repoDir().toString());
        List<Path> binds = binds(s);
        switch (runtime) {
            case APPTAINER, SINGULARITY -> {
                // repo_dir and log_dir (and the rest of the shared root) at the same paths as outside;
                // inside, a first line that says where it runs, then the program in its place (exec)
                b.append("exec ").append(runtime == ContainerRuntime.APPTAINER ? "apptainer" : "singularity").append(" exec");
                if (gpus > 0) {
                    b.append(" --nv");
                }
                for (Path bind : binds) {
                    b.append(" --bind ").append(quote(bind.toString()));
                }
                b.append(" --pwd ").append(repo).append(" \"$image\" /bin/sh -c ")
                        .append(quote("echo \"" + IN_CONTAINER + "${APPTAINER_CONTAINER:-$SINGULARITY_CONTAINER}\"; exec \"$@\""))
                        .append(" ringrift ").append(command).append('\n');
            }
            case PYXIS -> {
                StringBuilder mounts = new StringBuilder();
                for (Path bind : binds) {
                    mounts.append(mounts.length() == 0 ? "" : ",").append(bind).append(':').append(bind);
                }
                b.append("exec srun --ntasks=1 --container-image=\"$image\" --container-mounts=")
                        .append(quote(mounts.toString())).append(" --container-workdir=").append(repo)
                        .append(' ').append(command).append('\n');
            }
            default -> throw new IllegalStateException(runtime.name());
        }
        return b.toString();
    }

    /**
     * What a container gets bound at the same path: the shared root, and repo_dir and log_dir where
     * they are not under it (nor under each other).
     */
    static List<Path> binds(SlurmSettings s) {
        List<Path> binds = new ArrayList<>();
        for (Path p : List.of(s.sharedRoot(), s.repoDir(), s.logDir())) {
            Path n = p.toAbsolutePath().normalize();
            if (binds.stream().noneMatch(n::startsWith)) {
                binds.add(n);
            }
        }
        return binds;
    }

    /**
     * Why a job's container did not start, read from the tail of its log: the wrapper's first line is
     * there, the container's first line ({@link #IN_CONTAINER}) is not after it, so the program never
     * ran; the message is the runtime's own (apptainer's FATAL and ERROR lines), else the last line.
     * Empty when the tail does not show that (the program started, or the log is longer than the tail).
     */
    static Optional<String> containerFailure(List<String> tail) {
        int start = -1;
        for (int i = 0; i < tail.size(); i++) {
            if (HEADER.matcher(tail.get(i)).find()) {
                start = i;
            }
        }
        if (start < 0) {
            return Optional.empty();
        }
        List<String> after = tail.subList(start + 1, tail.size());
        if (after.stream().anyMatch(l -> l.startsWith(IN_CONTAINER))) {
            return Optional.empty();
        }
        List<String> messages = after.stream().map(String::strip).filter(l -> l.startsWith("FATAL:") || l.startsWith("ERROR:"))
                .map(l -> l.replaceAll("\\s+", " ")).toList();
        if (messages.isEmpty()) {
            messages = after.stream().map(String::strip).filter(l -> !l.isEmpty()).reduce((a, z) -> z).stream().toList();
        }
        return Optional.of("the container did not start" + (messages.isEmpty() ? "" : ": " + String.join(" ", messages)));
    }

    /** The wrapper's first line of output: "ringrift: training job 17 on node1 (x86_64)". */
    private static final Pattern HEADER = Pattern.compile("^ringrift: (training|selfplay|tournament) job \\S+.* on \\S+ \\([^)]*\\)$");

    /** Single-quotes a word for bash: everything inside reaches the program as it is. */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
