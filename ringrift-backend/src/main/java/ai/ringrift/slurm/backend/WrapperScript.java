package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.backend.config.ContainerRuntime;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.backend.config.TrainingLauncher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The batch script each job runs: it picks the venv (or container image) for the node's
 * architecture, changes to the repo root on the shared filesystem, and runs the canonical script
 * with its arguments, each quoted so that spaces, quotes, $, backticks, ';' and newlines reach the
 * program unchanged. A training job on several nodes (slurm.nodes_training) starts one launcher per
 * node with srun instead, each with the rendezvous (see {@link #renderMultiNode}). It holds no token or key. Public so that an operator (or a benchmark) can see
 * the exact script a job would run.
 */
public final class WrapperScript {

    private WrapperScript() {}

    /**
     * The line the wrapper prints inside the container, just before the program starts: its absence
     * after the wrapper's first line means the container never started (see {@link #containerFailure}).
     */
    static final String IN_CONTAINER = "ringrift: in container ";

    /** The batch script of a job named {@code jobName} of this work type, with the work type's GPUs and nodes, running the canonical script with {@code arguments}. */
    public static String render(SlurmSettings s, WorkType type, String jobName, List<String> arguments) {
        return render(s, type, jobName, arguments, s.of(type) == null ? 0 : s.of(type).gpus());
    }

    /** As {@link #render(SlurmSettings, WorkType, String, List, int, int)}, on the work type's nodes (nodes_training for training). */
    public static String render(SlurmSettings s, WorkType type, String jobName, List<String> arguments, int gpus) {
        return render(s, type, jobName, arguments, gpus, s.nodes(type));
    }

    /**
     * The batch script of a job named {@code jobName} of this work type that asks for {@code gpus}
     * GPUs per node on {@code nodes} nodes, running the canonical script with {@code arguments}. With
     * apptainer or singularity, the GPUs are passed into the container ({@code --nv}) only when some
     * are asked. On one node the script runs the program itself; on more (training only) it starts
     * one launcher per node with srun, each given the rendezvous (see {@link #renderMultiNode}).
     */
    public static String render(SlurmSettings s, WorkType type, String jobName, List<String> arguments, int gpus, int nodes) {
        type.checkedNodes(nodes);
        StringBuilder b = new StringBuilder();
        b.append("#!/bin/bash\n");
        b.append("# RingRift ").append(type.key()).append(" job ").append(quote(jobName))
                .append(", written by the ringrift-slurm backend.\n");
        if (nodes > 1) {
            b.append("# On ").append(nodes).append(" nodes: srun starts one launcher per node (ringrift_node below);")
                    .append(" they meet at the job's first node.\n");
        }
        b.append("set -eo pipefail\n");
        b.append("arch=\"$(uname -m)\"\n");
        if (nodes == 1 || s.containerRuntime() == ContainerRuntime.PYXIS) {
            // on several nodes without pyxis each node picks its own venv or image (ringrift_node)
            b.append(archChoice(s, ""));
        }
        b.append("# array tasks: the global task index, when the work was split over several arrays\n");
        b.append("if [ -n \"${SLURM_ARRAY_TASK_ID:-}\" ]; then\n");
        b.append("  export RINGRIFT_TASK_INDEX=$(( ${RINGRIFT_TASK_OFFSET:-0} + SLURM_ARRAY_TASK_ID ))\n");
        b.append("fi\n");
        b.append("cd ").append(quote(s.repoDir().toString())).append('\n');
        b.append("echo \"ringrift: ").append(type.key())
                .append(" job ${SLURM_JOB_ID:-?}${SLURM_ARRAY_TASK_ID:+ task $SLURM_ARRAY_TASK_ID} on $(hostname) ($arch)\"\n");
        if (nodes > 1) {
            renderMultiNode(b, s, arguments, gpus, nodes);
            return b.toString();
        }

        StringBuilder command = new StringBuilder(singleNodeLauncher(s, type, gpus)).append(' ').append(quote(type.canonicalScript()));
        for (String arg : arguments) {
            command.append(' ').append(quote(arg));
        }
        ContainerRuntime runtime = s.containerRuntime();
        if (runtime == ContainerRuntime.NONE) {
            b.append(sourceVenv(""));
            b.append("exec ").append(command).append('\n');
            return b.toString();
        }
        b.append(requireImage(""));
        switch (runtime) {
            case APPTAINER, SINGULARITY -> b.append("exec ").append(containerExec(s, gpus)).append(' ').append(command).append('\n');
            case PYXIS -> b.append("exec srun --ntasks=1 ").append(pyxisOptions(s)).append(' ').append(command).append('\n');
            default -> throw new IllegalStateException(runtime.name());
        }
        return b.toString();
    }

    /**
     * The multi-node part of a training job's script, after its first line of output. Here, on the
     * job's first node: the rendezvous, from Slurm's facts at run time (the first host of {@code scontrol
     * show hostnames "$SLURM_JOB_NODELIST"}, the configured port, {@code ringrift-$SLURM_JOB_ID}),
     * exported as RINGRIFT_NNODES, RINGRIFT_NPROC_PER_NODE (the GPUs per node, at least 1),
     * RINGRIFT_RDZV_ENDPOINT, RINGRIFT_RDZV_ID and MASTER_ADDR, MASTER_PORT, WORLD_SIZE (nodes × processes
     * per node). Then {@code srun --ntasks-per-node=1 --kill-on-bad-exit=1} runs one step task per node
     * (a node whose launcher fails or is lost ends the whole step, so the job fails, and
     * requeue_training decides whether Slurm requeues it). Each sets RINGRIFT_NODE_RANK and NODE_RANK
     * from its own SLURM_NODEID, picks the venv or image of its own architecture (with pyxis srun
     * starts every node's container from the image of this node's architecture), and runs the
     * launcher: {@code python3 SCRIPT ARGS} or {@code torchrun} with the rendezvous as arguments. The
     * program's arguments reach every node as srun's own arguments, each quoted once.
     */
    private static void renderMultiNode(StringBuilder b, SlurmSettings s, List<String> arguments, int gpus, int nodes) {
        int perNode = Math.max(1, gpus);
        int port = s.trainingRendezvousPort();
        b.append("# the rendezvous, found here at run time: the job's first node and the port every node connects to\n");
        b.append("nodes=").append(nodes).append('\n');
        b.append("if [ \"${SLURM_JOB_NUM_NODES:-}\" != \"$nodes\" ]; then\n");
        b.append("  echo \"ringrift: this job needs $nodes nodes but has ${SLURM_JOB_NUM_NODES:-no Slurm allocation}\" >&2\n");
        b.append("  exit 2\n");
        b.append("fi\n");
        b.append("if ! hosts=\"$(scontrol show hostnames \"$SLURM_JOB_NODELIST\")\" || [ -z \"$hosts\" ]; then\n");
        b.append("  echo \"ringrift: scontrol show hostnames gave no nodes for '${SLURM_JOB_NODELIST:-}'\" >&2\n");
        b.append("  exit 2\n");
        b.append("fi\n");
        b.append("head_node=\"${hosts%%$'\\n'*}\"\n");
        b.append("export RINGRIFT_NNODES=\"$nodes\" RINGRIFT_NPROC_PER_NODE=").append(perNode).append('\n');
        b.append("export RINGRIFT_RDZV_ENDPOINT=\"$head_node:").append(port).append("\" RINGRIFT_RDZV_ID=\"ringrift-${SLURM_JOB_ID:?}\"\n");
        b.append("export MASTER_ADDR=\"$head_node\" MASTER_PORT=").append(port)
                .append(" WORLD_SIZE=$(( nodes * RINGRIFT_NPROC_PER_NODE ))\n");
        b.append("echo \"ringrift: $nodes nodes (${hosts//$'\\n'/,}), $RINGRIFT_NPROC_PER_NODE process(es) each, rendezvous")
                .append(" $RINGRIFT_RDZV_ENDPOINT id $RINGRIFT_RDZV_ID\"\n");

        String launcher = s.trainingLauncher() == TrainingLauncher.TORCHRUN
                ? "torchrun --nnodes=\"$RINGRIFT_NNODES\" --nproc_per_node=\"$RINGRIFT_NPROC_PER_NODE\" --rdzv_backend=c10d"
                        + " --rdzv_endpoint=\"$RINGRIFT_RDZV_ENDPOINT\" --rdzv_id=\"$RINGRIFT_RDZV_ID\" --node_rank=\"$RINGRIFT_NODE_RANK\""
                : "python3";
        String rank = "export RINGRIFT_NODE_RANK=\"${SLURM_NODEID:?srun gave this task no SLURM_NODEID}\" NODE_RANK=\"$SLURM_NODEID\"";
        String nodeLine = "echo \"ringrift: training job ${SLURM_JOB_ID:-?}${SLURM_ARRAY_TASK_ID:+ task $SLURM_ARRAY_TASK_ID}"
                + " node $RINGRIFT_NODE_RANK of $RINGRIFT_NNODES on $(hostname) ($arch)\"";
        StringBuilder program = new StringBuilder(quote(WorkType.TRAINING.canonicalScript()));
        for (String arg : arguments) {
            program.append(' ').append(quote(arg));
        }
        String srun = "exec srun --nodes=\"$nodes\" --ntasks=\"$nodes\" --ntasks-per-node=1 --kill-on-bad-exit=1"
                + " ${SLURM_CPUS_PER_TASK:+--cpus-per-task=\"$SLURM_CPUS_PER_TASK\"}";
        ContainerRuntime runtime = s.containerRuntime();
        if (runtime == ContainerRuntime.PYXIS) {
            // pyxis starts the containers itself (srun --container-image): the step runs inside them
            b.append(requireImage(""));
            b.append("# one task per node, inside its container: its rank, its line, then the launcher\n");
            b.append("node_step=").append(quote("\n" + rank + "\narch=\"$(uname -m)\"\n" + nodeLine + "\nexec " + launcher + " \"$@\"\n"))
                    .append('\n');
            b.append(srun).append(' ').append(pyxisOptions(s)).append(" /bin/sh -c \"$node_step\" ringrift-node ")
                    .append(program).append('\n');
            return;
        }
        b.append("# one task per node, run there by srun: the venv or image of the node's own architecture, its rank, the launcher\n");
        b.append("ringrift_node() {\n");
        b.append("  set -eo pipefail\n");
        b.append("  local arch venv_activate image\n");
        b.append("  arch=\"$(uname -m)\"\n");
        b.append(archChoice(s, "  "));
        b.append("  cd ").append(quote(s.repoDir().toString())).append('\n');
        b.append("  ").append(rank).append('\n');
        b.append("  ").append(nodeLine).append('\n');
        if (runtime == ContainerRuntime.NONE) {
            b.append(sourceVenv("  "));
            b.append("  exec ").append(launcher).append(" \"$@\"\n");
        } else {
            b.append(requireImage("  "));
            b.append("  exec ").append(containerExec(s, gpus)).append(' ').append(launcher).append(" \"$@\"\n");
        }
        b.append("}\n");
        b.append(srun).append(" /bin/bash -c \"$(declare -f ringrift_node); ringrift_node \\\"\\$@\\\"\" ringrift-node ")
                .append(program).append('\n');
    }

    /** What runs the canonical script on one node: python3, or for training with training_launcher torchrun, torchrun on this node's GPUs. */
    private static String singleNodeLauncher(SlurmSettings s, WorkType type, int gpus) {
        if (type == WorkType.TRAINING && s.trainingLauncher() == TrainingLauncher.TORCHRUN) {
            return "torchrun --standalone --nnodes=1 --nproc_per_node=" + Math.max(1, gpus);
        }
        return "python3";
    }

    /** Sets venv_activate and image for the architecture in $arch. */
    private static String archChoice(SlurmSettings s, String indent) {
        return indent + "if [ \"$arch\" = aarch64 ]; then\n"
                + indent + "  venv_activate=" + quote(orEmpty(s.venvActivateArm64())) + '\n'
                + indent + "  image=" + quote(orEmpty(s.containerImageArm64())) + '\n'
                + indent + "else\n"
                + indent + "  venv_activate=" + quote(orEmpty(s.venvActivate())) + '\n'
                + indent + "  image=" + quote(orEmpty(s.containerImageX8664())) + '\n'
                + indent + "fi\n";
    }

    private static String sourceVenv(String indent) {
        return indent + "if [ -n \"$venv_activate\" ]; then\n"
                + indent + "  # shellcheck disable=SC1090\n"
                + indent + "  source \"$venv_activate\"\n"
                + indent + "fi\n";
    }

    private static String requireImage(String indent) {
        return indent + "if [ -z \"$image\" ]; then\n"
                + indent + "  echo \"ringrift: no container image is configured for $arch\" >&2\n"
                + indent + "  exit 2\n"
                + indent + "fi\n";
    }

    /**
     * apptainer or singularity exec of "$image", up to the program: repo_dir and log_dir (and the rest
     * of the shared root) at the same paths as outside; inside, a first line that says where it runs,
     * then the program in its place (exec).
     */
    private static String containerExec(SlurmSettings s, int gpus) {
        StringBuilder b = new StringBuilder(s.containerRuntime() == ContainerRuntime.APPTAINER ? "apptainer" : "singularity").append(" exec");
        if (gpus > 0) {
            b.append(" --nv");
        }
        for (Path bind : binds(s)) {
            b.append(" --bind ").append(quote(bind.toString()));
        }
        b.append(" --pwd ").append(quote(s.repoDir().toString())).append(" \"$image\" /bin/sh -c ")
                .append(quote("echo \"" + IN_CONTAINER + "${APPTAINER_CONTAINER:-$SINGULARITY_CONTAINER}\"; exec \"$@\""))
                .append(" ringrift");
        return b.toString();
    }

    /** srun's pyxis options: the image in "$image", the binds as mounts at the same paths, repo_dir as the working directory. */
    private static String pyxisOptions(SlurmSettings s) {
        StringBuilder mounts = new StringBuilder();
        for (Path bind : binds(s)) {
            mounts.append(mounts.length() == 0 ? "" : ",").append(bind).append(':').append(bind);
        }
        return "--container-image=\"$image\" --container-mounts=" + quote(mounts.toString()) + " --container-workdir="
                + quote(s.repoDir().toString());
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
