package ai.ringrift.slurm.rest;

import java.util.List;

/** What slurmdbd lets a user submit as: an account (on a cluster, optionally one partition) and its qos. */
public record Association(String user, String account, String cluster, String partition, List<String> qos,
        String defaultQos) {

    public Association {
        qos = List.copyOf(qos);
        partition = partition == null ? "" : partition;
        defaultQos = defaultQos == null ? "" : defaultQos;
    }

    /** True when a job may ask for {@code requested} under this association ({@code null}: the default). */
    public boolean allowsQos(String requested) {
        return requested == null || requested.isBlank() || qos.contains(requested);
    }
}
