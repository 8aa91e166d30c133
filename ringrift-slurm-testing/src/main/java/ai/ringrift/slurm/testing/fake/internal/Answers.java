package ai.ringrift.slurm.testing.fake.internal;

import ai.ringrift.slurm.rest.JobState;
import ai.ringrift.slurm.recordings.Recordings;
import ai.ringrift.slurm.testing.fake.FakeCluster;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The fake's answers, built from one API version's recordings as templates: each answer starts as
 * a deep copy of what the real slurmrestd sent (same fields, same JSON types, same {@code meta}),
 * and only the values that belong to the fake's jobs and cluster are put in, each only where the
 * recording has that field. What differs between versions therefore comes from the recordings
 * (v0.0.43+ keep the output pattern in {@code standard_output} and the path in
 * {@code stdout_expanded}; v0.0.40 and v0.0.42 only have the path), not from code per version.
 */
public final class Answers {

    /** One HTTP answer. */
    public record Answer(int status, String contentType, String body) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String version;
    private final FakeCluster cluster;
    private final Map<String, JsonNode> cache = new HashMap<>();
    private final String release;
    /** From v0.0.42 on, a /jobs/state/ row of an array task that runs under its own id carries that id (JobIdShapesTest). */
    private final boolean ownIdsInStateRows;

    public Answers(String version, FakeCluster cluster) {
        this.version = version;
        this.cluster = cluster;
        this.release = Recordings.body(version, "ping").path("meta").path("slurm").path("release").asText();
        this.ownIdsInStateRows = minor(version) >= 42;
    }

    static int minor(String version) {
        return Integer.parseInt(version.substring(version.lastIndexOf('.') + 1));
    }

    /** The Slurm release the recordings of this version came from, such as 26.05.5. */
    public String release() {
        return release;
    }

    public String version() {
        return version;
    }

    public boolean has(String recording) {
        return Recordings.exists(version, recording);
    }

    /** A fresh copy of a recording's body, with the declared cluster's name in its meta. */
    ObjectNode body(String recording) {
        JsonNode mapping = cache.computeIfAbsent(recording, name -> Recordings.mapping(version, name));
        JsonNode body = mapping.path("response").path("jsonBody");
        if (!body.isObject()) {
            throw new IllegalStateException("recording " + recording + " of " + version + " has no JSON body");
        }
        ObjectNode copy = body.deepCopy();
        JsonNode slurm = copy.path("meta").path("slurm");
        if (slurm.isObject() && slurm.has("cluster")) {
            ((ObjectNode) slurm).put("cluster", cluster.name());
        }
        return copy;
    }

    int status(String recording) {
        return cache.computeIfAbsent(recording, name -> Recordings.mapping(version, name)).path("response").path("status").asInt();
    }

    String contentType(String recording) {
        JsonNode headers = cache.computeIfAbsent(recording, name -> Recordings.mapping(version, name)).path("response").path("headers");
        return headers.path("Content-Type").asText("application/json");
    }

    Answer answer(String recording, JsonNode body) {
        return new Answer(status(recording), contentType(recording), write(body));
    }

    /** A recorded answer as it was (errors, refusals). */
    public Answer recorded(String recording) {
        JsonNode mapping = cache.computeIfAbsent(recording, name -> Recordings.mapping(version, name));
        JsonNode response = mapping.path("response");
        if (response.has("jsonBody")) {
            return answer(recording, body(recording));
        }
        return new Answer(response.path("status").asInt(), contentType(recording), response.path("body").asText(""));
    }

    static String write(JsonNode body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ cluster

    Answer ping() {
        return answer("ping", body("ping"));
    }

    /** The ping of a client whose token slurmctld refuses: answered, with the controller down to it. */
    Answer pingRefused() {
        ObjectNode body = body("ping");
        for (JsonNode ping : body.path("pings")) {
            ((ObjectNode) ping).put("pinged", "DOWN");
            if (ping.has("responding")) {
                ((ObjectNode) ping).put("responding", false);
            }
        }
        return answer("ping", body);
    }

    Answer tres() {
        return answer("slurmdb-tres", body("slurmdb-tres"));
    }

    Answer partitions(Model model) {
        return listed("partitions", "partitions", cluster.partitions(), (item, p) -> {
            item.put("name", p.name());
            int cpus = 0;
            long mem = 0;
            int gpus = 0;
            for (String n : p.nodes()) {
                FakeCluster.Node node = model.node(n);
                cpus += node.cpus();
                mem += node.memoryMb();
                gpus += node.gpus();
            }
            setIn(item, "nodes", "configured", String.join(",", p.nodes()));
            setIn(item, "nodes", "total", p.nodes().size());
            setIn(item, "cpus", "total", cpus);
            if (item.path("tres").has("configured")) {
                ((ObjectNode) item.get("tres")).put("configured", "cpu=" + cpus + ",mem=" + mem + "M,node=" + p.nodes().size()
                        + ",billing=" + cpus + (gpus > 0 ? ",gres/gpu=" + gpus : ""));
            }
            if (item.path("partition").has("state")) {
                ArrayNode state = ((ObjectNode) item.get("partition")).putArray("state");
                state.add(p.up() ? "UP" : "DOWN");
            }
            if (item.has("flags") && item.get("flags").isArray()) {
                ArrayNode flags = (ArrayNode) item.get("flags");
                for (int i = flags.size() - 1; i >= 0; i--) {
                    if ("DEFAULT".equals(flags.get(i).asText())) {
                        flags.remove(i);
                    }
                }
                if (p.isDefault()) {
                    flags.add("DEFAULT");
                }
            }
        });
    }

    Answer nodes(Model model) {
        return listed("nodes", "nodes", cluster.nodes(), (item, n) -> {
            int cpus = 0;
            int gpus = 0;
            long mem = 0;
            for (Object rec : model.allControllerRecords()) {
                if (rec instanceof Model.Job j && j.state == JobState.RUNNING && n.name().equals(j.node)) {
                    cpus += j.spec.cpus();
                    gpus += j.spec.gpus();
                    mem += j.spec.memoryMb() > 0 ? j.spec.memoryMb() : n.memoryMb();
                }
            }
            item.put("name", n.name());
            putIfPresent(item, "hostname", n.name());
            putIfPresent(item, "cpus", cpus(n));
            putIfPresent(item, "effective_cpus", n.cpus());
            putIfPresent(item, "real_memory", n.memoryMb());
            putIfPresent(item, "alloc_cpus", cpus);
            putIfPresent(item, "alloc_idle_cpus", n.cpus() - cpus);
            putIfPresent(item, "alloc_memory", mem);
            putIfPresent(item, "gres", n.gpus() > 0 ? "gpu:" + n.gpus() : "");
            putIfPresent(item, "gres_used", "gpu:" + gpus);
            putIfPresent(item, "tres", "cpu=" + n.cpus() + ",mem=" + n.memoryMb() + "M,billing=" + n.cpus()
                    + (n.gpus() > 0 ? ",gres/gpu=" + n.gpus() : ""));
            ArrayNode state = item.putArray("state");
            if (!model.nodeUp(n.name())) {
                state.add("DOWN");
            } else {
                state.add(cpus == 0 ? "IDLE" : cpus >= n.cpus() ? "ALLOCATED" : "MIXED");
            }
            ArrayNode partitions = item.putArray("partitions");
            for (FakeCluster.Partition p : cluster.partitions()) {
                if (p.nodes().contains(n.name())) {
                    partitions.add(p.name());
                }
            }
        });
    }

    private static int cpus(FakeCluster.Node n) {
        return n.cpus();
    }

    Answer associations(String user) {
        List<FakeCluster.Association> theirs = cluster.associations().stream()
                .filter(a -> user == null || user.equals(a.user())).toList();
        return listed("slurmdb-associations", "associations", theirs, (item, a) -> {
            item.put("user", a.user());
            item.put("account", a.account());
            putIfPresent(item, "cluster", cluster.name());
            putIfPresent(item, "is_default", a.isDefault());
            ArrayNode qos = item.putArray("qos");
            a.qos().forEach(qos::add);
        });
    }

    /**
     * The recording's answer with its list {@code field} made of one copy of its first item per
     * value, each filled in by {@code fill}: the recorded shape, the fake's values.
     */
    private <T> Answer listed(String recording, String field, List<T> values, BiConsumer<ObjectNode, T> fill) {
        ObjectNode body = body(recording);
        ArrayNode list = (ArrayNode) body.path(field);
        JsonNode template = list.get(0);
        list.removeAll();
        for (T value : values) {
            ObjectNode item = template.deepCopy();
            fill.accept(item, value);
            list.add(item);
        }
        return answer(recording, body);
    }

    // ------------------------------------------------------------------ jobs

    Answer submitted(long id) {
        ObjectNode body = body("job-submit");
        body.put("job_id", id);
        JsonNode result = body.path("result");
        if (result.isObject()) { // v0.0.40 repeats it there
            ((ObjectNode) result).put("job_id", id);
        }
        return answer("job-submit", body);
    }

    /** slurmctld's job records ({@code GET /job/{id}}, {@code GET /jobs/}). */
    Answer controllerJobs(String recordingForStatus, List<Object> records) {
        ObjectNode body = body(recordingForStatus);
        ArrayNode list = body.putArray("jobs");
        for (Object rec : records) {
            list.add(rec instanceof Model.Job j ? controllerJob(j) : controllerRest((Model.ArrayRest) rec));
        }
        return answer(recordingForStatus, body);
    }

    private ObjectNode controllerJob(Model.Job j) {
        String template = switch (j.state) {
            case PENDING -> "job-get-held";
            case RUNNING -> "job-get-running";
            case CANCELLED -> "job-get-cancelled";
            default -> "job-get-completed";
        };
        ObjectNode job = (ObjectNode) body(template).path("jobs").get(0);
        common(job, j.id, j.spec, j.state, j.flags, j.reason);
        number(job, "array_job_id", j.arrayId);
        unsetOr(job, "array_task_id", j.task >= 0, Math.max(0, j.task));
        putIfPresent(job, "array_task_string", "");
        number(job, "array_max_tasks", 0);
        boolean held = j.spec.hold() && j.state == JobState.PENDING;
        putIfPresent(job, "hold", held);
        time(job, "submit_time", j.submit);
        time(job, "eligible_time", held ? null : j.eligible);
        time(job, "accrue_time", held ? null : j.eligible);
        time(job, "start_time", j.start != null ? j.start : j.reason.equals("BeginTime") ? j.eligible : null);
        Instant end = j.end;
        if (end == null && j.start != null) {
            end = j.spec.timeLimitMinutes() > 0 ? j.start.plus(Duration.ofMinutes(j.spec.timeLimitMinutes()))
                    : j.start.plus(Duration.ofDays(365));
        }
        time(job, "end_time", end);
        putIfPresent(job, "nodes", j.node == null ? "" : j.node);
        putIfPresent(job, "batch_host", j.node == null ? "" : j.node);
        putIfPresent(job, "restart_cnt", j.restarts);
        exitCode(job.path("exit_code"), j.state, j.exitCode, j.signal, j.start != null);
        outputs(job, j.spec, j.id, j.arrayId > 0 ? j.arrayId : j.id, j.task);
        return job;
    }

    private ObjectNode controllerRest(Model.ArrayRest a) {
        String template = a.state == JobState.CANCELLED ? "job-get-cancelled" : "job-get-array-held";
        ObjectNode job = (ObjectNode) body(template).path("jobs").get(0);
        common(job, a.id, a.spec, a.state, List.of(), a.reason);
        number(job, "array_job_id", a.id);
        unsetOr(job, "array_task_id", false, 0);
        putIfPresent(job, "array_task_string", Ranges.of(a.pending) + (a.throttle > 0 ? "%" + a.throttle : ""));
        number(job, "array_max_tasks", a.throttle);
        boolean held = a.spec.hold() && a.state == JobState.PENDING;
        putIfPresent(job, "hold", held);
        time(job, "submit_time", a.submit);
        time(job, "eligible_time", held ? null : a.submit);
        time(job, "accrue_time", held ? null : a.submit);
        time(job, "start_time", a.end);
        time(job, "end_time", a.end);
        putIfPresent(job, "nodes", "");
        putIfPresent(job, "batch_host", "");
        putIfPresent(job, "restart_cnt", 0);
        exitCode(job.path("exit_code"), a.state, 0, 0, false);
        outputs(job, a.spec, a.id, a.id, -1);
        return job;
    }

    /** The fields a job record has in slurmctld's and slurmdbd's answers alike (where the recording has them). */
    private void common(ObjectNode job, long id, Model.Spec s, JobState state, List<String> flags, String reason) {
        job.put("job_id", id);
        putIfPresent(job, "name", s.name());
        putIfPresent(job, "partition", s.partition());
        putIfPresent(job, "account", s.account());
        putIfPresent(job, "qos", s.qos() == null ? "normal" : s.qos());
        putIfPresent(job, "user_name", s.user());
        putIfPresent(job, "cluster", cluster.name());
        putIfPresent(job, "current_working_directory", s.cwd());
        putIfPresent(job, "requeue", s.requeue());
        putIfPresent(job, "state_reason", reason);
        if (job.has("comment") && job.get("comment").isTextual()) {
            job.put("comment", s.comment());
        }
        if (job.has("job_state")) {
            ArrayNode states = job.putArray("job_state");
            states.add(state.name());
            flags.forEach(states::add);
        }
        number(job, "cpus", s.cpus());
        number(job, "cpus_per_task", s.cpus());
        number(job, "memory_per_node", s.memoryMb() > 0 ? s.memoryMb() : 0);
        putIfPresent(job, "tres_per_node", s.gpus() > 0 ? "gres/gpu:" + s.gpus() : "");
        String tres = "cpu=" + s.cpus() + ",mem=" + (s.memoryMb() > 0 ? s.memoryMb() : 0) + "M,node=1,billing=" + s.cpus()
                + (s.gpus() > 0 ? ",gres/gpu=" + s.gpus() : "");
        putIfPresent(job, "tres_req_str", tres);
        putIfPresent(job, "tres_alloc_str", state == JobState.PENDING ? "" : tres);
        if (job.has("time_limit")) {
            ObjectNode limit = job.putObject("time_limit");
            limit.put("set", s.timeLimitMinutes() > 0).put("infinite", s.timeLimitMinutes() <= 0)
                    .put("number", Math.max(0, s.timeLimitMinutes()));
        }
    }

    /** Output paths as the recording of this version writes them (pattern and path, or the path only). */
    private static void outputs(ObjectNode job, Model.Spec s, long id, long arrayId, int task) {
        boolean array = !s.array().isEmpty();
        String defaultOut = s.cwd() + (array ? "/slurm-%A_%a.out" : "/slurm-%j.out");
        String out = s.stdout() == null ? defaultOut : s.stdout();
        String outPath = expand(out, s, id, arrayId, task);
        String errPath = s.stderr() == null ? "" : expand(s.stderr(), s, id, arrayId, task);
        if (job.has("stdout_expanded")) {
            job.put("standard_output", out);
            job.put("stdout_expanded", outPath);
            putIfPresent(job, "standard_error", s.stderr() == null ? "" : s.stderr());
            putIfPresent(job, "stderr_expanded", errPath);
        } else if (job.has("standard_output")) {
            boolean errFollowsOut = job.path("standard_error").asText().equals(job.path("standard_output").asText());
            job.put("standard_output", outPath);
            putIfPresent(job, "standard_error", s.stderr() != null ? errPath : errFollowsOut ? outPath : "");
        }
    }

    /** Slurm's filename patterns: %j %A %a %x %u %%. */
    static String expand(String pattern, Model.Spec s, long id, long arrayId, int task) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                sb.append(c);
                continue;
            }
            char k = pattern.charAt(++i);
            switch (k) {
                case 'j' -> sb.append(id);
                case 'A' -> sb.append(arrayId);
                case 'a' -> sb.append(task >= 0 ? String.valueOf(task) : "4294967294");
                case 'x' -> sb.append(s.name());
                case 'u' -> sb.append(s.user());
                case '%' -> sb.append('%');
                default -> sb.append('%').append(k);
            }
        }
        return sb.toString();
    }

    /**
     * The exit code object as the real slurmctld fills it (checked on 24.11 and 26.05): a job that
     * exited has its return code (status SUCCESS or ERROR), one ended by a signal (cancelled while
     * running, timed out) has status SIGNALED, no return code and the signal.
     */
    private static void exitCode(JsonNode node, JobState state, int exitCode, int signal, boolean ran) {
        if (!(node instanceof ObjectNode code)) {
            return;
        }
        ArrayNode status = code.putArray("status");
        ObjectNode rc = code.putObject("return_code");
        ObjectNode sig = code.putObject("signal");
        ObjectNode sigId = sig.putObject("id");
        if (signal > 0) {
            status.add("SIGNALED");
            rc.put("set", false).put("infinite", false).put("number", 0);
            sigId.put("set", true).put("infinite", false).put("number", signal);
            sig.put("name", signal == 15 ? "TERM" : signal == 9 ? "KILL" : "");
        } else {
            int n = exitCode < 0 ? 0 : exitCode;
            status.add(n == 0 ? "SUCCESS" : "ERROR");
            rc.put("set", true).put("infinite", false).put("number", n);
            sigId.put("set", false).put("infinite", false).put("number", 0);
            sig.put("name", "");
        }
    }

    /** /jobs/state/ rows of these records, in the id shapes of this version. */
    Answer states(List<Object> records) {
        ObjectNode body = body("jobs-state-held");
        ArrayNode rows = body.putArray("jobs");
        for (Object rec : records) {
            if (rec instanceof Model.Job j) {
                String id;
                if (j.het >= 0) {
                    id = j.id + "+" + j.het;
                } else if (j.arrayId > 0) {
                    id = (ownIdsInStateRows ? j.id : j.arrayId) + "_" + j.task;
                } else {
                    id = String.valueOf(j.id);
                }
                ObjectNode row = rows.addObject().put("job_id", id);
                ArrayNode state = row.putArray("state");
                state.add(j.state.name());
                j.flags.forEach(state::add);
            } else {
                Model.ArrayRest a = (Model.ArrayRest) rec;
                for (int t = a.pending.nextSetBit(0); t >= 0; t = a.pending.nextSetBit(t + 1)) {
                    rows.addObject().put("job_id", a.id + "_" + t).putArray("state").add(a.state.name());
                }
            }
        }
        return answer("jobs-state-held", body);
    }

    // ------------------------------------------------------------------ slurmdbd

    Answer accounting(String recordingForStatus, List<Object> records, Model model) {
        ObjectNode body = body(recordingForStatus);
        ArrayNode list = body.putArray("jobs");
        for (Object rec : records) {
            list.add(rec instanceof Model.Job j ? accountingJob(j, model) : accountingRest((Model.ArrayRest) rec));
        }
        if (list.isEmpty() && body.path("warnings").isArray() && has("slurmdb-job-unknown")) {
            body.set("warnings", body("slurmdb-job-unknown").path("warnings").deepCopy());
        }
        return answer(recordingForStatus, body);
    }

    private ObjectNode accountingJob(Model.Job j, Model model) {
        ObjectNode job = (ObjectNode) body("slurmdb-job-completed").path("jobs").get(0);
        boolean endKnown = model.accountingKnowsEnd(j.end);
        JobState state = j.state.isTerminal() && !endKnown ? (j.start != null ? JobState.RUNNING : JobState.PENDING) : j.state;
        common(job, j.id, j.spec, state, List.of(), "None");
        putIfPresent(job, "user", j.spec.user());
        putIfPresent(job, "working_directory", j.spec.cwd());
        putIfPresent(job, "restart_cnt", j.restarts);
        putIfPresent(job, "nodes", j.node == null ? "None assigned" : j.node);
        if (job.path("comment").isObject()) {
            ((ObjectNode) job.get("comment")).put("job", j.spec.comment());
        }
        ObjectNode st = (ObjectNode) job.path("state");
        ArrayNode current = st.putArray("current");
        current.add(state.name());
        st.put("reason", "None");
        ObjectNode time = (ObjectNode) job.path("time");
        time.put("submission", j.submit.getEpochSecond());
        time.put("eligible", j.eligible.getEpochSecond());
        time.put("start", j.start == null ? 0 : j.start.getEpochSecond());
        Instant end = endKnown ? j.end : null;
        time.put("end", end == null ? 0 : end.getEpochSecond());
        time.put("elapsed", j.start == null ? 0 : Math.max(0, (end == null ? model.now() : end).getEpochSecond() - j.start.getEpochSecond()));
        if (time.has("limit")) {
            time.putObject("limit").put("set", j.spec.timeLimitMinutes() > 0).put("infinite", j.spec.timeLimitMinutes() <= 0)
                    .put("number", Math.max(0, j.spec.timeLimitMinutes()));
        }
        // slurmdbd keeps the batch script's exit code: for a job killed by a signal (TIMEOUT seen on 24.11 and 26.05) 0
        exitCode(job.path("exit_code"), state, endKnown && j.state == JobState.FAILED ? j.exitCode : 0, 0, j.start != null);
        ObjectNode array = (ObjectNode) job.path("array");
        array.put("job_id", j.arrayId);
        array.putObject("task_id").put("set", j.task >= 0).put("infinite", false).put("number", Math.max(0, j.task));
        array.put("task", "");
        if (array.path("limits").path("max").path("running").isObject()) {
            ((ObjectNode) array.path("limits").path("max").path("running")).put("tasks", 0);
        }
        if (job.has("het") && j.het >= 0) {
            ((ObjectNode) job.get("het")).put("job_id", j.id - j.het);
        }
        accountingOutputs(job, j.spec, j.id, j.arrayId > 0 ? j.arrayId : j.id, j.task);
        steps(job, j.id, j.start != null && endKnown);
        return job;
    }

    private ObjectNode accountingRest(Model.ArrayRest a) {
        ObjectNode job = (ObjectNode) body("slurmdb-job-completed").path("jobs").get(0);
        common(job, a.id, a.spec, a.state, List.of(), "None");
        putIfPresent(job, "user", a.spec.user());
        putIfPresent(job, "working_directory", a.spec.cwd());
        putIfPresent(job, "nodes", "None assigned");
        if (job.path("comment").isObject()) {
            ((ObjectNode) job.get("comment")).put("job", a.spec.comment());
        }
        ObjectNode st = (ObjectNode) job.path("state");
        st.putArray("current").add(a.state.name());
        st.put("reason", "None");
        ObjectNode time = (ObjectNode) job.path("time");
        time.put("submission", a.submit.getEpochSecond());
        time.put("eligible", a.submit.getEpochSecond());
        time.put("start", a.end == null ? 0 : a.end.getEpochSecond());
        time.put("end", a.end == null ? 0 : a.end.getEpochSecond());
        time.put("elapsed", 0);
        exitCode(job.path("exit_code"), a.state, 0, 0, false);
        ObjectNode array = (ObjectNode) job.path("array");
        array.put("job_id", a.id);
        array.putObject("task_id").put("set", false).put("infinite", false).put("number", 0);
        array.put("task", Ranges.hex(a.pending));
        if (array.path("limits").path("max").path("running").isObject()) {
            ((ObjectNode) array.path("limits").path("max").path("running")).put("tasks", a.throttle);
        }
        accountingOutputs(job, a.spec, a.id, a.id, -1);
        steps(job, a.id, false);
        return job;
    }

    private static void accountingOutputs(ObjectNode job, Model.Spec s, long id, long arrayId, int task) {
        boolean array = !s.array().isEmpty();
        String out = s.stdout() == null ? s.cwd() + (array ? "/slurm-%A_%a.out" : "/slurm-%j.out") : s.stdout();
        putIfPresent(job, "stdout", out);
        putIfPresent(job, "stdout_expanded", expand(out, s, id, arrayId, task));
        putIfPresent(job, "stderr", s.stderr() == null ? "" : s.stderr());
        putIfPresent(job, "stderr_expanded", s.stderr() == null ? "" : expand(s.stderr(), s, id, arrayId, task));
    }

    /** The recorded steps, renamed for this job; none for a job that never ran. */
    private static void steps(ObjectNode job, long id, boolean ran) {
        if (!job.has("steps")) {
            return;
        }
        ArrayNode steps = (ArrayNode) job.get("steps");
        if (!ran) {
            steps.removeAll();
            return;
        }
        for (JsonNode step : steps) {
            JsonNode inner = step.path("step");
            if (inner.isObject() && inner.path("id").isTextual()) {
                String sid = inner.path("id").asText();
                int dot = sid.indexOf('.');
                ((ObjectNode) inner).put("id", id + (dot < 0 ? "" : sid.substring(dot)));
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void putIfPresent(ObjectNode o, String key, String value) {
        if (o.has(key)) {
            o.put(key, value);
        }
    }

    private static void putIfPresent(ObjectNode o, String key, long value) {
        if (o.has(key)) {
            if (o.get(key).isObject()) {
                number(o, key, value);
            } else {
                o.put(key, value);
            }
        }
    }

    private static void putIfPresent(ObjectNode o, String key, boolean value) {
        if (o.has(key)) {
            o.put(key, value);
        }
    }

    private static void setIn(ObjectNode o, String object, String key, String value) {
        if (o.path(object).has(key)) {
            ((ObjectNode) o.get(object)).put(key, value);
        }
    }

    private static void setIn(ObjectNode o, String object, String key, long value) {
        if (o.path(object).has(key)) {
            ((ObjectNode) o.get(object)).put(key, value);
        }
    }

    /** A number field in the shape the recording has it: {@code {set, infinite, number}} or plain. */
    private static void number(ObjectNode o, String key, long value) {
        JsonNode n = o.get(key);
        if (n == null) {
            return;
        }
        if (n.isObject()) {
            ((ObjectNode) n).put("set", true).put("infinite", false).put("number", value);
        } else {
            o.put(key, value);
        }
    }

    private static void unsetOr(ObjectNode o, String key, boolean set, long value) {
        JsonNode n = o.get(key);
        if (n != null && n.isObject()) {
            ((ObjectNode) n).put("set", set).put("infinite", false).put("number", value);
        }
    }

    private static void time(ObjectNode o, String key, Instant t) {
        number(o, key, t == null ? 0 : t.getEpochSecond());
    }

    static BitSet none() {
        return new BitSet();
    }
}
