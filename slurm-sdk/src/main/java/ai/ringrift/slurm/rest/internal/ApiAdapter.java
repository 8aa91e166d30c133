package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.ApiVersion;
import ai.ringrift.slurm.rest.Association;
import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobStateEntry;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.NodeInfo;
import ai.ringrift.slurm.rest.PartitionInfo;
import ai.ringrift.slurm.rest.ServerInfo;
import ai.ringrift.slurm.rest.SlurmClient;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * One slurmrestd data parser version, below the version-neutral {@link SlurmClient} ({@link RestApi}
 * for each entry of the version table). Each method sends exactly one request and does not retry
 * (the client retries). Everything an adapter returns has one meaning across versions.
 */
public interface ApiAdapter {

    /**
     * The most job ids one request names in its query. slurmrestd (24.11: 400, 26.05: 500 "Invalid
     * format for URL format") refuses a request whose request line does not arrive in one read,
     * and OkHttp writes a request in 8 KiB pieces: 200 ids ({@code step=1234567&} each) keep the line
     * under 3 KB. Checked with a raw socket on both releases: the same 100-id request passes in one
     * write and is refused when split in two.
     */
    int MAX_IDS_PER_REQUEST = 200;

    /** The data parser version. */
    ApiVersion version();

    /** slurmctld's ping (one request); a 404 means the version is not served. */
    ServerInfo ping();

    /** A cheap slurmdbd read (TRES) that confirms slurmdbd serves this version. */
    void pingDatabase();

    /** slurmctld's records of a job (one per task for an array); empty when slurmctld does not have it. */
    List<JobInfo> jobs(long jobId);

    /** slurmdbd's records of these jobs (an array id brings every task), in one request. */
    List<JobInfo> accountingJobs(List<Long> jobIds);

    /** slurmdbd's records of jobs with this name submitted in the last {@code window}. */
    List<JobInfo> accountingJobsNamed(String name, Duration window);

    /** The light state rows of these jobs (all of slurmctld's when empty); rows without a job id go to {@code odd}. */
    List<JobStateEntry> jobStates(List<Long> jobIds, Consumer<String> odd);

    List<Association> associations(String user);

    List<PartitionInfo> partitions();

    List<NodeInfo> nodes();

    /** Posts one submission with {@code comment} as the job's comment (never retried blindly: see the client). */
    Submitted submit(JobSubmission submission, String comment);

    /**
     * The id of the job slurmctld holds whose comment carries {@code key}, among those submitted
     * after job {@code newerThan} (0: unknown) and not before {@code since}, leaving out the jobs
     * {@code skip} names (known to be another submission's); each job read and found not to carry
     * the key goes to {@code notIt}. Empty when there is none.
     */
    java.util.Optional<Long> liveJobWithKey(SubmitKey key, long newerThan, java.time.Instant since,
            java.util.function.LongPredicate skip, java.util.function.LongConsumer notIt);

    /**
     * Ids of the jobs slurmdbd recorded in the last {@code window} whose comment carries {@code key};
     * only jobs named {@code name} are asked for when it is not null.
     */
    List<Long> accountingJobsWithKey(SubmitKey key, String name, Duration window);

    /** Cancels one job; one that is unknown or has already ended is left as it is. */
    void cancel(long jobId);

    /** Cancels these jobs in one request. */
    void cancel(List<Long> jobIds);

    /** Asks slurmctld to requeue the job (served from the version whose table entry says requeue). */
    void requeue(long jobId);

    /** What the server said to a submission it accepted. */
    record Submitted(long jobId, List<String> warnings) {
        public Submitted {
            warnings = List.copyOf(warnings);
        }
    }

}
