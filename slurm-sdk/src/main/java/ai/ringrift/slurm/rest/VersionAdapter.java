package ai.ringrift.slurm.rest;

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
import retrofit2.Retrofit;

/**
 * What the adapters of every data parser version do the same way: the requests that are the same
 * JSON in all of them ({@link SharedCalls}), and the rules built on the reads each version's
 * adapter makes with its generated models (which job a lookup finds, which errors mean "no such
 * job"). A version's adapter holds only what differs: its generated calls and their mapping.
 */
abstract class VersionAdapter implements ApiAdapter {

    /** ESLURM_INVALID_JOB_ID: slurmctld does not (or no longer) hold the job. */
    static final int INVALID_JOB_ID = 2017;
    /** ESLURM_ALREADY_DONE: the job has already ended. */
    static final int ALREADY_DONE = 2021;

    private final String version;
    final Exchanges exchanges;
    private final SharedCalls shared;

    VersionAdapter(String version, Retrofit retrofit, Exchanges exchanges) {
        this.version = version;
        this.exchanges = exchanges;
        this.shared = retrofit.create(SharedCalls.class);
    }

    @Override
    public final String version() {
        return version;
    }

    /** slurmctld's records of a job, as this version's generated client reads them. */
    abstract List<JobInfo> controllerJobs(long jobId);

    /** Every job slurmctld holds. */
    abstract List<JobInfo> liveJobs();

    /** slurmdbd's records of one job (an array's id brings every task). */
    abstract List<JobInfo> accountingRecords(String jobId);

    /** slurmdbd's records of several jobs (repeated step parameters: "step=6&step=7"), in one request. */
    abstract List<JobInfo> accountingRecords(List<String> jobIds);

    /** slurmdbd's job records that match {@code query} (filters by their API names: job_name, start_time, ...). */
    abstract List<JobInfo> accountingRecords(Map<String, String> query);

    @Override
    public final void pingDatabase() {
        exchanges.execute(shared.tres(version), true, SharedCalls.Notes::envelope);
    }

    @Override
    public final List<JobInfo> jobs(long jobId) {
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
    public final List<JobInfo> accountingJobs(List<Long> jobIds) {
        return jobIds.size() == 1 ? accountingRecords(String.valueOf(jobIds.get(0)))
                : accountingRecords(jobIds.stream().map(String::valueOf).toList());
    }

    @Override
    public final List<JobInfo> accountingJobsNamed(String name, Duration window) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("job_name", name);
        query.put("start_time", ApiAdapter.since(window));
        return accountingRecords(query).stream().filter(j -> j.name().equals(name)).toList();
    }

    @Override
    public final List<JobStateEntry> jobStates(List<Long> jobIds, Consumer<String> odd) {
        List<String> ids = jobIds.isEmpty() ? null : jobIds.stream().map(String::valueOf).toList();
        try {
            var answer = exchanges.execute(shared.jobsState(version, ids), true, SharedCalls.JobsStateAnswer::envelope);
            if (answer.jobs() == null) {
                return List.of();
            }
            List<JobStateEntry> rows = new ArrayList<>(answer.jobs().size());
            for (var row : answer.jobs()) {
                JobStateEntry entry = JobStateEntry.parse(row.jobId(), row.state() == null ? List.of() : row.state());
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
    public final Submitted submit(JobSubmission submission, String comment) {
        var answer = exchanges.execute(shared.submit(version, SubmitRequest.of(submission, comment)), false,
                SharedCalls.SubmitAnswer::envelope);
        if (answer.jobId() == null || answer.jobId() <= 0) {
            throw new SlurmResponseException("slurmrestd accepted submit job '" + submission.name() + "' but sent no job id",
                    200, null);
        }
        return new Submitted(answer.jobId(), answer.envelope().warnings());
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
    public final Optional<Long> liveJobWithComment(String comment, long newerThan, Instant since, LongPredicate skip,
            LongConsumer notIt) {
        List<Long> ids = jobStates(List.of(), odd -> { }).stream().map(JobStateEntry::jobId).filter(id -> id > newerThan)
                .filter(id -> !skip.test(id)).distinct().sorted(Comparator.reverseOrder()).toList();
        int reads = 0;
        for (long id : ids) {
            if (++reads > LOOKUP_READS) {
                return idsOf(liveJobs(), j -> comment.equals(j.comment())).stream().findFirst();
            }
            List<JobInfo> records = jobs(id);
            Optional<JobInfo> mine = records.stream().filter(j -> comment.equals(j.comment())).findFirst();
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
    public final List<Long> accountingJobsWithComment(String comment, String name, Duration window) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("start_time", ApiAdapter.since(window));
        if (name != null) {
            query.put("job_name", name);
        }
        return idsOf(accountingRecords(query), j -> comment.equals(j.comment()));
    }

    private static List<Long> idsOf(List<JobInfo> jobs, Predicate<JobInfo> which) {
        return jobs.stream().filter(which).map(JobInfo::jobId).filter(id -> id > 0).distinct().sorted().toList();
    }

    @Override
    public final void cancel(long jobId) {
        try {
            exchanges.execute(shared.cancel(version, String.valueOf(jobId)), true, SharedCalls.Notes::envelope);
        } catch (SlurmRejectedException e) {
            if (!(e.hasErrorNumber(INVALID_JOB_ID) || e.hasErrorNumber(ALREADY_DONE))) {
                throw e;
            }
        }
    }

    @Override
    public final void cancel(List<Long> jobIds) {
        exchanges.execute(shared.cancel(version, new SharedCalls.KillJobs(jobIds.stream().map(String::valueOf).toList())),
                true, SharedCalls.Notes::envelope);
    }
}
