package com.example.slurmapp;

import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.SubmittedJob;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** POST /jobs?name=N submits a tiny batch job; GET /jobs/{id} reports it (slurmctld, else slurmdbd). */
@RestController
public class JobController {

    private final SlurmClient slurm;
    private final String partition;

    public JobController(SlurmClient slurm, @Value("${demo.partition:cpu-eval}") String partition) {
        this.slurm = slurm;
        this.partition = partition;
    }

    @PostMapping("/jobs")
    public Map<String, Object> submit(@RequestParam(name = "name", defaultValue = "spring-demo") String name) {
        SubmittedJob job = slurm.submit(JobSubmission.builder().name(name).partition(partition).cpusPerTask(1)
                .memoryPerNodeMb(64).timeLimit(java.time.Duration.ofMinutes(5)).workingDirectory("/tmp")
                .standardOutput("/dev/null").putEnvironment("PATH", "/usr/bin:/bin")
                .script("#!/bin/bash\necho hello from spring\n").build());
        return Map.of("jobId", job.jobId(), "adopted", job.adopted());
    }

    @GetMapping("/jobs/{id}")
    public ResponseEntity<Map<String, Object>> report(@PathVariable("id") long id) {
        Optional<JobInfo> live = slurm.job(id);
        Optional<JobInfo> job = live.isPresent() ? live : slurm.accountingJobs(id).stream().filter(j -> j.jobId() == id).findFirst();
        if (job.isEmpty()) {
            return ResponseEntity.notFound().build();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobId", id);
        body.put("name", job.get().name());
        body.put("state", job.get().state().toString());
        body.put("final", job.get().isFinal());
        body.put("exitCode", job.get().exitCode());
        body.put("from", live.isPresent() ? "slurmctld" : "slurmdbd");
        return ResponseEntity.ok(body);
    }
}
