package ai.ringrift.slurm.bench;

import ai.ringrift.slurm.rest.SlurmMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every HTTP request the SDK puts on the wire (its network interceptor reports each attempt, retries
 * and lookups included), by method, endpoint and status, with the answers' bytes; retries and
 * submission outcomes beside them.
 */
final class WireCount implements SlurmMetrics {

    private final Map<String, LongAdder> byRequest = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> retries = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> submissions = new ConcurrentHashMap<>();
    private final LongAdder requests = new LongAdder();
    private final LongAdder bytes = new LongAdder();

    @Override
    public void request(String method, String endpoint, String outcome, int status, long size, Duration took) {
        requests.increment();
        bytes.add(Math.max(0, size));
        String key = method + " " + endpoint.replaceAll("v0\\.0\\.4\\d", "{v}") + " " + (status == 0 ? outcome : status);
        byRequest.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    @Override
    public void retry(String operation, String reason) {
        retries.computeIfAbsent(operation + ": " + reason, k -> new LongAdder()).increment();
    }

    @Override
    public void submission(String outcome) {
        submissions.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    long requests() {
        return requests.sum();
    }

    long bytes() {
        return bytes.sum();
    }

    long submissions(String outcome) {
        LongAdder a = submissions.get(outcome);
        return a == null ? 0 : a.sum();
    }

    /** Requests whose method, endpoint and status start with {@code prefix}, e.g. "POST /slurm/{v}/job/submit". */
    long requests(String prefix) {
        return byRequest.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue().sum()).sum();
    }

    Map<String, Long> byRequest() {
        return sums(byRequest);
    }

    Map<String, Long> retries() {
        return sums(retries);
    }

    private static Map<String, Long> sums(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
