package ai.ringrift.slurm.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobStateEntry;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.testsupport.LocalCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the real cluster holds of jobs by name, read so that a late or pending copy cannot pass: first
 * a probe job is submitted and slurmdbd is waited for until it holds the probe's record (slurmdbd is
 * then caught up with every job submitted before the probe), then slurmdbd's records (final or not)
 * and slurmctld's jobs are both read; with a floor (a probe's id from before the action, or the
 * ids just below the jobs checked), slurmdbd's record of every id up to the closing probe is read
 * by id too, since its queries by name and time leave held pending jobs out. The one helper for the real-cluster "nothing created" and
 * "created once" checks.
 */
public final class ClusterRecords {

    /** The jobs with one name: ids in slurmdbd (any state) and in slurmctld. */
    public record Named(String name, List<JobInfo> accounting, List<Long> slurmctld) {
        public TreeSet<Long> ids() {
            TreeSet<Long> ids = new TreeSet<>(slurmctld);
            accounting.forEach(j -> ids.add(j.jobId()));
            return ids;
        }
    }

    private final SlurmClient client;
    private final Map<String, List<JobInfo>> slurmctldByName = new TreeMap<>();
    private final Map<String, List<JobInfo>> slurmdbdByName = new TreeMap<>();

    private ClusterRecords(SlurmClient client) {
        this.client = client;
    }

    /**
     * A held probe job, submitted and cancelled: its id is the floor of the ids a later check reads
     * from slurmdbd one by one (slurmdbd's queries by name and time leave held pending jobs out).
     */
    public static long floor(SlurmClient client) {
        return probe(client);
    }

    private static long probe(SlurmClient client) {
        long probe = client.submit(JobSubmission.builder().name("rr-caught-up-probe").script("#!/bin/bash\ntrue\n")
                .partition("cpu-eval").account(LocalCluster.require().account()).cpusPerTask(1).memoryPerNodeMb(16)
                .timeLimit(Duration.ofMinutes(1)).workingDirectory("/tmp").standardOutput("/dev/null").hold(true).build()).jobId();
        client.cancel(probe);
        return probe;
    }

    /**
     * {@link #caughtUp(SlurmClient, Duration)}, and slurmdbd's record of every id between {@code floor}
     * and the closing probe read by id (any state, held pending jobs included), by name.
     */
    public static ClusterRecords caughtUp(SlurmClient client, long floor) throws InterruptedException {
        ClusterRecords r = caughtUp(client, Duration.ofMinutes(2));
        List<Long> ids = new ArrayList<>();
        for (long id = floor + 1; id < r.probe; id++) {
            ids.add(id);
        }
        for (JobInfo j : client.accountingJobs(ids)) {
            assertThat(j.name()).as("name of slurmdbd's job %d", j.jobId()).isNotBlank();
            r.slurmdbdByName.computeIfAbsent(j.name(), k -> new ArrayList<>()).add(j);
        }
        return r;
    }

    private long probe;

    /**
     * Submits a held probe job, cancels it, waits (at most {@code max}) until slurmdbd holds its
     * record, then reads the names of all of slurmctld's jobs. Fails when slurmdbd does not catch up.
     */
    public static ClusterRecords caughtUp(SlurmClient client, Duration max) throws InterruptedException {
        long probe = probe(client);
        Instant deadline = Instant.now().plus(max);
        while (client.accountingJobs(probe).isEmpty()) {
            assertThat(Instant.now()).as("slurmdbd holds the probe job %d's record within %s", probe, max).isBefore(deadline);
            Thread.sleep(500);
        }
        ClusterRecords r = new ClusterRecords(client);
        r.probe = probe;
        for (JobStateEntry e : client.jobStates()) {
            if (e.jobId() == probe) {
                continue;
            }
            for (JobInfo j : client.jobs(e.jobId())) {
                assertThat(j.name()).as("name of slurmctld's job %d", j.jobId()).isNotBlank();
                r.slurmctldByName.computeIfAbsent(j.name(), k -> new ArrayList<>()).add(j);
            }
        }
        return r;
    }

    /** Caught up within 2 minutes. */
    public static ClusterRecords caughtUp(SlurmClient client) throws InterruptedException {
        return caughtUp(client, Duration.ofMinutes(2));
    }

    /** Every job named so submitted since {@code since}: slurmdbd's records (any state) and slurmctld's jobs. */
    public Named named(String name, Instant since) {
        TreeSet<Long> ctld = new TreeSet<>();
        for (JobInfo j : slurmctldByName.getOrDefault(name, List.of())) {
            if (j.submitTime() == null || !j.submitTime().isBefore(since)) {
                ctld.add(j.jobId());
            }
        }
        List<JobInfo> accounting = new ArrayList<>(client.accountingJobsNamed(name, since));
        for (JobInfo j : slurmdbdByName.getOrDefault(name, List.of())) {
            if (accounting.stream().noneMatch(a -> a.jobId() == j.jobId() && a.arrayTaskId() == j.arrayTaskId())) {
                accounting.add(j);
            }
        }
        return new Named(name, List.copyOf(accounting), List.copyOf(ctld));
    }

    /** Asserts that neither slurmdbd nor slurmctld has any job of this name (since {@code since}). */
    public void assertNothingNamed(String name, Instant since) {
        Named n = named(name, since);
        assertThat(n.ids()).as("jobs named %s in slurmdbd %s and slurmctld %s: nothing may have been created", name,
                n.accounting().stream().map(j -> j.jobId() + " " + j.state()).toList(), n.slurmctld()).isEmpty();
    }
}
