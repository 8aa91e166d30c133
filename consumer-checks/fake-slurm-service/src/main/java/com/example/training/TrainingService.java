package com.example.training;

import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobState;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.SlurmClient;
import java.time.Duration;

/** A small service: submits a training job, waits for it, submits it once more if it failed, and says where its log is. */
public final class TrainingService {

    /** How the training went: the last job, how many were submitted, and the job's log file. */
    public record Outcome(boolean succeeded, int attempts, long jobId, JobState state, int exitCode, String logPath) {}

    private final SlurmClient slurm;
    private final String logDir;

    public TrainingService(SlurmClient slurm, String logDir) {
        this.slurm = slurm;
        this.logDir = logDir;
    }

    /** Ends with InterruptedException when the waiting thread is interrupted; the job goes on in Slurm. */
    public Outcome train(String run, Duration timeLimit) throws InterruptedException {
        JobInfo last = null;
        int attempts = 0;
        while (attempts < 2) {
            attempts++;
            long id = slurm.submit(JobSubmission.builder().name(run).partition("gpu-train").gpusPerNode(1).cpusPerTask(2)
                    .memoryPerNodeMb(4096).timeLimit(timeLimit).workingDirectory("/shared/ringrift")
                    .standardOutput(logDir + "/%x-%j.out").script("#!/bin/bash\npython3 train.py --run " + run + "\n")
                    .build()).jobId();
            last = slurm.waiter().await(id, timeLimit.plusMinutes(30));
            if (last.state() == JobState.COMPLETED && last.exitCode() == 0) {
                break;
            }
        }
        boolean ok = last.state() == JobState.COMPLETED && last.exitCode() == 0;
        return new Outcome(ok, attempts, last.jobId(), last.state(), last.exitCode(), last.standardOutput());
    }
}
