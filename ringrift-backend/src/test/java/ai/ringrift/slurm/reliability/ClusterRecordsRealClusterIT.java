package ai.ringrift.slurm.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.TokenSources;
import ai.ringrift.slurm.testsupport.LocalCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The "nothing created" and "created once" checks can fail: a job submitted the moment before the
 * check (held and pending: slurmdbd's queries by name and time leave it out) is found, in slurmctld
 * and, once slurmdbd has caught up, in slurmdbd by id.
 */
class ClusterRecordsRealClusterIT {

    @Test
    void aJobSubmittedJustBeforeTheCheckIsFoundInBothDaemons() throws Exception {
        LocalCluster cluster = LocalCluster.require();
        try (SlurmClient client = SlurmClient.builder().baseUrl(cluster.restUrl().toString())
                .tokenSource(TokenSources.jwtKey(cluster.jwtKeyFile(), cluster.user(), Duration.ofMinutes(10), Clock.systemUTC()))
                .build()) {
            String name = "rr-planted-" + UUID.randomUUID().toString().substring(0, 8);
            Instant since = Instant.now().minusSeconds(1);
            long floor = ClusterRecords.floor(client);
            ClusterRecords.caughtUp(client, floor).assertNothingNamed(name, since); // nothing yet: passes
            long id = client.submit(JobSubmission.builder().name(name).script("#!/bin/bash\ntrue\n").partition("cpu-eval")
                    .account(cluster.account()).cpusPerTask(1).memoryPerNodeMb(16).timeLimit(Duration.ofMinutes(1))
                    .workingDirectory("/tmp").standardOutput("/dev/null").hold(true).build()).jobId();
            try {
                ClusterRecords records = ClusterRecords.caughtUp(client, floor);
                ClusterRecords.Named n = records.named(name, since);
                assertThat(n.slurmctld()).as("slurmctld has the pending job").containsExactly(id);
                assertThat(n.accounting()).as("slurmdbd, caught up, has its record").extracting(j -> j.jobId()).containsExactly(id);
                assertThatThrownBy(() -> records.assertNothingNamed(name, since)).isInstanceOf(AssertionError.class)
                        .hasMessageContaining("nothing may have been created").hasMessageContaining(String.valueOf(id));
            } finally {
                client.cancel(id);
            }
        }
    }
}
