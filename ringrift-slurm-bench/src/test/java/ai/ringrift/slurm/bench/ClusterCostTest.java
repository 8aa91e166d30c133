package ai.ringrift.slurm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The job user's RPC count read out of sdiag's text (as Slurm 24.11's sdiag prints it). */
class ClusterCostTest {

    private static final String SDIAG = """
            Remote Procedure Call statistics by message type
            \tREQUEST_JOB_INFO_SINGLE                 ( 2021) count:7013   ave_time:269    total_time:1886862
            \tREQUEST_PING                            ( 1008) count:2      ave_time:39     total_time:78

            Remote Procedure Call statistics by user
            \tringrift        (    4242) count:14033  ave_time:189    total_time:2657606
            \troot            (       0) count:26     ave_time:223    total_time:5819

            Pending RPC statistics
            \tNo pending RPCs
            """;

    @Test
    void readsTheUsersCountFromTheByUserSection() {
        assertThat(ClusterCost.rpcsOf(SDIAG, "ringrift")).isEqualTo(14033);
        assertThat(ClusterCost.rpcsOf(SDIAG, "root")).isEqualTo(26);
    }

    @Test
    void aUserWithNoRpcsYetHasNone() {
        assertThat(ClusterCost.rpcsOf(SDIAG, "alice")).isZero();
        // a message type of the same shape in another section is not a user
        assertThat(ClusterCost.rpcsOf(SDIAG, "REQUEST_PING")).isZero();
    }

    @Test
    void sdiagWithoutTheSectionIsAnError() {
        assertThatThrownBy(() -> ClusterCost.rpcsOf("sdiag: error: slurm_get_statistics: Unable to contact slurm controller", "ringrift"))
                .hasMessageContaining("by user");
    }
}
