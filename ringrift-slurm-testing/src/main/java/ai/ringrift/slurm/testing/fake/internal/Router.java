package ai.ringrift.slurm.testing.fake.internal;

import ai.ringrift.slurm.recordings.Recordings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fake slurmrestd's HTTP side: every request WireMock receives comes here (one catch-all stub)
 * and is answered from the {@link Model} through {@link Answers}, after the {@link Faults} a test
 * asked for.
 */
public final class Router implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "fake-slurmrestd";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile("^/(slurm|slurmdb)/(v[0-9.]+)/(.*)$");
    private static final Pattern GPUS = Pattern.compile("gpu(?::[^:,]+)?:(\\d+)");
    private static final Pattern SINCE = Pattern.compile("^now-(\\d+)(seconds|minutes|hours|days)?$");

    private final Model model;
    private final Answers answers;
    private final Faults faults;
    private final byte[] key;

    public Router(Model model, Answers answers, Faults faults, byte[] key) {
        this.model = model;
        this.answers = answers;
        this.faults = faults;
        this.key = key.clone();
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        LoggedRequest request = event.getRequest();
        Instant now = model.now();
        Instant down = faults.unreachableUntil;
        if (down != null && now.isBefore(down)) {
            return new ResponseDefinitionBuilder().withFault(Fault.CONNECTION_RESET_BY_PEER).build();
        }
        int delay = 0;
        int slow = faults.slowCount.get();
        if (!faults.slowBy.isZero() && (slow < 0 || (slow > 0 && faults.slowCount.decrementAndGet() >= 0))) {
            delay += (int) faults.slowBy.toMillis();
        }
        Matcher m = PATH.matcher(request.getUrl().replaceFirst("\\?.*$", ""));
        if (m.matches() && m.group(1).equals("slurm") && !faults.controllerLateBy.isZero()) {
            delay += (int) faults.controllerLateBy.toMillis();
        }
        Result result;
        try {
            result = route(request, m);
        } catch (RuntimeException e) {
            result = new Result(new Answers.Answer(500, "text/plain", "fake slurmrestd failed: " + e), false);
        }
        if (result.lose()) {
            return new ResponseDefinitionBuilder().withFault(Fault.CONNECTION_RESET_BY_PEER).build();
        }
        Answers.Answer a = result.answer();
        return new ResponseDefinitionBuilder().withStatus(a.status()).withHeader("Content-Type", a.contentType())
                .withBody(a.body()).withFixedDelay(delay > 0 ? delay : null).build();
    }

    private record Result(Answers.Answer answer, boolean lose) {
        static Result of(Answers.Answer a) {
            return new Result(a, false);
        }
    }

    private Result route(LoggedRequest request, Matcher m) {
        if (!m.matches()) {
            return Result.of(notFound());
        }
        String daemon = m.group(1);
        String version = m.group(2);
        String rest = m.group(3);
        if (!version.equals(answers.version())) {
            return Result.of(notFound());
        }
        boolean db = daemon.equals("slurmdb");
        // the token: slurmrestd passes it on; slurmctld and slurmdbd refuse it in their own ways
        String token = request.getHeader("X-SLURM-USER-TOKEN");
        if (token == null) {
            String auth = request.getHeader("Authorization");
            token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
        }
        Jwt.Checked checked = Jwt.check(token, key, model.now());
        Faults.TokenRefusal forced = faults.refuseTokens;
        if (forced != null) {
            int left = faults.tokenRefusals.get();
            if (left < 0 || (left > 0 && faults.tokenRefusals.decrementAndGet() >= 0)) {
                checked = new Jwt.Checked(forced == Faults.TokenRefusal.EXPIRED ? Jwt.Verdict.EXPIRED : Jwt.Verdict.BAD, null);
            }
        }
        String claimed = checked.user();
        if (checked.verdict() == Jwt.Verdict.OK && model.cluster().associations().stream().noneMatch(a -> a.user().equals(claimed))) {
            checked = new Jwt.Checked(Jwt.Verdict.BAD, null);
        }
        if (checked.verdict() != Jwt.Verdict.OK) {
            if (!db && request.getMethod().getName().equals("GET") && rest.equals("ping/")) {
                // slurmrestd answers a ping whatever the token: 200, with slurmctld "DOWN" to it (checked on 24.11 and 26.05)
                return Result.of(answers.pingRefused());
            }
            if (db) {
                return Result.of(answers.recorded("error-auth-expired-token-slurmdb"));
            }
            return Result.of(answers.recorded(checked.verdict() == Jwt.Verdict.EXPIRED ? "error-auth-expired-token-jobs"
                    : "error-auth-bad-token-jobs"));
        }
        String user = checked.user();
        String method = request.getMethod().getName();
        if (db) {
            if (faults.slurmdbdDown) {
                return Result.of(slurmdbdDown());
            }
            return Result.of(slurmdb(method, rest, request));
        }
        return slurm(method, rest, request, user);
    }

    private Result slurm(String method, String rest, LoggedRequest request, String user) {
        if (method.equals("GET") && rest.equals("ping/")) {
            return Result.of(answers.ping());
        }
        if (method.equals("GET") && rest.equals("partitions/")) {
            return Result.of(answers.partitions(model));
        }
        if (method.equals("GET") && rest.equals("nodes/")) {
            return Result.of(answers.nodes(model));
        }
        if (method.equals("GET") && rest.equals("jobs/state/")) {
            List<Object> records = new ArrayList<>();
            List<String> ids = values(request, "job_id");
            if (ids.isEmpty()) {
                records.addAll(model.allControllerRecords());
            } else {
                Set<Long> seen = new LinkedHashSet<>();
                for (String id : ids) {
                    for (String one : id.split(",")) {
                        if (one.matches("\\d+") && seen.add(Long.parseLong(one))) {
                            records.addAll(model.controllerRecords(Long.parseLong(one)));
                        }
                    }
                }
            }
            return Result.of(answers.states(records));
        }
        if (method.equals("GET") && rest.equals("jobs/")) {
            return Result.of(answers.controllerJobs("job-get-running", model.allControllerRecords()));
        }
        if (method.equals("GET") && rest.startsWith("job/") && rest.substring(4).matches("\\d+")) {
            List<Object> records = model.controllerRecords(Long.parseLong(rest.substring(4)));
            if (records.isEmpty()) {
                return Result.of(answers.recorded("error-get-unknown-job"));
            }
            return Result.of(answers.controllerJobs("job-get-running", records));
        }
        if (method.equals("DELETE") && rest.startsWith("job/") && rest.substring(4).matches("\\d+")) {
            boolean known = model.cancel(Long.parseLong(rest.substring(4)));
            return Result.of(answers.recorded(known || !answers.has("job-cancel-unknown") ? "job-cancel" : "job-cancel-unknown"));
        }
        if (method.equals("DELETE") && rest.equals("jobs/")) {
            JsonNode body = readBody(request);
            for (JsonNode id : body.path("jobs")) {
                if (id.asText().matches("\\d+")) {
                    model.cancel(Long.parseLong(id.asText()));
                }
            }
            return Result.of(answers.recorded(answers.has("jobs-cancel-many") ? "jobs-cancel-many" : "job-cancel"));
        }
        if (method.equals("POST") && rest.equals("job/submit")) {
            return submit(request, user);
        }
        return Result.of(notFound());
    }

    private Result submit(LoggedRequest request, String user) {
        JsonNode body = readBody(request);
        String script = body.path("script").asText(null);
        List<JsonNode> components = new ArrayList<>();
        if (body.path("jobs").isArray()) {
            body.path("jobs").forEach(components::add);
        } else if (body.path("job").isObject()) {
            components.add(body.path("job"));
        }
        if (components.isEmpty()) {
            return Result.of(new Answers.Answer(400, "text/plain", "fake slurmrestd: a submission needs job or jobs"));
        }
        List<Model.Spec> specs = new ArrayList<>();
        BitSet tasks = null;
        int throttle = 0;
        for (JsonNode job : components) {
            String s = job.has("script") ? job.path("script").asText() : script;
            Model.Spec spec = spec(job, s, user);
            int refusal = model.refusal(spec);
            if (refusal != 0) {
                return Result.of(answers.recorded(switch (refusal) {
                    case 2000 -> "error-submit-unknown-partition";
                    case 2045 -> "error-submit-invalid-account";
                    case 2066 -> "error-submit-invalid-qos";
                    default -> "error-submit-unavailable-resources";
                }));
            }
            if (!spec.array().isEmpty()) {
                Ranges.Parsed parsed = Ranges.parse(spec.array());
                if (parsed == null) {
                    return Result.of(new Answers.Answer(500, "text/plain", "fake slurmrestd: array '" + spec.array()
                            + "' is not an array expression the fake reads (no recording of the real refusal)"));
                }
                tasks = parsed.tasks();
                throttle = parsed.throttle();
            }
            specs.add(spec);
        }
        long id = specs.size() > 1 ? model.submitHeterogeneous(specs) : model.submit(specs.get(0), tasks, throttle);
        if (faults.lostSubmitAnswers.get() > 0 && faults.lostSubmitAnswers.decrementAndGet() >= 0) {
            return new Result(null, true);
        }
        return Result.of(answers.submitted(id));
    }

    private Model.Spec spec(JsonNode job, String script, String user) {
        String partition = text(job, "partition");
        String resolvedPartition = model.partition(partition).map(p -> p.name()).orElse(partition);
        String account = text(job, "account");
        if (account == null) {
            account = model.defaultAccount(user).orElse("");
        }
        int gpus = 0;
        String tres = text(job, "tres_per_node");
        if (tres != null) {
            Matcher g = GPUS.matcher(tres);
            while (g.find()) {
                gpus += Integer.parseInt(g.group(1));
            }
        }
        int cpus = job.path("cpus_per_task").asInt(1);
        long mem = number(job.path("memory_per_node"), 0);
        long limit = job.has("time_limit") ? number(job.path("time_limit"), 0) : 0;
        boolean requeue = !job.has("requeue") || job.path("requeue").asBoolean(true);
        return new Model.Spec(text(job, "name") == null ? "" : text(job, "name"), text(job, "comment") == null ? "" : text(job, "comment"),
                resolvedPartition, account, text(job, "qos"), user, text(job, "current_working_directory") == null ? "/tmp"
                        : text(job, "current_working_directory"), text(job, "standard_output"), text(job, "standard_error"),
                script, Math.max(1, cpus), mem, gpus, limit, requeue, job.path("hold").asBoolean(false),
                text(job, "array") == null ? "" : text(job, "array"));
    }

    private static long number(JsonNode n, long unset) {
        if (n.isNumber()) {
            return n.asLong();
        }
        if (n.isObject() && n.path("set").asBoolean(true) && !n.path("infinite").asBoolean(false)) {
            return n.path("number").asLong(unset);
        }
        return unset;
    }

    private static String text(JsonNode job, String field) {
        JsonNode n = job.get(field);
        return n == null || n.isNull() || n.asText().isBlank() ? null : n.asText();
    }

    private Answers.Answer slurmdb(String method, String rest, LoggedRequest request) {
        if (!method.equals("GET")) {
            return notFound();
        }
        if (rest.equals("tres/")) {
            return answers.tres();
        }
        if (rest.equals("associations/")) {
            List<String> users = values(request, "user");
            return answers.associations(users.isEmpty() ? null : users.get(0));
        }
        if (rest.startsWith("job/") && rest.substring(4).matches("\\d+")) {
            return answers.accounting("slurmdb-job-completed", model.accountingRecords(Long.parseLong(rest.substring(4))), model);
        }
        if (rest.equals("jobs/")) {
            List<String> steps = values(request, "step");
            List<Object> records = new ArrayList<>();
            if (!steps.isEmpty()) {
                Set<Long> seen = new LinkedHashSet<>();
                for (String s : steps) {
                    for (String one : s.split(",")) {
                        String id = one.replaceFirst("[._].*$", "");
                        if (id.matches("\\d+") && seen.add(Long.parseLong(id))) {
                            records.addAll(model.accountingRecords(Long.parseLong(id)));
                        }
                    }
                }
            } else {
                List<String> names = values(request, "job_name");
                List<String> since = values(request, "start_time");
                records.addAll(model.accountingRecords(names.isEmpty() ? null : names.get(0),
                        since.isEmpty() ? Instant.EPOCH : since(since.get(0))));
            }
            return answers.accounting("slurmdb-job-completed", records, model);
        }
        return notFound();
    }

    private Instant since(String value) {
        Matcher m = SINCE.matcher(value.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "seconds" : m.group(2);
            Duration d = switch (unit) {
                case "minutes" -> Duration.ofMinutes(n);
                case "hours" -> Duration.ofHours(n);
                case "days" -> Duration.ofDays(n);
                default -> Duration.ofSeconds(n);
            };
            return model.now().minus(d);
        }
        if (value.matches("\\d+")) {
            return Instant.ofEpochSecond(Long.parseLong(value));
        }
        return Instant.EPOCH;
    }

    /** slurmdbd stopped: its recorded answer in this version, else v0.0.40's errors in this version's envelope. */
    private Answers.Answer slurmdbdDown() {
        if (answers.has("error-slurmdb-job-slurmdbd-down")) {
            return answers.recorded("error-slurmdb-job-slurmdbd-down");
        }
        JsonNode v40 = Recordings.mapping("v0.0.40", "error-slurmdb-job-slurmdbd-down").path("response");
        ObjectNode body = answers.body("error-auth-expired-token-slurmdb");
        body.set("errors", v40.path("jsonBody").path("errors").deepCopy());
        return new Answers.Answer(v40.path("status").asInt(), "application/json", Answers.write(body));
    }

    /** What slurmrestd answers a path it does not serve (a version it does not speak, an unknown endpoint). */
    private Answers.Answer notFound() {
        if (answers.has("error-version-not-served")) {
            return answers.recorded("error-version-not-served");
        }
        return new Answers.Answer(404, "text/plain", "fake slurmrestd: no path " + "here (and no recording error-version-not-served of "
                + answers.version() + " to answer as the real one does)");
    }

    private static List<String> values(LoggedRequest request, String name) {
        QueryParameter p = request.queryParameter(name);
        return p == null || !p.isPresent() ? List.of() : p.values();
    }

    private static JsonNode readBody(LoggedRequest request) {
        try {
            String body = request.getBodyAsString();
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (java.io.IOException e) {
            return JSON.createObjectNode();
        }
    }

    static ArrayNode array() {
        return JSON.createArrayNode();
    }
}
