package io.pekkoshm.remote.host;

import io.pekkoshm.remote.support.ChildJvm;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class LockFileTest
{
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(30);

    private Path root;
    private ChildJvm child;

    @BeforeEach
    void createDirectory() throws IOException
    {
        root = ShmTestDirectory.newPath("lock");
        Permissions.createOwnerOnlyDirectory(root);
    }

    @AfterEach
    void removeDirectoryAndChild() throws Exception
    {
        try
        {
            if (null != child)
            {
                child.close();
            }
        }
        finally
        {
            ShmTestDirectory.deleteRecursively(root);
        }
    }

    @Test
    void shouldNotGrantAHeldLockTwiceInOneJvm() throws IOException
    {
        final Path file = root.resolve("a.lock");
        try (LockFile first = LockFile.tryAcquire(file))
        {
            assertNotNull(first);
            assertNull(LockFile.tryAcquire(file), "a second tryAcquire of a held lock should return null");
            assertNull(LockFile.tryAcquire(file), "and again");
        }
    }

    @Test
    void shouldGrantTheLockAgainAfterClose() throws IOException
    {
        final Path file = root.resolve("a.lock");
        final LockFile first = LockFile.tryAcquire(file);
        assertNotNull(first);
        first.close();
        assertTrue(Files.exists(file), "close keeps the file");
        try (LockFile second = LockFile.tryAcquire(file))
        {
            assertNotNull(second, "a closed lock is free again");
            assertEquals(file, second.path());
        }
    }

    @Test
    void shouldCreateTheFileOwnerOnly() throws IOException
    {
        final Path file = root.resolve("a.lock");
        try (LockFile ignored = LockFile.tryAcquire(file))
        {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
    }

    @Test
    void shouldCreateDirectoriesOwnerOnlyWithTheirParents() throws IOException
    {
        final Path nested = root.resolve("x").resolve("y");
        Permissions.createOwnerOnlyDirectory(nested);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("x"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(nested)));
        Permissions.createOwnerOnlyDirectory(nested); // exists already: no error
        final Path file = root.resolve("file");
        Files.writeString(file, "not a directory");
        assertThrows(IOException.class, () -> Permissions.createOwnerOnlyDirectory(file));
    }

    @Test
    void shouldReplaceContentOnWriteAndDeleteOnDeleteAndClose() throws IOException
    {
        final Path file = root.resolve("a.lock");
        final LockFile lock = LockFile.tryAcquire(file);
        assertNotNull(lock);
        lock.write("a much longer first content");
        lock.write("short");
        assertEquals("short", Files.readString(file, StandardCharsets.UTF_8));
        lock.deleteAndClose();
        assertFalse(Files.exists(file));
        try (LockFile again = LockFile.tryAcquire(file))
        {
            assertNotNull(again, "deleted and released: free for the next one");
        }
    }

    @Test
    void shouldFailWhenTheDirectoryIsGone()
    {
        assertThrows(NoSuchFileException.class, () -> LockFile.tryAcquire(root.resolve("missing").resolve("a.lock")));
    }

    @Test
    void shouldKeepALockHeldByAnotherProcessAndFreeItWhenThatProcessIsKilled() throws Exception
    {
        final Path file = root.resolve("a.lock");
        child = ChildJvm.start(HostChild.class, "lock", file.toString());
        assertEquals("LOCKED", child.awaitLineStartingWith(CHILD_TIMEOUT, "LOCKED", "BUSY"));
        assertNull(LockFile.tryAcquire(file), "held by the child");
        child.kill();
        try (LockFile lock = LockFile.tryAcquire(file))
        {
            assertNotNull(lock, "the kernel frees the lock of a killed process");
        }
        child.deleteLog();
    }

    @Test
    void shouldStillExcludeOtherProcessesAfterAFailedSecondTryAcquireInTheSameJvm() throws Exception
    {
        final Path file = root.resolve("a.lock");
        try (LockFile held = LockFile.tryAcquire(file))
        {
            assertNotNull(held);
            assertNull(LockFile.tryAcquire(file), "held by this JVM");
            child = ChildJvm.start(HostChild.class, "lock", file.toString());
            assertEquals("BUSY", child.awaitLineStartingWith(CHILD_TIMEOUT, "LOCKED", "BUSY"),
                "another process got a lock this JVM still holds");
        }
        child.deleteLog();
    }
}
