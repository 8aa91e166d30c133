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

    static Map<String, String> cluster() throws Exception {
        String file = System.getenv().getOrDefault("RINGRIFT_SLURM_ENV_FILE", "/var/lib/ringrift-slurm/cluster.env");
        Map<String, String> facts = new HashMap<>();
        for (String line : Files.readAllLines(Path.of(file))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                facts.put(line.substring(0, eq), line.substring(eq + 1));
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
