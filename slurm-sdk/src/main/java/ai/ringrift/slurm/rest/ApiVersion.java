package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.rest.internal.VersionTable;

import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A slurmrestd data parser version, such as {@code v0.0.45}: what a client and a server must both
 * speak. Ordered oldest first. {@link #supported()} lists the ones this SDK speaks; any well-formed
 * version can be named (a server's, in an error), but only a supported one can be pinned.
 */
public final class ApiVersion implements Comparable<ApiVersion> {

    private static final Pattern SHAPE = Pattern.compile("v(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private final String text;
    private final int major;
    private final int minor;
    private final int patch;

    private ApiVersion(String text, int major, int minor, int patch) {
        this.text = text;
        this.major = major;
        this.minor = minor;
        this.patch = patch;
    }

    /**
     * The version written as Slurm writes it ({@code v0.0.45}; a leading {@code data_parser/} is
     * dropped, as the ping answer's {@code meta.plugin.data_parser} has it).
     *
     * @throws SlurmUsageException when it is not of that shape
     */
    public static ApiVersion of(String version) {
        Objects.requireNonNull(version, "version == null");
        String v = version.trim();
        if (v.startsWith("data_parser/")) {
            v = v.substring("data_parser/".length());
        }
        Matcher m = SHAPE.matcher(v);
        if (!m.matches()) {
            throw new SlurmUsageException("'" + version + "' is not a slurmrestd data parser version; write it like v0.0.45");
        }
        return new ApiVersion(v, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    /**
     * A version this SDK speaks.
     *
     * @throws SlurmUsageException when it is not one of {@link #supported()}, naming those
     */
    public static ApiVersion supported(String version) {
        ApiVersion v = of(version);
        if (!v.isSupported()) {
            throw new SlurmUsageException("API version '" + version.trim() + "' is not one this client speaks; use one of "
                    + supported());
        }
        return v;
    }

    /**
     * A setting as configuration files write it: {@code auto} (or nothing) to negotiate, else a
     * version this SDK speaks to pin; for {@link SlurmClient.Builder#apiVersion}, which takes
     * null as "negotiate".
     *
     * @return the version to pin, or null to negotiate
     * @throws SlurmUsageException when it is neither, naming the supported versions
     */
    public static ApiVersion fromSetting(String setting) {
        if (setting == null || setting.isBlank() || setting.trim().equalsIgnoreCase("auto")) {
            return null;
        }
        return supported(setting);
    }

    /** The versions this SDK speaks, oldest first. */
    public static List<ApiVersion> supported() {
        return VersionTable.get().spoken();
    }

    /** Whether this SDK speaks this version. */
    public boolean isSupported() {
        return supported().contains(this);
    }

    /** As Slurm writes it: {@code v0.0.45}. */
    public String text() {
        return text;
    }

    @Override
    public int compareTo(ApiVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiVersion v && major == v.major && minor == v.minor && patch == v.patch;
    }

    @Override
    public int hashCode() {
        return Objects.hash(major, minor, patch);
    }

    @Override
    public String toString() {
        return text;
    }
}
