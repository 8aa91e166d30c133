package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.JobSubmission;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A {@link JobSubmission} as the body of {@code POST /slurm/VERSION/job/submit}: the same JSON for
 * every version the SDK speaks (every field the SDK sends has one name and one shape in all of them,
 * checked against each version's job_submit_req by MappingTest;
 * numbers that may be unset or infinite go as {@code {"set":true,"infinite":false,"number":N}}).
 */
public final class SubmitRequest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private SubmitRequest() {}

    static ObjectNode of(JobSubmission s, String comment) {
        ObjectNode job = JSON.objectNode();
        job.put("name", s.name());
        job.put("comment", comment);
        job.put("current_working_directory", s.workingDirectory());
        ArrayNode environment = job.putArray("environment");
        for (Map.Entry<String, String> e : s.environment().entrySet()) {
            environment.add(e.getKey() + "=" + e.getValue());
        }
        if (environment.isEmpty()) {
            environment.add("PATH=/usr/local/bin:/usr/bin:/bin"); // Slurm rejects a REST job without environment
        }
        job.put("minimum_nodes", s.nodes());
        job.put("maximum_nodes", s.nodes());
        s.tasksPerNode().ifPresent(t -> {
            job.put("tasks_per_node", t);
            job.put("tasks", t * s.nodes()); // as sbatch -N N --ntasks-per-node=T counts them: CPUs go to every node
        });
        s.partition().ifPresent(p -> job.put("partition", p));
        s.account().ifPresent(a -> job.put("account", a));
        s.qos().ifPresent(q -> job.put("qos", q));
        s.standardOutput().ifPresent(o -> job.put("standard_output", o));
        s.standardError().ifPresent(e -> job.put("standard_error", e));
        s.timeLimit().ifPresent(t -> job.set("time_limit", number((t.toSeconds() + 59) / 60))); // minutes, rounded up
        s.cpusPerTask().ifPresent(c -> job.put("cpus_per_task", c));
        s.memoryPerNodeMb().ifPresent(mb -> job.set("memory_per_node", number(mb)));
        s.tresPerNode().ifPresent(t -> job.put("tres_per_node", t));
        s.array().ifPresent(a -> job.put("array", a));
        if (s.hold()) {
            job.put("hold", true);
        }
        s.requeue().ifPresent(r -> job.put("requeue", r));
        s.warningSignal().ifPresent(signal -> {
            job.put("kill_warning_signal", signal.startsWith("SIG") ? signal.substring(3) : signal);
            job.set("kill_warning_delay", number(s.warningSecondsBefore()));
            job.putArray("kill_warning_flags").add("BATCH_JOB");
        });
        s.container().ifPresent(c -> job.put("container", c));
        ObjectNode request = JSON.objectNode();
        request.put("script", s.script());
        request.set("job", job);
        return request;
    }

    private static ObjectNode number(long value) {
        return JSON.objectNode().put("set", true).put("infinite", false).put("number", value);
    }
}
