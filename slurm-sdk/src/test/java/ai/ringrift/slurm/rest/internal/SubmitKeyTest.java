package ai.ringrift.slurm.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.slurm.rest.SlurmClient;
import org.junit.jupiter.api.Test;

class SubmitKeyTest {

    @Test
    void aJobCarriesTheSdksOwnPrefix_andALookupFindsTheEarlierOneToo() {
        SubmitKey key = SubmitKey.of("k-42");
        assertThat(key.comment()).isEqualTo(SlurmClient.SUBMIT_KEY_PREFIX + "k-42").startsWith("slurm-sdk-submit-key=");
        assertThat(key.marks("slurm-sdk-submit-key=k-42")).isTrue();
        assertThat(key.marks("ringrift-submit-key=k-42")).as("a job an earlier SDK submitted").isTrue();
        assertThat(key.marks("ringrift-submit-key=k-43")).isFalse();
        assertThat(key.marks(null)).isFalse();
        assertThat(SubmitKey.of("ringrift-submit-key=k-42")).isEqualTo(key);
        assertThat(SubmitKey.of("slurm-sdk-submit-key=k-42")).isEqualTo(key);
    }
}
