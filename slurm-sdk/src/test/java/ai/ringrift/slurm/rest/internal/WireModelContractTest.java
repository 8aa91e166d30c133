package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.*;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import retrofit2.http.DELETE;
import retrofit2.http.GET;
import retrofit2.http.HTTP;
import retrofit2.http.POST;
import retrofit2.http.Query;

/**
 * The SDK's one wire model ({@link Wire}, {@link RestCalls}) against the client generated from
 * each version's pinned spec, for every version in the table: each request is one the spec
 * declares (method, path, query parameters), and each field the SDK reads is in that version's
 * model with the same JSON name and a compatible type. A field a version lacks passes only where
 * its table entry says so (its quirks). A version that renames or retypes a field fails here,
 * naming the version, the record and the field.
 */
class WireModelContractTest {

    private static final String API = "ai.ringrift.slurm.client.api.";
    private static final String MODEL = "ai.ringrift.slurm.client.model.";

    /** Each RestCalls method and the generated operation it stands for (without the version). */
    private static final Map<String, String> OPERATIONS = Map.ofEntries(
            Map.entry("ping", "SlurmApi:GetPing"), Map.entry("submit", "SlurmApi:PostJobSubmit"),
            Map.entry("job", "SlurmApi:GetJob"), Map.entry("jobs", "SlurmApi:GetJobs"),
            Map.entry("jobsState", "SlurmApi:GetJobsState"), Map.entry("cancel(String,String)", "SlurmApi:DeleteJob"),
            Map.entry("cancel(String,KillJobs)", "SlurmApi:DeleteJobs"), Map.entry("requeue", "SlurmApi:GetJobRequeue"),
            Map.entry("partitions", "SlurmApi:GetPartitions"), Map.entry("nodes", "SlurmApi:GetNodes"),
            Map.entry("tres", "SlurmdbApi:GetTres"), Map.entry("accountingJob", "SlurmdbApi:GetJob"),
            Map.entry("accountingJobsById", "SlurmdbApi:GetJobs"), Map.entry("accountingJobs", "SlurmdbApi:GetJobs"),
            Map.entry("associations", "SlurmdbApi:GetAssociations"));

    /** The query parameters a @QueryMap of these methods may hold. */
    private static final Map<String, Set<String>> QUERY_MAPS = Map.of(
            "accountingJobs", Set.of("job_name", "start_time"), "associations", Set.of("user"));

    /**
     * Fields a version may lack, and the quirk that says it does; {@code exact}: the version has the
     * field exactly when the quirk says so (else it may also have it when not required).
     */
    private record Optionality(Class<?> record, String field, Predicate<VersionTable.Quirks> requiredWhen, boolean exact) {}

    private static final List<Optionality> OPTIONAL = List.of(
            new Optionality(Wire.Job.class, "stdout_expanded", VersionTable.Quirks::controllerPathsArePatterns, true),
            new Optionality(Wire.Job.class, "stderr_expanded", VersionTable.Quirks::controllerPathsArePatterns, true),
            new Optionality(Wire.AccountingJob.class, "stdout_expanded", VersionTable.Quirks::accountingHasExpandedPaths, true),
            new Optionality(Wire.AccountingJob.class, "stderr_expanded", VersionTable.Quirks::accountingHasExpandedPaths, true),
            new Optionality(Wire.Ping.class, "pinged", VersionTable.Quirks::pingHasPinged, true),
            new Optionality(Wire.Ping.class, "responding", q -> !q.pingHasPinged(), false));

    static Stream<ApiVersion> versions() {
        return VersionTable.get().spoken().stream();
    }

    /** "v0.0.45" as the generator writes it in class and method names: "V0045". */
    static String prefix(ApiVersion v) {
        return "V" + v.text().substring(1).replace(".", "");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void everyRequestIsOneTheVersionsSpecDeclares_andEveryFieldReadIsInItsModel(ApiVersion version) throws Exception {
        VersionTable.Quirks quirks = VersionTable.get().entry(version).quirks();
        List<String> problems = new ArrayList<>();
        for (Method call : RestCalls.class.getDeclaredMethods()) {
            String key = OPERATIONS.containsKey(call.getName()) ? call.getName() : call.getName() + "("
                    + String.join(",", Arrays.stream(call.getParameterTypes()).map(Class::getSimpleName).toList()) + ")";
            String operation = OPERATIONS.get(key);
            assertThat(operation).as("RestCalls.%s has no generated operation in this test's list", key).isNotNull();
            String[] parts = operation.split(":");
            Class<?> api = Class.forName(API + parts[0]);
            String name = (parts[0].equals("SlurmApi") ? "slurm" : "slurmdb") + prefix(version) + parts[1];
            Optional<Method> generated = Arrays.stream(api.getMethods()).filter(m -> m.getName().equals(name)).findFirst();
            if (call.getName().equals("requeue")) {
                assertThat(generated.isPresent()).as("%s serves %s exactly when its table entry says requeue", version, name)
                        .isEqualTo(quirks.requeue());
                if (generated.isEmpty()) {
                    continue;
                }
            }
            if (generated.isEmpty()) {
                problems.add(version + ": the spec has no " + name + " for RestCalls." + key);
                continue;
            }
            Method g = generated.get();
            String ours = route(call).replace("{version}", version.text()).replaceAll("\\{[^}]+}", "{}");
            String theirs = route(g).replaceAll("\\{[^}]+}", "{}");
            if (!ours.equals(theirs)) {
                problems.add(version + ": RestCalls." + key + " sends " + ours + ", the spec declares " + theirs);
            }
            Set<String> declared = queryNames(g);
            List<String> sent = new ArrayList<>(queryNames(call));
            sent.addAll(QUERY_MAPS.getOrDefault(call.getName(), Set.of()));
            for (String q : sent) {
                if (!declared.contains(q)) {
                    problems.add(version + ": RestCalls." + key + " sends the query parameter " + q + ", which " + name
                            + " does not declare (" + declared + ")");
                }
            }
            Class<?> answer = callType(call);
            Class<?> model = callType(g);
            if (call.getName().equals("jobsState")) {
                // the specs declare job_info_resp, the servers send {jobs:[{job_id:"14_2",state:[...]}]}
                // (RecordedAnswersTest reads the real ones in every version)
                assertThat(model.getSimpleName()).isEqualTo(prefix(version) + "OpenapiJobInfoResp");
                continue;
            }
            compare(answer, model, version, quirks, answer.getSimpleName(), problems);
        }
        assertThat(problems).as("what the SDK sends and reads, against the client generated from %s's spec", version).isEmpty();
    }

    private static void compare(Class<?> wire, Class<?> model, ApiVersion version, VersionTable.Quirks quirks, String where,
            List<String> problems) {
        for (RecordComponent c : wire.getRecordComponents()) {
            // @JsonProperty does not target record components: Java puts it on the component's field
            JsonProperty named = c.getAccessor().getDeclaringClass().getDeclaredFields().length == 0 ? null
                    : Arrays.stream(wire.getDeclaredFields()).filter(f -> f.getName().equals(c.getName())).findFirst()
                            .map(f -> f.getAnnotation(JsonProperty.class)).orElse(null);
            String json = named == null ? c.getName() : named.value();
            Optional<Method> getter = Arrays.stream(model.getMethods()).filter(m -> m.getParameterCount() == 0)
                    .filter(m -> m.getAnnotation(JsonProperty.class) != null && m.getAnnotation(JsonProperty.class).value().equals(json))
                    .findFirst();
            Optional<Optionality> optional = OPTIONAL.stream().filter(o -> o.record() == wire && o.field().equals(json)).findFirst();
            if (getter.isEmpty()) {
                if (optional.isEmpty() || optional.get().requiredWhen().test(quirks)) {
                    problems.add(version + ": " + where + "." + json + " is not in " + model.getSimpleName()
                            + (optional.isPresent() ? " though the table's quirks say it is" : ""));
                }
                continue;
            }
            if (optional.isPresent() && optional.get().exact() && !optional.get().requiredWhen().test(quirks)) {
                problems.add(version + ": " + where + "." + json + " is in " + model.getSimpleName()
                        + ", but the table's quirks say this version lacks it: correct the table");
            }
            compareType(c.getGenericType(), getter.get().getGenericReturnType(), version, quirks, where + "." + json, problems);
        }
    }

    private static void compareType(Type wire, Type model, ApiVersion version, VersionTable.Quirks quirks, String where,
            List<String> problems) {
        Class<?> w = raw(wire);
        Class<?> m = raw(model);
        boolean ok;
        if (w == String.class) {
            ok = m == String.class || m.isEnum();
        } else if (w == Long.class) {
            ok = m == Long.class || m == Integer.class;
        } else if (w == Integer.class) {
            ok = m == Integer.class;
        } else if (w == Boolean.class) {
            ok = m == Boolean.class;
        } else if (w == List.class) {
            ok = List.class.isAssignableFrom(m);
            if (ok) {
                compareType(element(wire), element(model), version, quirks, where + "[]", problems);
            }
        } else if (w.isRecord()) {
            ok = !m.isPrimitive() && !List.class.isAssignableFrom(m) && m.getName().startsWith(MODEL);
            if (ok) {
                compare(w, m, version, quirks, where, problems);
            }
        } else {
            ok = false;
        }
        if (!ok) {
            problems.add(version + ": " + where + " is read as " + wire.getTypeName() + ", the spec has " + model.getTypeName());
        }
    }

    private static Class<?> raw(Type t) {
        return t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) t;
    }

    private static Type element(Type list) {
        return ((ParameterizedType) list).getActualTypeArguments()[0];
    }

    private static Class<?> callType(Method m) {
        return raw(((ParameterizedType) m.getGenericReturnType()).getActualTypeArguments()[0]);
    }

    private static String route(Method m) {
        for (Annotation a : m.getAnnotations()) {
            if (a instanceof GET g) {
                return "GET " + g.value();
            }
            if (a instanceof POST p) {
                return "POST " + p.value();
            }
            if (a instanceof DELETE d) {
                return "DELETE " + d.value();
            }
            if (a instanceof HTTP h) {
                return h.method() + " " + h.path();
            }
        }
        throw new AssertionError(m + " has no HTTP method");
    }

    private static Set<String> queryNames(Method m) {
        Set<String> names = new java.util.TreeSet<>();
        for (Annotation[] as : m.getParameterAnnotations()) {
            for (Annotation a : as) {
                if (a instanceof Query q) {
                    names.add(q.value());
                }
            }
        }
        return names;
    }
}
