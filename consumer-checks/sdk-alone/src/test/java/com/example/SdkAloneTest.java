package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ringrift.slurm.rest.JobInfo;
import ai.ringrift.slurm.rest.JobState;
import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.ServerInfo;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.TokenSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A service that uses only the SDK's REST client, against the local real cluster. */
class SdkAloneTest {

    /** The cluster's connection facts, from the environment (consumer-checks/run.sh passes scripts/local-slurm.sh env). */
    static Map<String, String> cluster() {
        Map<String, String> facts = new HashMap<>(System.getenv());
        for (String key : new String[] {"SLURM_REST_URL", "SLURM_JWT_KEY_FILE", "SLURM_CLUSTER_USER"}) {
            if (facts.get(key) == null) {
                throw new IllegalStateException(key + " is not set: run this with the local cluster's facts in the environment");
            }
        }
        return facts;
    }

    @Test
    void submitsAJobAndSeesItComplete() throws Exception {
        Map<String, String> c = cluster();
        try (SlurmClient slurm = SlurmClient.builder().baseUrl(c.get("SLURM_REST_URL"))
                .tokenSource(TokenSources.jwtKey(Path.of(c.get("SLURM_JWT_KEY_FILE")), c.get("SLURM_CLUSTER_USER"),
                        Duration.ofMinutes(10), Clock.systemUTC()))
                .build()) {
            ServerInfo info = slurm.ping();
            assertTrue(info.controllerUp(), "slurmctld up");
            long id = slurm.submit(JobSubmission.builder().name("consumer-sdk-alone").script("#!/bin/bash\necho hello\n")
                    .partition("cpu-eval").cpusPerTask(1).memoryPerNodeMb(64).workingDirectory("/tmp")
                    .standardOutput("/dev/null").putEnvironment("PATH", "/usr/bin:/bin").build()).jobId();
            JobInfo job = slurm.waiter().await(id, Duration.ofMinutes(2));
            assertEquals(JobState.COMPLETED, job.state());
            assertEquals(0, job.exitCode());
        }
    }

    @Test
    void nothingOfRingRiftComesWithTheSdk() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("ai.ringrift.slurm.backend.SlurmBackend"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("com.fasterxml.jackson.dataformat.yaml.YAMLFactory"));
    }
}
