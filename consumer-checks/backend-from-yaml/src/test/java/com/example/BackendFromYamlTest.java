package com.example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ringrift.slurm.backend.JobOutcome;
import ai.ringrift.slurm.backend.OrchestratorBackend;
import ai.ringrift.slurm.backend.TaskSpec;
import ai.ringrift.slurm.backend.WorkType;
import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.LoopConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A service that runs RingRift work from its unified_loop.yaml, against the local real cluster. */
class BackendFromYamlTest {

    @Test
    void aTournamentFromTheConfigSucceeds() throws Exception {
        Path config = Path.of(System.getProperty("ringrift.project")).resolve("config/unified_loop.yaml");
        LoopConfig loop = ConfigLoader.load(config);
        // the service's checkout: a tiny tournament script where the repo has none
        Path script = loop.slurm().repoDir().resolve(WorkType.TOURNAMENT.canonicalScript());
        if (!Files.exists(script)) {
            Files.createDirectories(script.getParent());
            Files.writeString(script, "print('tournament done')\n");
        }
        try (OrchestratorBackend backend = OrchestratorBackend.fromConfig(loop)) {
            JobOutcome outcome = backend.runTournament(TaskSpec.builder().label("consumer-yaml").build())
                    .await(Duration.ofMinutes(3));
            assertTrue(outcome.isSuccess(), outcome.summary());
        }
    }
}
