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
     * @throws IOException if it cannot be created, or exists but is not a directory.
     */
    public static void createOwnerOnlyDirectory(final Path dir) throws IOException
    {
        if (Files.isDirectory(dir))
        {
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
        }
    }
}
