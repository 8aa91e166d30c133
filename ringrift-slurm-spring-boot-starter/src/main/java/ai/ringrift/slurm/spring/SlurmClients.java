package ai.ringrift.slurm.spring;

import ai.ringrift.slurm.rest.SlurmClient;
import java.util.Objects;

/**
 * The two clients the auto-configuration makes from {@code slurm.rest.*}: the application's, and the
 * health indicator's (no retries, short timeouts, the same token source). Closed together when the
 * application context closes. Absent when the application defines its own {@link SlurmClient}.
 */
public final class SlurmClients implements AutoCloseable {
    private final SlurmClient client;
    private final SlurmClient probe;

    public SlurmClients(SlurmClient client, SlurmClient probe) {
        this.client = Objects.requireNonNull(client, "client == null");
        this.probe = Objects.requireNonNull(probe, "probe == null");
    }

    public SlurmClient client() {
        return client;
    }

    public SlurmClient probe() {
        return probe;
    }

    @Override
    public void close() {
        try {
            probe.close();
        } finally {
            client.close();
        }
    }
}
