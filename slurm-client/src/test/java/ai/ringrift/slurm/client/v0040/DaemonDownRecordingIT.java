package ai.ringrift.slurm.client.v0040;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.client.testing.GeneratedClients;
import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.client.model.V0040JobDescMsg;
import ai.ringrift.slurm.client.model.V0040JobSubmitReq;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What slurmrestd really answers while slurmctld or slurmdbd is down: recorded for the stub tests
 * and the retry rules. Stops one daemon at a time and brings it back with scripts/local-slurm.sh up.
 */
class DaemonDownRecordingIT {

    private static LocalCluster cluster;

    @AfterAll
    static void bringBack() throws Exception {
        if (cluster != null) {
            cluster.up();
        }
    }

    @Test
    void slurmctldDown() throws Exception {
        cluster = LocalCluster.require();
        String token = cluster.userToken();
        var api = GeneratedClients.connect(cluster.restUrl().toString(), () -> token);
        cluster.stop("slurmctld");
        try {
            var ping = api.slurm().slurmV0040GetPing().execute();
            api.recorder().save("ping-controller-down");
            assertThat(ping.code()).isEqualTo(200);
            assertThat(ping.body().getPings().get(0).getPinged()).isEqualTo("DOWN");

            V0040JobDescMsg job = new V0040JobDescMsg().name("down").partition("cpu-eval").account(cluster.account())
                    .currentWorkingDirectory(cluster.sharedDir().toString()).environment(List.of("PATH=/bin"));
            var submit = api.slurm().slurmV0040PostJobSubmit(new V0040JobSubmitReq().script("#!/bin/bash\ntrue\n").job(job)).execute();
            api.recorder().save("error-submit-controller-down");
            assertThat(submit.code()).isEqualTo(502);
            assertThat(api.recorder().lastBody()).contains("\"error_number\": 1800");

            var get = api.slurm().slurmV0040GetJob("1", null, null).execute();
            api.recorder().save("error-get-job-controller-down");
            assertThat(get.isSuccessful()).isFalse();

            var states = api.slurm().slurmV0040GetJobsState(null).execute();
            api.recorder().save("error-jobs-state-controller-down");
            assertThat(states.isSuccessful()).isFalse();
        } finally {
            cluster.up();
        }
    }

    @Test
    void slurmdbdDown() throws Exception {
        cluster = LocalCluster.require();
        String token = cluster.userToken();
        var api = GeneratedClients.connect(cluster.restUrl().toString(), () -> token);
        cluster.stop("slurmdbd");
        try {
            var job = api.slurmdb().slurmdbV0040GetJob("1").execute();
            api.recorder().save("error-slurmdb-job-slurmdbd-down");
            assertThat(job.code()).isEqualTo(502);
            assertThat(api.recorder().lastBody()).contains("\"error_number\": 7000");
        } finally {
            cluster.up();
        }
    }
}
