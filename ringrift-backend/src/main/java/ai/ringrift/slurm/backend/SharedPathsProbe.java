package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.backend.config.ContainerRuntime;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobWaitTimeoutException;
import ai.ringrift.slurm.rest.JobWaiter;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.SlurmClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the shared filesystem as the jobs see it: a tiny probe job, run as the job user on a node
 * of the training partition (else of the first moved work type), tries to write and read back a file in log_dir and to read job_dir,
 * repo_dir and the venvs or container images, and reports each result as one bit of its exit code
 * (its own output goes to /dev/null, so an unwritable log_dir cannot stop it from reporting). With
 * apptainer or singularity it also starts the image of the node's architecture as the job user
 * ({@code apptainer exec IMAGE /bin/sh -c :}); the runtime's message, when it fails, comes back in
 * a file in log_dir that the probe leaves and this class reads and removes.
 *
 * <p>When the probe does not run within its timeout (a busy cluster), it is cancelled and the same
 * questions are answered from owner and mode on this host ({@link JobUserAccess}), which cannot
 * see group membership the host does not know: such answers say so.
 */
public final class SharedPathsProbe {

    /** One path, checked. */
    public record PathCheck(String name, Path path, boolean ok, String detail, String fix) {}

    /**
     * What the probe found.
     *
     * @param jobId the probe job's id, 0 when none ran
     * @param asJob true when a job answered; false when the answers come from owner and mode here
     * @param note how the answers were obtained (or why the probe could not run)
     */
    public record Report(long jobId, boolean asJob, String note, List<PathCheck> checks) {
        public Report {
            checks = List.copyOf(checks);
        }

        public boolean ok() {
            return checks.stream().allMatch(PathCheck::ok);
        }
    }

    private enum Kind { WRITE, READ, RUNS }

    private record Item(String name, Path path, Kind kind, String setting) {
        boolean write() {
            return kind == Kind.WRITE;
        }
    }

    /** The file in log_dir where the probe leaves the container check's findings (job id filled in). */
    static final String CONTAINER_NOTE = ".ringrift-probe-%d.container";

    private final SlurmSettings settings;
    private final SlurmClient client;
    private final JobUserAccess access;

    SharedPathsProbe(SlurmSettings settings, SlurmClient client, JobUserAccess access) {
        this.settings = settings;
        this.client = client;
        this.access = access;
    }

    private List<Item> items() {
        List<Item> items = new ArrayList<>();
        items.add(new Item("log_dir writable", settings.logDir(), Kind.WRITE, "slurm.log_dir"));
        items.add(new Item("job_dir readable", settings.jobDir(), Kind.READ, "slurm.job_dir"));
        items.add(new Item("repo_dir readable", settings.repoDir(), Kind.READ, "slurm.repo_dir"));
        if (settings.containerRuntime() == ContainerRuntime.NONE) {
            optional(items, "venv (x86_64) readable", settings.venvActivate(), "slurm.venv_activate");
            optional(items, "venv (arm64) readable", settings.venvActivateArm64(), "slurm.venv_activate_arm64");
        } else if (settings.containerRuntime() != ContainerRuntime.PYXIS) {
            optional(items, "image (x86_64) readable", settings.containerImageX8664(), "slurm.container_image_x86_64");
            optional(items, "image (arm64) readable", settings.containerImageArm64(), "slurm.container_image_arm64");
            items.add(new Item("image runs as the job user", null, Kind.RUNS, "slurm.container_image_x86_64 / _arm64"));
        }
        return items;
    }

    private static void optional(List<Item> items, String name, String path, String setting) {
        if (path != null && !path.isBlank()) {
            items.add(new Item(name, Path.of(path), Kind.READ, setting));
        }
    }

    /** The probe's script: bit i of its exit code is set when check i failed. */
    String script(List<Item> items) {
        StringBuilder s = new StringBuilder("#!/bin/bash\n# ringrift-slurm preflight: what the jobs' user can do on the shared "
                + "filesystem; bit N of the exit code is check N failing\nr=0\n");
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            String p = item.path() == null ? "" : quote(item.path().toString());
            int bit = 1 << i;
            if (item.kind() == Kind.RUNS) {
                s.append(runsCheck(bit));
            } else if (item.write()) {
                s.append("f=").append(p).append("/.ringrift-probe-$SLURM_JOB_ID\n")
                        .append("if ( echo probe > \"$f\" ) 2>/dev/null && [ \"$(cat \"$f\" 2>/dev/null)\" = probe ]; then rm -f \"$f\"; ")
                        .append("else r=$((r | ").append(bit).append(")); fi\n");
            } else {
                s.append("if [ -d ").append(p).append(" ]; then [ -r ").append(p).append(" ] && [ -x ").append(p)
                        .append(" ] || r=$((r | ").append(bit).append(")); else [ -r ").append(p).append(" ] || r=$((r | ")
                        .append(bit).append(")); fi\n");
            }
        }
        return s.append("exit $r\n").toString();
    }

    /**
     * Starts the image of the node's architecture as the job user, as the wrapper would (the same
     * runtime, from the job's PATH); the first line of the note says which, the rest is the
     * runtime's own output when it failed.
     */
    private String runsCheck(int bit) {
        String runtime = settings.containerRuntime() == ContainerRuntime.SINGULARITY ? "singularity" : "apptainer";
        return "n=" + quote(settings.logDir().toString()) + "/" + CONTAINER_NOTE.replace("%d", "$SLURM_JOB_ID") + "\n"
                + "a=\"$(uname -m)\"\n"
                + "if [ \"$a\" = aarch64 ]; then img=" + quote(orEmpty(settings.containerImageArm64()))
                + "; else img=" + quote(orEmpty(settings.containerImageX8664())) + "; fi\n"
                + "if [ -z \"$img\" ]; then m=\"no image is configured for $a\"; c=1\n"
                + "elif [ ! -r \"$img\" ]; then m=\"not started: $img cannot be read\"; c=1\n"
                + "else m=$(" + runtime + " exec \"$img\" /bin/sh -c : 2>&1) && c=0 || c=1; fi\n"
                + "{ printf '%s %s on %s\\n' \"$a\" \"$img\" \"$(hostname)\"; printf '%s\\n' \"$m\"; } > \"$n\" 2>/dev/null || true\n"
                + "[ $c = 0 ] || r=$((r | " + bit + "))\n";
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Runs the probe job, waiting up to {@code timeout} for it; falls back to owner and mode after that. */
    public Report run(Duration timeout) throws InterruptedException {
        List<Item> items = items();
        if (items.size() > 7) {
            throw new IllegalStateException("at most 7 checks fit in an exit code");
        }
        // where the main work runs: training's partition, else the first work type moved to Slurm
        String partition = settings.of(settings.moved().get(0)).partition();
        JobSubmission probe = JobSubmission.builder()
                .name("rr-preflight-probe")
                .script(script(items))
                .partition(partition)
                .account(settings.account())
                .qos(settings.qos())
                .cpusPerTask(1)
                // apptainer's starter and squashfuse need more than the shell checks
                .memoryPerNodeMb(items.stream().anyMatch(i -> i.kind() == Kind.RUNS) ? 512 : 64)
                .timeLimit(Duration.ofMinutes(1))
                .workingDirectory("/tmp")
                .standardOutput("/dev/null")
                .standardError("/dev/null")
                .putEnvironment("PATH", "/usr/local/bin:/usr/bin:/bin")
                .build();
        long id = client.submit(probe).jobId();
        JobInfo info;
        try {
            info = JobWaiter.builder(client).minInterval(Duration.ofMillis(500)).maxInterval(Duration.ofSeconds(2)).build()
                    .await(id, timeout);
        } catch (JobWaitTimeoutException late) {
            client.cancel(id);
            return fromOwnerAndMode(items, id, "probe job " + id + " did not run within " + timeout
                    + " (cancelled it); judged from owner and mode on this host instead");
        }
        int code = info.exitCode();
        if (info.signal() > 0 || code < 0 || code >= 1 << items.size()) {
            // it did not get to report: say what Slurm says and judge from here
            return fromOwnerAndMode(items, id, "probe job " + id + " ended " + info.state() + " exit " + code
                    + (info.signal() > 0 ? " signal " + info.signal() : "") + " (" + info.stateReason()
                    + ") before it could report; judged from owner and mode on this host instead");
        }
        List<PathCheck> checks = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            boolean ok = (code & (1 << i)) == 0;
            if (item.kind() == Kind.RUNS) {
                checks.add(runsResult(item, id, ok, partition));
                continue;
            }
            String detail = item.path() + " as " + access.userName() + " (probe job " + id + ")";
            if (!ok) {
                detail += ": " + (item.write() ? access.canWrite(item.path()) : access.canRead(item.path())).detail();
            }
            checks.add(new PathCheck(item.name(), item.path(), ok, detail, fix(item)));
        }
        return new Report(id, true, "probe job " + id + " ran as " + access.userName() + " on partition "
                + partition, checks);
    }

    /** The container check, with what the probe left in log_dir (read, then removed). */
    private PathCheck runsResult(Item item, long id, boolean ok, String partition) {
        Path note = settings.logDir().resolve(String.format(CONTAINER_NOTE, id));
        List<String> lines = List.of();
        try {
            lines = Files.readAllLines(note);
            Files.deleteIfExists(note);
        } catch (IOException e) {
            // log_dir not writable for the job (its own check says so), or not readable here
        }
        String runtime = settings.containerRuntime() == ContainerRuntime.SINGULARITY ? "singularity" : "apptainer";
        String which = lines.isEmpty() ? "the image of the node's architecture" : lines.get(0);
        String said = lines.size() < 2 ? "" : String.join(" ", lines.subList(1, lines.size())).replaceAll("\\s+", " ").strip();
        Path image = lines.isEmpty() ? null : Path.of(lines.get(0).replaceFirst("^\\S+ ", "").replaceFirst(" on \\S+$", ""));
        String detail = runtime + " exec " + which + " as " + access.userName() + " (probe job " + id + ")"
                + (ok ? "" : ": " + (said.isEmpty() ? "failed (no message came back: log_dir is not writable for the job)" : said));
        String fix = "run '" + runtime + " exec IMAGE /bin/sh -c :' as " + access.userName() + " on a node of partition " + partition
                + " to see why; a missing or unreadable image: see the checks above (slurm.container_image_x86_64 / _arm64); "
                + "'" + runtime + ": command not found': install " + runtime + " on the nodes or change slurm.container_runtime; "
                + "'not allowed to create user namespace': the nodes must allow unprivileged user namespaces (or " + runtime
                + " must be installed setuid)";
        return new PathCheck(item.name(), image, ok, detail, fix);
    }

    private Report fromOwnerAndMode(List<Item> items, long id, String note) {
        List<PathCheck> checks = new ArrayList<>();
        for (Item item : items) {
            if (item.kind() == Kind.RUNS) {
                checks.add(new PathCheck(item.name(), null, true, "not tried: the probe job did not report (cannot be told "
                        + "from here)", "let the probe job run (a longer --probe-timeout, or a partition with free nodes)"));
                continue;
            }
            JobUserAccess.Finding f = item.write() ? access.canWrite(item.path()) : access.canRead(item.path());
            boolean ok = f.verdict() != JobUserAccess.Verdict.NO;
            String detail = item.path() + " as " + access.userName() + ": " + f.detail()
                    + (f.verdict() == JobUserAccess.Verdict.UNKNOWN ? " (cannot be told from here)" : "");
            checks.add(new PathCheck(item.name(), item.path(), ok, detail, fix(item)));
        }
        return new Report(id, false, note, checks);
    }

    private String fix(Item item) {
        if (item.write()) {
            return access.fix(item.path()) + " (" + item.setting() + ")";
        }
        String u = access.userName();
        if (!Files.exists(item.path()) && item.setting().startsWith("slurm.container_image")) {
            return "no image at " + item.path() + ": build or copy the image there, or point " + item.setting()
                    + " at the image the nodes have";
        }
        return "make " + item.path() + " readable by " + u + " (chmod o+rX, or a group " + u + " is in), or fix "
                + item.setting();
    }
}
