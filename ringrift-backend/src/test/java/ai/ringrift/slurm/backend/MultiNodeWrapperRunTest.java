package ai.ringrift.slurm.backend;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.backend.config.SlurmSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A multi-node training wrapper executed as Slurm would run it on a job of three nodes, with
 * stand-ins on the PATH: {@code scontrol} answers {@code show hostnames} for the job's node list (and
 * only for it, exactly as given); {@code srun} runs the step command once per node, at once, each
 * with that node's SLURM_NODEID, SLURM_PROCID, SLURM_LOCALID and SLURMD_NODENAME (and its own
 * architecture where the test gives one), exits with the highest exit code of them, and with
 * {@code --kill-on-bad-exit=1} ends the others when one fails, as the real one does; {@code python3} and {@code torchrun} record per node the
 * arguments and the rendezvous they got. Every node must get the same rendezvous and its own rank.
 */
class MultiNodeWrapperRunTest {

    @TempDir
    Path dir;

    private Path bin;
    private Path shared;
    private Path repo;
    private String output;
    private long millis;

    private static final List<String> ARGS = WrapperScriptRunTest.ARGS;
    private static final List<String> RECORDED = List.of("RINGRIFT_NNODES", "RINGRIFT_NPROC_PER_NODE", "RINGRIFT_RDZV_ENDPOINT",
            "RINGRIFT_RDZV_ID", "RINGRIFT_NODE_RANK", "NODE_RANK", "MASTER_ADDR", "MASTER_PORT", "WORLD_SIZE", "RR_VENV",
            "APPTAINER_CONTAINER", "RINGRIFT_TASK_INDEX", "SLURM_NODEID");

    @BeforeEach
    void standIns() throws Exception {
        bin = Files.createDirectories(dir.resolve("bin"));
        shared = Files.createDirectories(dir.resolve("shared"));
        repo = Files.createDirectories(shared.resolve("ringrift"));
        // a file the job's node list matches as a glob, in the directory the wrapper works in: an
        // unquoted $SLURM_JOB_NODELIST would become this name and scontrol would not know it
        Files.writeString(repo.resolve("rr-node1"), "");
        executable("scontrol", """
                #!/bin/bash
                printf '%s\\0' "$@" >> 'DIR/scontrol-argv'
                if [ "$1 $2" = "show hostnames" ] && [ "$#" = 3 ] && [ "$3" = 'rr-node[1-3]' ]; then
                  printf 'rr-node1\\nrr-node2\\nrr-node3\\n'
                  exit 0
                fi
                echo "scontrol stand-in: unexpected arguments: $*" >&2
                exit 1
                """);
        executable("srun", """
                #!/bin/bash
                printf '%s\\0' "$@" > 'DIR/srun-argv'
                n=1
                kill_on_bad=0
                while [ "${1#--}" != "$1" ]; do
                  case $1 in
                    --nodes=*) n=${1#--nodes=} ;;
                    --kill-on-bad-exit=1) kill_on_bad=1 ;;
                  esac
                  shift
                done
                pids=()
                for ((i = 0; i < n; i++)); do
                  (
                    export SLURM_NODEID=$i SLURM_PROCID=$i SLURM_LOCALID=0 SLURM_STEP_NUM_NODES=$n SLURM_STEP_NUM_TASKS=$n
                    export SLURMD_NODENAME=rr-node$((i + 1))
                    arch_of=FAKE_ARCH_$i
                    if [ -n "${!arch_of:-}" ]; then export FAKE_ARCH=${!arch_of}; fi
                    exec "$@"
                  ) &
                  pids+=($!)
                done
                # like srun: the highest exit code of all tasks; with --kill-on-bad-exit=1 the first failure ends the rest
                status=0
                for ((left = n; left > 0; left--)); do
                  wait -n
                  rc=$?
                  if [ "$rc" != 0 ] && [ "$kill_on_bad" = 1 ]; then kill "${pids[@]}" 2>/dev/null || true; fi
                  if [ "$rc" -gt "$status" ]; then status=$rc; fi
                done
                exit "$status"
                """);
        String launcher = """
                #!/bin/bash
                {
                  printf '%s\\0' "$(basename "$0")" "$@"
                  for v in VARS; do printf '%s=%s\\0' "$v" "${!v}"; done
                  printf 'HOST=%s\\0' "$(hostname)"
                } > "DIR/node-${SLURM_NODEID:-none}"
                if [ -n "${RR_FAIL_NODE:-}" ]; then
                  if [ "$SLURM_NODEID" = "$RR_FAIL_NODE" ]; then echo "node $SLURM_NODEID fails"; exit 3; fi
                  exec sleep 30 # the others wait for the lost peer, as torchrun would
                fi
                """.replace("VARS", String.join(" ", RECORDED));
        executable("python3", launcher);
        executable("torchrun", launcher);
        // apptainer and singularity: run the command after the image with the container's variable set, as inside it
        String container = "#!/bin/bash\nshift\nwhile [ \"${1#--}\" != \"$1\" ]; do case $1 in --nv) shift ;; *) shift 2 ;; esac; done\n"
                + "image=$1; shift\nexport APPTAINER_CONTAINER=$image SINGULARITY_CONTAINER=$image\nexec \"$@\"\n";
        executable("apptainer", container);
        executable("uname", "#!/bin/bash\necho \"$FAKE_ARCH\"\n");
        executable("hostname", "#!/bin/bash\necho \"${SLURMD_NODENAME:-rr-node1}\"\n");
        for (String arch : List.of("x86", "arm64")) {
            Path activate = Files.createDirectories(shared.resolve("venv-" + arch + "/bin")).resolve("activate");
            Files.writeString(activate, "export RR_VENV=" + arch + "\n");
        }
    }

    private void executable(String name, String text) throws Exception {
        Path file = bin.resolve(name);
        Files.writeString(file, text.replace("DIR", dir.toString()));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private SlurmSettings settings(String runtime, String launcher, String extra) throws Exception {
        return TestSettings.load(dir, shared, repo, """
                  nodes_training: 3
                  training_launcher: %s
                  venv_activate: %s/venv-x86/bin/activate
                  venv_activate_arm64: %s/venv-arm64/bin/activate
                  container_runtime: %s
                  container_image_x86_64: %s/images/ringrift-x86_64.sif
                  container_image_arm64: %s/images/ringrift-gh200 aarch64.sif
                """.formatted(launcher, shared, shared, runtime, shared, shared) + extra);
    }

    /** Runs the three-node wrapper in a job's environment (plus {@code env}); returns its exit code. */
    private int run(SlurmSettings s, int gpus, Map<String, String> env) throws Exception {
        Path script = dir.resolve("job.sh");
        Files.writeString(script, WrapperScript.render(s, WorkType.TRAINING, "rr-training-t", ARGS, gpus));
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", script.toString()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().put("FAKE_ARCH", "x86_64");
        pb.environment().put("SLURM_JOB_ID", "42");
        pb.environment().put("SLURM_JOB_NUM_NODES", "3");
        pb.environment().put("SLURM_JOB_NODELIST", "rr-node[1-3]");
        pb.environment().put("SLURM_CPUS_PER_TASK", "16");
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        try {
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        millis = (System.nanoTime() - start) / 1_000_000;
        return p.exitValue();
    }

    private List<String> recorded(String name) throws Exception {
        List<String> values = new ArrayList<>(Arrays.asList(Files.readString(dir.resolve(name), StandardCharsets.UTF_8).split("\0", -1)));
        values.remove(values.size() - 1); // after the last NUL
        return values;
    }

    /** What node {@code i}'s launcher got: its argv, then VAR=value for each recorded variable. */
    private Node node(int i) throws Exception {
        List<String> all = recorded("node-" + i);
        int vars = RECORDED.size() + 1;
        Map<String, String> env = new LinkedHashMap<>();
        for (String kv : all.subList(all.size() - vars, all.size())) {
            env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        return new Node(all.subList(0, all.size() - vars), env);
    }

    private record Node(List<String> argv, Map<String, String> env) {
        String rendezvous() {
            return String.join(" ", env.get("RINGRIFT_NNODES"), env.get("RINGRIFT_NPROC_PER_NODE"), env.get("RINGRIFT_RDZV_ENDPOINT"),
                    env.get("RINGRIFT_RDZV_ID"), env.get("MASTER_ADDR"), env.get("MASTER_PORT"), env.get("WORLD_SIZE"));
        }
    }

    private static List<String> program() {
        List<String> all = new ArrayList<>(List.of(WorkType.TRAINING.canonicalScript()));
        all.addAll(ARGS);
        return all;
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"none, python3", "none, torchrun", "apptainer, python3", "apptainer, torchrun", "pyxis, python3", "pyxis, torchrun"})
    void everyNodeGetsTheSameRendezvousAndItsOwnRank(String runtime, String launcher) throws Exception {
        // node 1 is an aarch64 node: it must pick the arm64 venv or image itself (not with pyxis, whose srun starts
        // one image on every node: multi-node jobs there stay on one architecture)
        Map<String, String> arch1 = runtime.equals("pyxis") ? Map.of() : Map.of("FAKE_ARCH_1", "aarch64");
        assertThat(run(settings(runtime, launcher, ""), 2, arch1)).as(output).isZero();

        List<String> srun = recorded("srun-argv");
        assertThat(srun).startsWith("--nodes=3", "--ntasks=3", "--ntasks-per-node=1", "--kill-on-bad-exit=1", "--cpus-per-task=16");
        assertThat(srun).endsWith(program().toArray(String[]::new));
        assertThat(recorded("scontrol-argv")).containsExactly("show", "hostnames", "rr-node[1-3]");
        List<String> ranks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Node node = node(i);
            assertThat(node.rendezvous()).as("node %d", i).isEqualTo("3 2 rr-node1:29500 ringrift-42 rr-node1 29500 6");
            ranks.add(node.env().get("RINGRIFT_NODE_RANK"));
            assertThat(node.env().get("NODE_RANK")).isEqualTo(node.env().get("RINGRIFT_NODE_RANK"));
            assertThat(node.env().get("HOST")).isEqualTo("rr-node" + (i + 1));
            List<String> expected = new ArrayList<>();
            if (launcher.equals("torchrun")) {
                expected.addAll(List.of("torchrun", "--nnodes=3", "--nproc_per_node=2", "--rdzv_backend=c10d",
                        "--rdzv_endpoint=rr-node1:29500", "--rdzv_id=ringrift-42", "--node_rank=" + i));
            } else {
                expected.add("python3");
            }
            expected.addAll(program());
            assertThat(node.argv()).as("node %d's launcher, and the arguments intact", i).containsExactlyElementsOf(expected);
            String arch = i == 1 && !runtime.equals("pyxis") ? "aarch64" : "x86_64";
            switch (runtime) {
                case "none" -> assertThat(node.env().get("RR_VENV")).isEqualTo(arch.equals("aarch64") ? "arm64" : "x86");
                case "apptainer" -> {
                    assertThat(node.env().get("APPTAINER_CONTAINER")).isEqualTo(shared + (arch.equals("aarch64")
                            ? "/images/ringrift-gh200 aarch64.sif" : "/images/ringrift-x86_64.sif"));
                    assertThat(node.env().get("RR_VENV")).isEmpty();
                }
                default -> assertThat(srun).contains("--container-image=" + shared + "/images/ringrift-x86_64.sif",
                        "--container-workdir=" + repo);
            }
            assertThat(output).contains("ringrift: training job 42 node " + i + " of 3 on rr-node" + (i + 1) + " (" + arch + ")");
        }
        assertThat(ranks).as("each node its own rank").containsExactlyInAnyOrder("0", "1", "2");
        assertThat(output).contains("ringrift: training job 42 on rr-node1 (x86_64)")
                .contains("ringrift: 3 nodes (rr-node1,rr-node2,rr-node3), 2 process(es) each, rendezvous rr-node1:29500 id ringrift-42");
        if (runtime.equals("apptainer")) {
            assertThat(output).contains("ringrift: in container ");
            assertThat(WrapperScript.containerFailure(output.lines().toList())).isEmpty();
        }
    }

    @Test
    void theConfiguredPortAndAtLeastOneProcessPerNode() throws Exception {
        assertThat(run(settings("none", "torchrun", "  training_rendezvous_port: 29611\n"), 0, Map.of())).as(output).isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(node(i).rendezvous()).isEqualTo("3 1 rr-node1:29611 ringrift-42 rr-node1 29611 3");
            assertThat(node(i).argv()).contains("--nproc_per_node=1", "--rdzv_endpoint=rr-node1:29611");
        }
    }

    @Test
    void oneNodeFailingFailsTheJobAndEndsTheOthers() throws Exception {
        int exit = run(settings("none", "torchrun", ""), 2, Map.of("RR_FAIL_NODE", "1"));
        assertThat(exit).as(output).isNotZero();
        assertThat(output).contains("node 1 fails");
        // the others waited for their peer: --kill-on-bad-exit ended them, not their 30 s
        assertThat(millis).as("the wrapper ended when node 1 failed").isLessThan(20_000);
    }

    /** A job whose allocation is not what the wrapper was written for stops before it starts anything. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "SLURM_JOB_NUM_NODES | 2                | ringrift: this job needs 3 nodes but has 2",
        "SLURM_JOB_NODELIST  | other[1-3]       | ringrift: scontrol show hostnames gave no nodes for 'other[1-3]'"})
    void aJobWithoutItsNodesStopsBeforeStarting(String variable, String value, String message) throws Exception {
        int exit = run(settings("none", "python3", ""), 2, Map.of(variable, value));
        assertThat(exit).isEqualTo(2);
        assertThat(output).contains(message);
        assertThat(dir.resolve("srun-argv")).doesNotExist();
    }
}
