package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.SlurmClient;
import java.util.Objects;

/**
 * The unique key a submission carries in its job's comment ({@code slurm-sdk-submit-key=KEY}), so
 * that a job whose submit answer was lost is found and adopted, not submitted again. Jobs submitted
 * by earlier versions of the SDK carry {@code ringrift-submit-key=KEY}: a lookup finds those too.
 *
 * @param key the key alone, without a prefix
 */
public record SubmitKey(String key) {

    /** The prefix earlier versions of the SDK wrote. */
    static final String LEGACY_PREFIX = "ringrift-submit-key=";

    public SubmitKey {
        Objects.requireNonNull(key, "key == null");
    }

    /** A key as a caller names it: the key alone, or a whole comment with either prefix. */
    public static SubmitKey of(String keyOrComment) {
        String k = keyOrComment.strip();
        if (k.startsWith(SlurmClient.SUBMIT_KEY_PREFIX)) {
            return new SubmitKey(k.substring(SlurmClient.SUBMIT_KEY_PREFIX.length()));
        }
        return new SubmitKey(k.startsWith(LEGACY_PREFIX) ? k.substring(LEGACY_PREFIX.length()) : k);
    }

    /** The comment a job submitted with this key carries. */
    public String comment() {
        return SlurmClient.SUBMIT_KEY_PREFIX + key;
    }

    /** Whether a job's comment is this key's, in the SDK's form or the earlier one. */
    public boolean marks(String comment) {
        return comment != null && (comment.equals(comment()) || comment.equals(LEGACY_PREFIX + key));
    }
}
