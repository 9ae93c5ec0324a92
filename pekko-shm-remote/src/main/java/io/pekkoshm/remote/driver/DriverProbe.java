package io.pekkoshm.remote.driver;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import io.pekkoshm.remote.host.ProcessLiveness;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * Is there a live media driver in an Aeron directory? Looks at the driver's CnC file: its heartbeat must be recent
 * and the process it names must be alive, so a driver killed with {@code kill -9} is recognised as dead at once
 * instead of after Aeron's driver timeout. Stateless.
 */
public final class DriverProbe
{
    private DriverProbe()
    {
    }

    /**
     * Looks without side effects: maps an existing CnC file for the duration of the call, writes nothing to it and
     * never creates one. Thread-safe.
     *
     * @param aeronDirectory  the Aeron directory to look in.
     * @param driverTimeoutMs how old the driver's last heartbeat may be, in milliseconds, for it to count as live.
     * @return the pid of the live driver in {@code aeronDirectory}, or -1 if none is live.
     */
    public static long liveDriverPid(final Path aeronDirectory, final long driverTimeoutMs)
    {
        final File cncFile = aeronDirectory.resolve(CncFileDescriptor.CNC_FILE).toFile();
        if (!cncFile.isFile() || cncFile.length() < CncFileDescriptor.META_DATA_LENGTH)
        {
            return -1;
        }
        final MappedByteBuffer cnc;
        try
        {
            cnc = IoUtil.mapExistingFile(cncFile, "CnC");
        }
        catch (final RuntimeException ex)
        {
            return -1;
        }
        try
        {
            final UnsafeBuffer meta = CncFileDescriptor.createMetaDataBuffer(cnc);
            if (0 == meta.getIntVolatile(CncFileDescriptor.cncVersionOffset(0)))
            {
                return -1;
            }
            final long pid = meta.getLong(CncFileDescriptor.pidOffset(0));
            if (pid <= 0 || !ProcessLiveness.isAlive(pid, 0))
            {
                return -1;
            }
            return CommonContext.isDriverActive(driverTimeoutMs, message -> { }, cnc) ? pid : -1;
        }
        catch (final RuntimeException ex)
        {
            return -1;
        }
        finally
        {
            IoUtil.unmap(cnc);
        }
    }
}
