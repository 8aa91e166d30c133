package ai.ringrift.slurm.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small stand-ins for the loop's canonical Python scripts, for tests: they report what they got. */
public final class StandIns {

    static final String SCRIPT = """
            import json, os, socket, sys, time
            args = sys.argv[1:]
            print("ARGV=" + json.dumps(args))
            print("CUDA_VISIBLE_DEVICES=" + os.environ.get("CUDA_VISIBLE_DEVICES", ""))
            print("TASK=" + os.environ.get("RINGRIFT_TASK_INDEX", ""))
            print("TOKEN_IN_ENV=" + str(any(k.startswith("SLURM_JWT") for k in os.environ)))
            # where it runs: apptainer's variable, the local cluster image's own file, the working directory
            print("APPTAINER_CONTAINER=" + os.environ.get("APPTAINER_CONTAINER", ""))
            print("IMAGE_FILE=" + (open("/etc/ringrift-image").read().strip() if os.path.exists("/etc/ringrift-image") else ""))
            print("CWD=" + os.getcwd())
            print("HOST=" + socket.gethostname())  # the node's name on the multi-node cluster (a UTS namespace per node)
            if os.environ.get("RR_WRITE_INTO"):  # a file written from here into that directory
                with open(os.path.join(os.environ["RR_WRITE_INTO"], "from-" + os.environ.get("SLURM_JOB_ID", "x") + "-"
                          + os.environ.get("SLURM_ARRAY_TASK_ID", "0")), "w") as f:
                    f.write(os.environ.get("APPTAINER_CONTAINER", "") + "\\n")
            sys.stdout.flush()
            if "--rendezvous" in args:  # multi-node training: what this node got, and a real meeting at the endpoint
                host, port = os.environ["RINGRIFT_RDZV_ENDPOINT"].rsplit(":", 1)
                rank, nnodes = int(os.environ["RINGRIFT_NODE_RANK"]), int(os.environ["RINGRIFT_NNODES"])
                print("RDZV=" + json.dumps(dict({k: os.environ.get(k, "") for k in ("RINGRIFT_NNODES", "RINGRIFT_NPROC_PER_NODE",
                      "RINGRIFT_RDZV_ENDPOINT", "RINGRIFT_RDZV_ID", "RINGRIFT_NODE_RANK", "MASTER_ADDR", "MASTER_PORT", "WORLD_SIZE")},
                      host=socket.gethostname())), flush=True)
                if rank == 0:  # the head node listens where the endpoint says; every other node must reach it
                    server = socket.create_server(("", int(port)))
                    server.settimeout(60)
                    peers = []
                    for _ in range(nnodes - 1):
                        c, _ = server.accept()
                        peers.append(c.recv(64).decode())
                        c.close()
                    print("RDZV_PEERS=" + json.dumps(sorted(peers)), flush=True)
                else:
                    deadline = time.time() + 60
                    while True:
                        try:
                            with socket.create_connection((host, int(port)), timeout=5) as c:
                                c.sendall(("%d@%s" % (rank, socket.gethostname())).encode())
                            break
                        except OSError:
                            if time.time() > deadline:
                                raise
                            time.sleep(0.5)
            if "--sleep" in args:
                time.sleep(float(args[args.index("--sleep") + 1]))
            if "--exit" in args:
                print("exiting with " + args[args.index("--exit") + 1])
                sys.exit(int(args[args.index("--exit") + 1]))
            print("done")
            """;

    private StandIns() {}

    public static void install(Path repoDir) throws IOException {
        Path scripts = Files.createDirectories(repoDir.resolve("scripts"));
        for (WorkType type : WorkType.values()) {
            Path file = repoDir.resolve(type.canonicalScript());
            Files.writeString(file, SCRIPT);
        }
        for (Path p : new Path[] {repoDir, scripts}) {
            p.toFile().setReadable(true, false);
            p.toFile().setExecutable(true, false);
        }
    }
}
