package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.rest.Association;
import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobStateEntry;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.NodeInfo;
import ai.ringrift.slurm.rest.PartitionInfo;
import ai.ringrift.slurm.rest.ServerInfo;
import ai.ringrift.slurm.rest.SlurmRejectedException;
import ai.ringrift.slurm.rest.SlurmResponseException;
import ai.ringrift.slurm.rest.SlurmUsageException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Optional;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;
import java.util.function.Predicate;

/**
 * The {@link ApiAdapter} of every data parser version: one request per method, sent with
 * {@link RestCalls} and read with {@link WireMapping}; what a version does differently is its
 * entry in the version table. Also the rules built on those reads (which job a lookup finds,
 * which errors mean "no such job").
 */
public final class RestApi implements ApiAdapter {

    /** ESLURM_INVALID_JOB_ID: slurmctld does not (or no longer) hold the job. */
    static final int INVALID_JOB_ID = 2017;
    /** ESLURM_ALREADY_DONE: the job has already ended. */
    static final int ALREADY_DONE = 2021;
    /** ESLURM_JOB_PENDING: "Job is pending execution" (26.05's answer to a requeue of a pending job, HTTP 422). */
    static final int JOB_PENDING = 2024;

    private final VersionTable.Entry entry;
    private final String version;
    private final Exchanges exchanges;
    private final RestCalls calls;
    private final WireMapping mapping;

    RestApi(VersionTable.Entry entry, RestCalls calls, Exchanges exchanges) {
        this.entry = entry;
        this.version = entry.version().text();
        this.exchanges = exchanges;
        this.calls = calls;
        this.mapping = new WireMapping(entry.quirks());
    }

    @Override
    public ApiVersion version() {
        return entry.version();
    }

    @Override
    public ServerInfo ping() {
        return mapping.server(exchanges.execute(calls.ping(version), true, WireMapping::envelope));
    }

    /** slurmctld's records of a job. */
    private List<JobInfo> controllerJobs(long jobId) {
        var answer = exchanges.execute(calls.job(version, String.valueOf(jobId)), true, WireMapping::envelope);
        return WireMapping.each(answer.jobs(), mapping::controllerJob);
    }

    /** Every job slurmctld holds. */
    private List<JobInfo> liveJobs() {
        var answer = exchanges.execute(calls.jobs(version), true, WireMapping::envelope);
        return WireMapping.each(answer.jobs(), mapping::controllerJob);
    }

    /** slurmdbd's records of one job (an array's id brings every task). */
    private List<JobInfo> accountingRecords(String jobId) {
        var answer = exchanges.execute(calls.accountingJob(version, jobId), true, WireMapping::envelope);
        return WireMapping.each(answer.jobs(), mapping::accountingJob);
    }

    /** slurmdbd's records of several jobs (repeated step parameters: "step=6&step=7"), in one request. */
    private List<JobInfo> accountingRecords(List<String> jobIds) {
        var answer = exchanges.execute(calls.accountingJobsById(version, jobIds, "true"), true, WireMapping::envelope);
        return WireMapping.each(answer.jobs(), mapping::accountingJob);
    }

    /** slurmdbd's job records that match {@code query} (filters by their API names: job_name, start_time, ...). */
    private List<JobInfo> accountingRecords(Map<String, String> query) {
        var answer = exchanges.execute(calls.accountingJobs(version, query), true, WireMapping::envelope);
        return WireMapping.each(answer.jobs(), mapping::accountingJob);
    }

    @Override
    public List<Association> associations(String user) {
        var answer = exchanges.execute(calls.associations(version, Map.of("user", user)), true, WireMapping::envelope);
        return WireMapping.each(answer.associations(), WireMapping::association);
    }

    @Override
    public List<PartitionInfo> partitions() {
        var answer = exchanges.execute(calls.partitions(version), true, WireMapping::envelope);
        return WireMapping.each(answer.partitions(), WireMapping::partition);
    }

    @Override
    public List<NodeInfo> nodes() {
        var answer = exchanges.execute(calls.nodes(version), true, WireMapping::envelope);
        return WireMapping.each(answer.nodes(), WireMapping::node);
    }

    @Override
    public void pingDatabase() {
        exchanges.execute(calls.tres(version), true, WireMapping::envelope);
    }

    @Override
    public List<JobInfo> jobs(long jobId) {
        try {
            return controllerJobs(jobId);
        } catch (SlurmRejectedException e) {
            if (e.hasErrorNumber(INVALID_JOB_ID)) {
                return List.of();
            }
            throw e;
        }
    }

    @Override
    public List<JobInfo> accountingJobs(List<Long> jobIds) {
        return jobIds.size() == 1 ? accountingRecords(String.valueOf(jobIds.get(0)))
                : accountingRecords(jobIds.stream().map(String::valueOf).toList());
    }

    @Override
    public List<JobInfo> accountingJobsNamed(String name, Duration window) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("job_name", name);
        query.put("start_time", Durations.slurmWindow(window));
        return accountingRecords(query).stream().filter(j -> j.name().equals(name)).toList();
    }

    @Override
    public List<JobStateEntry> jobStates(List<Long> jobIds, Consumer<String> odd) {
        List<String> ids = jobIds.isEmpty() ? null : jobIds.stream().map(String::valueOf).toList();
        try {
            var answer = exchanges.execute(calls.jobsState(version, ids), true, WireMapping::envelope);
            if (answer.jobs() == null) {
                return List.of();
            }
            List<JobStateEntry> rows = new ArrayList<>(answer.jobs().size());
            for (var row : answer.jobs()) {
                JobStateEntry entry = StateRows.parse(row.jobId(), row.state() == null ? List.of() : row.state());
                if (entry == null) {
                    odd.accept(String.valueOf(row.jobId()));
                } else {
                    rows.add(entry);
                }
            }
            return rows;
        } catch (SlurmRejectedException e) {
            if (e.hasErrorNumber(INVALID_JOB_ID)) {
                return List.of();
            }
            throw e;
        }
    }

    @Override
    public Submitted submit(JobSubmission submission, String comment) {
        var answer = exchanges.execute(calls.submit(version, SubmitRequest.of(submission, comment)), false,
                WireMapping::envelope);
        if (answer.jobId() == null || answer.jobId() <= 0) {
            throw new SlurmResponseException("slurmrestd accepted submit job '" + submission.name() + "' but sent no job id",
                    200, null);
        }
        return new Submitted(answer.jobId(), WireMapping.envelope(answer).warnings());
    }

    /**
     * Reads no more of the newest jobs than this one by one, looking for a comment; past it, every
     * job slurmctld holds is read in one request.
     */
    static final int LOOKUP_READS = 32;

    /**
     * Without reading every job slurmctld holds (16 MB with 2,000 queued): the light state rows of
     * all jobs (one request), then the jobs newer than {@code newerThan}, newest first, one by one
     * until one carries the comment. Job ids grow with each submission, so a job created by an
     * attempt that began after job {@code newerThan} was answered has a larger id. When
     * {@code newerThan} is unknown (0) the reading stops at the first job submitted before
     * {@code since}. After {@link #LOOKUP_READS} reads every job is read in one request instead.
     * Jobs known to be another submission's ({@code skip}: those whose submit answer this client
     * got, those an earlier lookup read) are not read: in a burst of one client's submitters they
     * are most of the newer jobs, and under slurmctld's rate limit every read is an RPC that waits
     * its turn.
     */
    @Override
    public Optional<Long> liveJobWithKey(SubmitKey key, long newerThan, Instant since, LongPredicate skip,
            LongConsumer notIt) {
        List<Long> ids = jobStates(List.of(), odd -> { }).stream().map(JobStateEntry::jobId).filter(id -> id > newerThan)
                .filter(id -> !skip.test(id)).distinct().sorted(Comparator.reverseOrder()).toList();
        int reads = 0;
        for (long id : ids) {
            if (++reads > LOOKUP_READS) {
                return idsOf(liveJobs(), j -> key.marks(j.comment())).stream().findFirst();
            }
            List<JobInfo> records = jobs(id);
            Optional<JobInfo> mine = records.stream().filter(j -> key.marks(j.comment())).findFirst();
            if (mine.isPresent()) {
                return Optional.of(mine.get().arrayJobId() > 0 ? mine.get().arrayJobId() : mine.get().jobId());
            }
            notIt.accept(id);
            if (newerThan <= 0 && records.stream().map(JobInfo::submitTime).anyMatch(t -> t != null && t.isBefore(since))) {
                // submitted before the attempt: every job left is older still, and not it either
                ids.stream().filter(older -> older < id).forEach(notIt::accept);
                break;
            }
        }
        return Optional.empty();
    }

    @Override
    public List<Long> accountingJobsWithKey(SubmitKey key, String name, Duration window) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("start_time", Durations.slurmWindow(window));
        if (name != null) {
            query.put("job_name", name);
        }
        return idsOf(accountingRecords(query), j -> key.marks(j.comment()));
    }

    private static List<Long> idsOf(List<JobInfo> jobs, Predicate<JobInfo> which) {
        return jobs.stream().filter(which).map(JobInfo::jobId).filter(id -> id > 0).distinct().sorted().toList();
    }

    @Override
    public void cancel(long jobId) {
        try {
            exchanges.execute(calls.cancel(version, String.valueOf(jobId)), true, WireMapping::envelope);
        } catch (SlurmRejectedException e) {
            if (!(e.hasErrorNumber(INVALID_JOB_ID) || e.hasErrorNumber(ALREADY_DONE))) {
                throw e;
            }
        }
    }

    @Override
    public void cancel(List<Long> jobIds) {
        exchanges.execute(calls.cancel(version, new Wire.KillJobs(jobIds.stream().map(String::valueOf).toList())),
                true, WireMapping::envelope);
    }

    @Override
    public void requeue(long jobId) {
        if (!entry.quirks().requeue()) {
            VersionTable table = VersionTable.get();
            String from = table.oldestWith(VersionTable.Quirks::requeue)
                    .map(v -> "API version " + v + " on (" + table.releasesServing(v) + ")").orElse("no API version this client speaks");
            throw new SlurmUsageException("slurmctld's requeue is served through REST from " + from + "; this client speaks "
                    + version + " with this server. On a release that serves it, negotiate (auto) or pin that version; "
                    + "otherwise an administrator can run: scontrol requeue " + jobId);
        }
        try {
            exchanges.execute(calls.requeue(version, String.valueOf(jobId)), true, WireMapping::envelope);
        } catch (SlurmRejectedException e) {
            // already PENDING (never started, or requeued by an attempt whose answer was lost): the
            // job will run again, which is what was asked; so a retry of a requeue is harmless
            if (!e.hasErrorNumber(JOB_PENDING)) {
                throw e;
            }
        }
    }
}
