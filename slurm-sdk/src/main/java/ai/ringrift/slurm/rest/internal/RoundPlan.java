package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.JobStateEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What one polling round's state rows mean for the watched jobs: which to read in full (they ended,
 * or left slurmctld), which of those are gone from slurmctld, whether anything changed since the
 * last round (the pause that follows depends on it), and how many rows each state had. Pure: it
 * reads the rows and the jobs and sends nothing.
 *
 * @param toResolve the jobs whose final records are read this round (at most one request's worth)
 * @param leftController those of them slurmctld no longer listed
 * @param changed whether the rows differ from the last round's (or a job must be read)
 * @param signature the rows, to compare with the next round's
 * @param byState rows per base state, for the metrics
 */
public record RoundPlan(List<WatchedJob> toResolve, Set<WatchedJob> leftController, boolean changed, String signature,
        Map<String, Integer> byState) {

    /**
     * The plan for {@code ids} (the jobs watched at the round's start) given {@code states}, the
     * rows slurmctld sent; {@code oddRow} gets each row whose id has a shape the SDK does not know.
     */
    public static RoundPlan of(List<Long> ids, Map<Long, WatchedJob> live, List<JobStateEntry> states, String lastSignature,
            Consumer<JobStateEntry> oddRow) {
        Map<String, Integer> byState = new TreeMap<>();
        Map<Long, List<JobStateEntry>> byJob = new HashMap<>();
        StringBuilder signature = new StringBuilder();
        for (JobStateEntry e : states) {
            if (live.containsKey(e.jobId())) {
                byJob.computeIfAbsent(e.jobId(), k -> new ArrayList<>()).add(e);
                byState.merge(e.state().name(), 1, Integer::sum);
                signature.append(e.id()).append('=').append(e.stateNames()).append(';');
                if (!e.understood()) {
                    oddRow.accept(e);
                }
            }
        }
        boolean changed = !signature.toString().equals(lastSignature);
        List<WatchedJob> toResolve = new ArrayList<>();
        Set<WatchedJob> leftController = new HashSet<>();
        for (long id : ids) {
            WatchedJob t = live.get(id);
            if (t == null) {
                continue;
            }
            List<JobStateEntry> rows = byJob.getOrDefault(id, List.of());
            boolean resolve;
            if (rows.isEmpty()) {
                resolve = true; // left slurmctld (or not visible yet): read it in full
                changed = true;
            } else {
                // a final row the watcher has not acted on: one task, the rest of an array ("N_*",
                // "N_[..]"), or a row of a shape it does not know; read only when the rows changed
                String mine = rows.toString();
                boolean taskNews = t.array && rows.stream().anyMatch(r -> r.isFinal() && r.isArrayTask() && r.understood()
                        && !t.finished.contains(r.arrayTaskId()));
                boolean otherNews = rows.stream().anyMatch(r -> r.isFinal() && (!t.array || !r.isArrayTask() || !r.understood()));
                resolve = taskNews || (otherNews && (!t.array || !mine.equals(t.resolvedRows)));
                if (resolve) {
                    t.resolvedRows = mine;
                }
            }
            if (resolve && toResolve.size() == ApiAdapter.MAX_IDS_PER_REQUEST) {
                // more jobs ended than one slurmdbd request can name: the rest are read next round
                t.resolvedRows = "";
                changed = true;
            } else if (resolve) {
                toResolve.add(t);
                if (rows.isEmpty()) {
                    leftController.add(t);
                }
            }
        }
        return new RoundPlan(List.copyOf(toResolve), Set.copyOf(leftController), changed, signature.toString(), byState);
    }
}
