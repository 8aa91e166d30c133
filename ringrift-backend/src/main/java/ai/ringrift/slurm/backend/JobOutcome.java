package ai.ringrift.slurm.backend;

import java.util.List;

/** How a piece of work ended: one outcome per task (one for a plain job), in task order. */
public record JobOutcome(WorkType type, String name, List<TaskOutcome> tasks) {

    public JobOutcome {
        tasks = List.copyOf(tasks);
    }

    public boolean isSuccess() {
        return tasks.stream().allMatch(TaskOutcome::isSuccess);
    }

    public List<TaskOutcome> failures() {
        return tasks.stream().filter(t -> !t.isSuccess()).toList();
    }

    public String summary() {
        long ok = tasks.stream().filter(TaskOutcome::isSuccess).count();
        String failed = failures().stream().limit(5).map(TaskOutcome::summary).reduce((a, b) -> a + "; " + b).orElse("");
        return type.key() + " '" + name + "': " + ok + "/" + tasks.size() + " succeeded" + (failed.isEmpty() ? "" : "; " + failed);
    }
}
