package ai.ringrift.slurm.backend;

import ai.ringrift.slurm.rest.SlurmUsageException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the user the jobs run as (the job user) can do with a path on the shared filesystem, judged
 * here, on the service's host, from the path's owner and mode. The service often runs as another
 * user (root, a service account): that it can write a directory says nothing about the jobs.
 *
 * <p>The job user is looked up by name on this host, as every host of a cluster with a shared
 * filesystem knows the same users. When it is unknown here, or only its group could grant the
 * access, the answer is {@link Verdict#UNKNOWN}: preflight's probe job settles it for real.
 */
public final class JobUserAccess {

    /** Whether the job user has the access. */
    public enum Verdict { YES, NO, UNKNOWN }

    /**
     * One judgement.
     *
     * @param detail the path's owner and mode, e.g. "owner root:root, mode 755"
     */
    public record Finding(Path path, Verdict verdict, String detail) {
        public boolean denied() {
            return verdict == Verdict.NO;
        }
    }

    private final String user;
    private final Optional<UserPrincipal> principal;

    private JobUserAccess(String user, Optional<UserPrincipal> principal) {
        this.user = user;
        this.principal = principal;
    }

    /** For the user the jobs run as ({@code null}: the token's user, unknown here). */
    public static JobUserAccess forUser(String user) {
        Optional<UserPrincipal> principal = Optional.empty();
        if (user != null && !user.isBlank()) {
            try {
                principal = Optional.of(FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(user));
            } catch (IOException | UnsupportedOperationException e) {
                principal = Optional.empty();
            }
        }
        return new JobUserAccess(user, principal);
    }

    /** The job user's name as configured, or "the job user" when none is. */
    public String userName() {
        return user == null || user.isBlank() ? "the job user" : user;
    }

    /** Whether this host knows the job user (then chown and exact owner checks are possible). */
    public boolean knowsUser() {
        return principal.isPresent();
    }

    /** Can the job user create files in {@code dir}? */
    public Finding canWrite(Path dir) {
        return judge(dir, true);
    }

    /** Can the job user read {@code path} (list it, for a directory)? */
    public Finding canRead(Path path) {
        return judge(path, false);
    }

    private Finding judge(Path path, boolean write) {
        PosixFileAttributes a;
        try {
            a = Files.getFileAttributeView(path, PosixFileAttributeView.class).readAttributes();
        } catch (IOException | NullPointerException | UnsupportedOperationException e) {
            if (!Files.exists(path)) {
                return new Finding(path, Verdict.NO, "does not exist");
            }
            return new Finding(path, Verdict.UNKNOWN, "owner and mode unreadable here: " + e.getMessage());
        }
        boolean dir = a.isDirectory();
        String detail = describe(a);
        if ("root".equals(user)) {
            return new Finding(path, Verdict.YES, detail);
        }
        Set<PosixFilePermission> p = a.permissions();
        PosixFilePermission ownerNeed = write ? PosixFilePermission.OWNER_WRITE : PosixFilePermission.OWNER_READ;
        PosixFilePermission groupNeed = write ? PosixFilePermission.GROUP_WRITE : PosixFilePermission.GROUP_READ;
        PosixFilePermission otherNeed = write ? PosixFilePermission.OTHERS_WRITE : PosixFilePermission.OTHERS_READ;
        boolean ownerOk = p.contains(ownerNeed) && (!dir || p.contains(PosixFilePermission.OWNER_EXECUTE));
        boolean groupOk = p.contains(groupNeed) && (!dir || p.contains(PosixFilePermission.GROUP_EXECUTE));
        boolean otherOk = p.contains(otherNeed) && (!dir || p.contains(PosixFilePermission.OTHERS_EXECUTE));

        Boolean isOwner = isOwner(a.owner());
        if (Boolean.TRUE.equals(isOwner)) {
            return new Finding(path, ownerOk ? Verdict.YES : Verdict.NO, detail);
        }
        if (otherOk) {
            return new Finding(path, Verdict.YES, detail);
        }
        if (groupOk || isOwner == null) {
            return new Finding(path, Verdict.UNKNOWN, detail); // group membership or identity not known here
        }
        return new Finding(path, Verdict.NO, detail);
    }

    /** TRUE, FALSE, or null when it cannot be told here. */
    private Boolean isOwner(UserPrincipal owner) {
        if (principal.isPresent()) {
            return principal.get().equals(owner);
        }
        if (user == null || user.isBlank()) {
            return null;
        }
        if (owner.getName().equals(user)) {
            return true;
        }
        // an owner this host cannot name (a bare uid) may be the job user
        return owner.getName().chars().allMatch(Character::isDigit) ? null : false;
    }

    /** "owner root:root, mode 755". */
    static String describe(PosixFileAttributes a) {
        return "owner " + a.owner().getName() + ":" + a.group().getName() + ", mode " + octal(a.permissions());
    }

    private static String octal(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 1 << (8 - p.ordinal());
        }
        return Integer.toOctalString(mode);
    }

    /**
     * Creates {@code dir} and its missing parents so that the job user can write them: when this
     * process runs as root and knows the job user, it hands the new directories to that user (mode
     * 775). Then checks that the job user can write {@code dir}; refuses, naming path, owner, mode
     * and user, when it cannot.
     *
     * @param what the setting it comes from, e.g. "slurm.log_dir"
     */
    public void prepareWritable(Path dir, String what) {
        create(dir, what);
        Finding f = canWrite(dir);
        if (f.denied()) {
            throw new SlurmUsageException(what + " " + dir + " (" + f.detail() + ") is not writable by " + userName()
                    + ", the user the jobs run as, so its jobs could not create their output files. Fix: "
                    + fix(dir));
        }
    }

    /**
     * Creates {@code dir} and its missing parents; when this process runs as root and knows the job
     * user, the new directories go to that user (mode 775), so that jobs can use them too.
     */
    public void create(Path dir, String what) {
        List<Path> created = new ArrayList<>();
        try {
            Path missing = dir.toAbsolutePath();
            List<Path> chain = new ArrayList<>();
            while (missing != null && !Files.exists(missing, LinkOption.NOFOLLOW_LINKS)) {
                chain.add(0, missing);
                missing = missing.getParent();
            }
            for (Path p : chain) {
                Files.createDirectory(p);
                created.add(p);
            }
            for (Path p : created) {
                handOver(p);
            }
        } catch (IOException e) {
            throw new SlurmUsageException("cannot create " + what + " " + dir + " (" + e + "); create it on the shared "
                    + "filesystem, writable by " + userName() + ", the user the jobs run as");
        }
    }

    /** The fix line for a directory the job user cannot write. */
    public String fix(Path dir) {
        String u = user == null || user.isBlank() ? "JOBUSER" : user;
        return "chown " + u + " " + dir + " (or chmod 1777 " + dir + "), or point the setting at a directory " + u
                + " can write";
    }

    private void handOver(Path created) throws IOException {
        if (principal.isEmpty()) {
            return;
        }
        Object uid = Files.getAttribute(created, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        boolean runningAsRoot = uid instanceof Integer i && i == 0;
        if (runningAsRoot && !"root".equals(user)) {
            Files.setOwner(created, principal.get());
            Files.setPosixFilePermissions(created, PosixFilePermissions.fromString("rwxrwxr-x"));
        }
    }

    /**
     * Why a job left no output file at {@code file}: the first of its missing or unwritable
     * directory, in words for the outcome and {@code logs}; empty when the directory looks fine.
     */
    public Optional<String> explainMissingOutput(Path file) {
        if (file == null || Files.exists(file)) {
            return Optional.empty();
        }
        Path dir = file.toAbsolutePath().getParent();
        String head = "could not create its output file " + file + " as user " + userName() + ": ";
        if (dir == null) {
            return Optional.empty();
        }
        if (!Files.isDirectory(dir)) {
            return Optional.of(head + "its directory " + dir + " does not exist. Create it, writable by " + userName());
        }
        Finding f = canWrite(dir);
        return switch (f.verdict()) {
            case NO -> Optional.of(head + "log_dir " + dir + " is not writable by that user (" + f.detail() + "). Fix: "
                    + fix(dir));
            case UNKNOWN -> Optional.of("no output file " + file + " was created; the job may have failed before its "
                    + "script ran. Check that " + userName() + " can write " + dir + " (" + f.detail() + ")");
            case YES -> Optional.empty();
        };
    }
}
