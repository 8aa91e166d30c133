package ai.ringrift.slurm.cli;

import ai.ringrift.slurm.rest.JobFiles;
import ai.ringrift.slurm.backend.SlurmBackend;
import ai.ringrift.slurm.backend.WorkType;
import ai.ringrift.slurm.backend.config.SlurmSettings;
import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobState;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.SlurmClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "smoke", description = "Run one tiny job on each configured partition (with a GPU where the config asks) and report.")
final class SmokeCommand implements Callable<Integer> {

    @Mixin
    RingriftSlurm.Common common;

    @Option(names = "--timeout", description = "per job (default: ${DEFAULT-VALUE})", defaultValue = "5m",
            converter = DurationConverter.class)
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        SlurmSettings s = common.settings();
        Map<String, Integer> gpusByPartition = new LinkedHashMap<>();
        for (WorkType type : s.moved()) { // only what slurm.work_types moved to Slurm
            gpusByPartition.merge(s.of(type).partition(), s.of(type).gpus() > 0 ? 1 : 0, Math::max);
        }
        try (SlurmBackend backend = common.backend()) {
            SlurmClient client = backend.client();
            backend.jobUserAccess().prepareWritable(s.logDir(), "slurm.log_dir");
            Map<String, Long> jobs = new LinkedHashMap<>();
            for (Map.Entry<String, Integer> p : gpusByPartition.entrySet()) {
                jobs.put(p.getKey(), client.submit(JobSubmission.builder().name("rr-smoke-" + p.getKey())
                        .script("#!/bin/bash\necho \"smoke: $(hostname) partition $SLURM_JOB_PARTITION gpus=${CUDA_VISIBLE_DEVICES:-none}\"\n")
                        .partition(p.getKey()).account(s.account()).qos(s.qos()).gpusPerNode(p.getValue()).cpusPerTask(1)
                        .memoryPerNodeMb(128).timeLimit(Duration.ofMinutes(5)).workingDirectory(s.sharedRoot().toString())
                        .standardOutput(s.logDir().resolve("rr-smoke-%j.out").toString()).build()).jobId());
            }
            boolean ok = true;
            List<List<String>> rows = new ArrayList<>();
            List<Map<String, Object>> json = new ArrayList<>();
            for (Map.Entry<String, Long> j : jobs.entrySet()) {
                JobInfo info = Jobs.awaitFinalOrCancel(client, j.getValue(), timeout);
                Path log = s.logDir().resolve("rr-smoke-" + j.getValue() + ".out");
                String text = Files.isReadable(log) ? String.join(" | ", JobFiles.tail(log, 5))
                        : "(" + backend.jobUserAccess().explainMissingOutput(log).orElse("no log at " + log) + ")";
                boolean passed = info.state() == JobState.COMPLETED && info.exitCode() == 0;
                ok &= passed;
                rows.add(List.of(passed ? "PASS" : "FAIL", j.getKey(), String.valueOf(j.getValue()), info.state().name(),
                        Jobs.exit(info), text));
                json.add(Map.of("partition", j.getKey(), "job", j.getValue(), "state", info.state().name(),
                        "exitCode", info.exitCode(), "ok", passed, "log", log.toString(), "output", text));
            }
            if (common.json) {
                common.printJson(backend, Map.of("ok", ok, "jobs", json));
            } else {
                common.out().print(RingriftSlurm.table(List.of("RESULT", "PARTITION", "JOB", "STATE", "EXIT", "LOG"), rows));
            }
            if (!ok) {
                common.err().println("ringrift-slurm: smoke test failed on " + rows.stream().filter(r -> r.get(0).equals("FAIL"))
                        .map(r -> r.get(1)).toList());
            }
            return ok ? RingriftSlurm.OK : RingriftSlurm.FAILED;
        }
    }
}
