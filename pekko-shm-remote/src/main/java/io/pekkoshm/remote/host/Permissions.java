package io.pekkoshm.remote.host;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Owner-only creation of the plugin's shared-memory files and directories (other users can neither read nor write). */
public final class Permissions
{
    /** rw------- */
    public static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_FILE =
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /** rwx------ */
    public static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIRECTORY =
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private Permissions()
    {
    }

    /**
     * Creates a directory owner-only if it does not exist, and its missing parents the same way.
     *
     * @param dir the directory.
     * @throws IOException if it cannot be created, or exists but is not a directory, or belongs to another user.
     */
    public static void createOwnerOnlyDirectory(final Path dir) throws IOException
    {
        if (Files.isDirectory(dir))
        {
            requireOwnerOnly(dir);
            return;
        }
        final Path parent = dir.toAbsolutePath().getParent();
        if (null != parent && !Files.isDirectory(parent))
        {
            createOwnerOnlyDirectory(parent);
        }
        try
        {
            Files.createDirectory(dir, OWNER_ONLY_DIRECTORY);
        }
        catch (final FileAlreadyExistsException ex)
        {
            if (!Files.isDirectory(dir))
            {
                throw ex;
            }
            requireOwnerOnly(dir);
        }
    }

    /**
     * An existing directory of the plugin must be this user's and closed to others: a directory under /dev/shm
     * with a predictable name could have been made by someone else. Widened modes of our own directory are
     * narrowed back; another owner is refused.
     *
     * @throws IOException naming the path, its owner and what to do.
     */
    static void requireOwnerOnly(final Path dir) throws IOException
    {
        final String owner = Files.getOwner(dir).getName();
        final String self = System.getProperty("user.name");
        if (null != self && !owner.equals(self))
        {
            throw new IOException("The shared-memory directory " + dir + " belongs to " + owner + ", not to " + self +
                "; refusing to use it. Remove it or set pekko.remote.shm.directory to a directory of your own.");
        }
        final Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
        if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")))
        {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
