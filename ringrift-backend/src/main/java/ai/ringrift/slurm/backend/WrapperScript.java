package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.backend.config.ContainerRuntime;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import java.util.List;

/**
 * The batch script each job runs: it picks the venv (or container image) for the node's
 * architecture, changes to the repo root on the shared filesystem, and runs the canonical script
 * with its arguments, each quoted so that spaces, quotes, $, backticks, ';' and newlines reach the
 * program unchanged. It holds no token or key. Public so that an operator (or a benchmark) can see
 * the exact script a job would run.
 */
public final class WrapperScript {

    private WrapperScript() {}

    /** The batch script of a job named {@code jobName} of this work type, running the canonical script with {@code arguments}. */
    public static String render(SlurmSettings s, WorkType type, String jobName, List<String> arguments) {
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
        String shared = quote(s.sharedRoot().toString());
        String repo = quote(s.repoDir().toString());
        switch (runtime) {
            case APPTAINER, SINGULARITY -> b.append("exec ").append(runtime == ContainerRuntime.APPTAINER ? "apptainer" : "singularity")
                    .append(" exec --nv --bind ").append(shared).append(" --pwd ").append(repo)
                    .append(" \"$image\" ").append(command).append('\n');
            case PYXIS -> b.append("exec srun --ntasks=1 --container-image=\"$image\" --container-mounts=")
                    .append(quote(s.sharedRoot() + ":" + s.sharedRoot())).append(" --container-workdir=").append(repo)
                    .append(' ').append(command).append('\n');
            default -> throw new IllegalStateException(runtime.name());
        }
        return b.toString();
    }

    /** Single-quotes a word for bash: everything inside reaches the program as it is. */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
