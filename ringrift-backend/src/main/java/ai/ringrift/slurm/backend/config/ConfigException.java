package ai.ringrift.slurm.backend.config;

import java.nio.file.Path;

/**
 * A configuration value that cannot be used; the message names the file, the key and its line.
 * A category of its own: neither the client nor slurmrestd failed, the file must be fixed.
 */
public final class ConfigException extends RuntimeException {

    private final Path file;
    private final String key;
    private final int line;

    public ConfigException(Path file, String key, int line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + key + ": " + problem);
        this.file = file;
        this.key = key;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    public String key() {
        return key;
    }

    /** 1-based line of the key in the file; 0 when the key is missing or came from the environment. */
    public int line() {
        return line;
    }
}
