package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.SlurmAuthenticationException;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.SlurmException;
import ai.ringrift.slurm.rest.SlurmResponseException;
import ai.ringrift.slurm.rest.SlurmUsageException;
import ai.ringrift.slurm.rest.SlurmVersionException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the final states of the jobs a round found ended, in a bounded number of requests: one job
 * is read from slurmctld ({@code /job/{id}}: the richest record); several are read together from
 * slurmdbd in ONE request, and only those it has no final record for yet (or all, when slurmdbd
 * cannot be read) are read from slurmctld, at most {@value #FALLBACK_READS_PER_ROUND} a round; the
 * others wait for the next round. So a round costs at most 2 + that many requests, however many jobs
 * are watched or end at once. A job found in neither daemon is never taken for finished.
 */
public final class FinalRecords {

    private static final Logger log = LoggerFactory.getLogger(FinalRecords.class);
    /** Jobs read one by one from slurmctld in a round, when slurmdbd has no final record for them (yet). */
    public static final int FALLBACK_READS_PER_ROUND = 2;

    /** A final record found, for its task, handed to the listener once the job is no longer live. */
    public record Found(int task, JobInfo info, boolean neverRan) {}

    private final SlurmClient client;
    private final AtomicLong requests;
    /** What was logged already: each oddity is logged once, not every round. */
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    public FinalRecords(SlurmClient client, AtomicLong requests) {
        this.client = client;
        this.requests = requests;
    }

    /** The final records of {@code toResolve}'s tasks not done yet; {@code leftController}: those slurmctld no longer lists. */
    public Map<WatchedJob, List<Found>> read(List<WatchedJob> toResolve, Set<WatchedJob> leftController) {
        Map<WatchedJob, List<Found>> found = new LinkedHashMap<>();
        if (toResolve.isEmpty()) {
            return found;
        }
        if (toResolve.size() == 1) {
            WatchedJob t = toResolve.get(0);
            readOneGuarded(t, leftController.contains(t), found.computeIfAbsent(t, k -> new ArrayList<>()));
            return found;
        }
        Map<Long, List<JobInfo>> recorded = fromAccounting(toResolve);
        int fallbacks = 0;
        for (WatchedJob t : toResolve) {
            List<Found> out = found.computeIfAbsent(t, k -> new ArrayList<>());
            int before = t.finished.size();
            if (recorded != null) {
                List<JobInfo> infos = recorded.getOrDefault(t.jobId, List.of());
                if (!infos.isEmpty()) {
                    t.roundsMissing = 0;
                }
                collect(t, infos, out);
            }
            boolean progress = t.finished.size() > before;
            if (progress || t.allFinal()) {
                continue;
            }
            if (leftController.contains(t) && recorded != null) {
                // gone from slurmctld, and slurmdbd has no final record yet: keep watching, never guess
                noteMissing(t);
            } else if (fallbacks < FALLBACK_READS_PER_ROUND) {
                fallbacks++;
                readOneGuarded(t, leftController.contains(t), out);
            } else {
                t.resolvedRows = ""; // not read this round: read it again in the next
            }
        }
        return found;
    }

    /** slurmdbd's records of these jobs by job (array) id, in one request; null when slurmdbd cannot be read now. */
    private Map<Long, List<JobInfo>> fromAccounting(List<WatchedJob> jobs) {
        try {
            requests.incrementAndGet();
            Map<Long, List<JobInfo>> recorded = new HashMap<>();
            for (JobInfo info : client.accountingJobs(jobs.stream().map(t -> t.jobId).toList())) {
                recorded.computeIfAbsent(info.arrayJobId() > 0 ? info.arrayJobId() : info.jobId(), k -> new ArrayList<>()).add(info);
            }
            return recorded;
        } catch (SlurmException e) {
            if (cannotHealNow(e)) {
                throw e;
            }
            if (logged.size() < 10_000 && logged.add("slurmdbd:" + e.getClass().getSimpleName())) {
                log.warn("slurmdbd could not be read for the final states of {} jobs ({}); reading slurmctld instead, "
                        + "{} jobs a round (logged once)", jobs.size(), e.getMessage(), FALLBACK_READS_PER_ROUND);
            }
            return null;
        }
    }

    /** Failures no other read in this round can get around: the round fails, and the watcher judges them. */
    private static boolean cannotHealNow(SlurmException e) {
        return e instanceof SlurmAuthenticationException || e instanceof SlurmVersionException || e instanceof SlurmUsageException;
    }

    /** Reads one job (slurmctld, then slurmdbd); an answer that cannot be read does not stop the others. */
    private void readOneGuarded(WatchedJob t, boolean missingFromStates, List<Found> out) {
        try {
            readOne(t, missingFromStates, out);
        } catch (SlurmResponseException unreadable) {
            if (logged.size() < 10_000 && logged.add("info:" + t.jobId)) {
                log.warn("job {}: its job info could not be read ({}); still watching it (logged once)", t.jobId,
                        unreadable.getMessage());
            }
        }
    }

    private void readOne(WatchedJob t, boolean missingFromStates, List<Found> found) {
        requests.incrementAndGet();
        List<JobInfo> infos = client.jobs(t.jobId);
        if (infos.isEmpty()) {
            requests.incrementAndGet();
            infos = client.accountingJobs(t.jobId);
        }
        if (infos.isEmpty()) {
            noteMissing(t);
            return;
        }
        t.roundsMissing = 0;
        boolean restUnnamed = collect(t, infos, found);
        if (restUnnamed && !t.allFinal() && infos.get(0).source() == JobInfo.Source.CONTROLLER) {
            // slurmctld's record of the array is final but names none of its remaining tasks (Slurm
            // lists such a rest as "N_*"); slurmdbd keeps them as a bitmap: read it there
            requests.incrementAndGet();
            collect(t, client.accountingJobs(t.jobId), found);
        }
        if (missingFromStates && !t.allFinal()) {
            log.debug("job {}: {} of {} tasks final after reading it in full", t.jobId, t.finished.size(), t.taskCount);
        }
    }

    private static void noteMissing(WatchedJob t) {
        t.roundsMissing++;
        if (t.roundsMissing % 10 == 1) {
            log.warn("job {} is in neither slurmctld nor slurmdbd yet; still watching it (not taking it for finished)", t.jobId);
        }
    }

    /**
     * Turns the final records among {@code infos} into outcomes of {@code t}'s tasks not done yet.
     * Returns true when the array's own record is final but names no tasks.
     */
    private static boolean collect(WatchedJob t, List<JobInfo> infos, List<Found> found) {
        boolean restUnnamed = false;
        for (JobInfo info : infos) {
            if (!info.isFinal()) {
                continue;
            }
            if (!t.array) {
                if (info.jobId() == t.jobId && t.finished.add(-1)) {
                    found.add(new Found(-1, info, false));
                }
                continue;
            }
            if (info.arrayJobId() != t.jobId) {
                continue;
            }
            if (info.arrayTaskId() >= 0) {
                if (t.finished.add(info.arrayTaskId())) {
                    found.add(new Found(info.arrayTaskId(), info, false));
                }
                continue;
            }
            // the array's own record, final: it stands for the tasks that never ran on their own
            // (the pending rest of a cancelled array), written as "1-5%2" or, by slurmdbd, "0x3E"
            BitSet rest = info.arrayTasksOfRecord();
            restUnnamed |= rest.isEmpty();
            for (int task = rest.nextSetBit(0); task >= 0 && task < t.taskCount; task = rest.nextSetBit(task + 1)) {
                if (t.finished.add(task)) {
                    found.add(new Found(task, info, true));
                }
            }
        }
        return restUnnamed;
    }
}
