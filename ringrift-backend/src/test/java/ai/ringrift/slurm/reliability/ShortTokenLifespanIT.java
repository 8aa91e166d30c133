package ai.ringrift.slurm.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.backend.JobHandle;
import ai.ringrift.slurm.backend.JobOutcome;
import ai.ringrift.slurm.backend.OrchestratorBackend;
import ai.ringrift.slurm.backend.SlurmBackend;
import ai.ringrift.slurm.backend.StandIns;
import ai.ringrift.slurm.backend.TaskSpec;
import ai.ringrift.slurm.backend.config.ConfigLoader;
import ai.ringrift.slurm.backend.config.LoopConfig;
import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.testsupport.ProjectConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Tokens that live 30 s, during a 2-minute run of submissions and tracking: renewed, nothing fails. */
class ShortTokenLifespanIT {

    @Test
    void thirtySecondTokensThroughATwoMinuteRun() throws Exception {
        LocalCluster.require();
        LoopConfig config = ConfigLoader.load(ProjectConfig.fastPolling().with("slurm.rest.token_lifespan", "30s").write());
        StandIns.install(config.slurm().repoDir());
        String run = java.util.UUID.randomUUID().toString().substring(0, 6);

        List<JobHandle> handles = new ArrayList<>();
        Set<Instant> expiries = new HashSet<>();
        Instant since = Instant.now().minusSeconds(5);
        try (SlurmBackend backend = (SlurmBackend) OrchestratorBackend.fromConfig(config)) {
            Instant end = Instant.now().plus(Duration.ofMinutes(2));
            int i = 0;
            while (Instant.now().isBefore(end)) {
                handles.add(backend.runTournament(TaskSpec.builder().label("short-token-" + run + "-" + i++)
                        .addArguments("--sleep", "5").build()));
                backend.client().tokenExpiry().ifPresent(expiries::add);
                Thread.sleep(10_000);
            }
            for (JobHandle h : handles) {
                JobOutcome outcome = h.await(Duration.ofMinutes(3));
                assertThat(outcome.isSuccess()).as(outcome.summary()).isTrue();
            }
            RanOnce.assertEachRanOnce(backend, handles, since);
        }
        assertThat(handles).hasSizeGreaterThanOrEqualTo(10);
        // at least four different tokens were used over 2 minutes of 30-second tokens
        assertThat(expiries).hasSizeGreaterThanOrEqualTo(4);
        System.out.printf("SHORT TOKENS: %d jobs over 2 min with 30 s tokens, %d tokens seen, none failed%n",
                handles.size(), expiries.size());
    }
}
