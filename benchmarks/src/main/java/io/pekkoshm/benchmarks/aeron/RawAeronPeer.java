package io.pekkoshm.benchmarks.aeron;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.Header;
import io.pekkoshm.benchmarks.workloads.ChildOutput;
import io.pekkoshm.benchmarks.workloads.NodeArgs;
import io.pekkoshm.benchmarks.workloads.RunnerCommands;
import io.pekkoshm.benchmarks.workloads.Wire;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The receiving JVM of the raw Aeron IPC floor: runs the media driver both JVMs use (embedded, in its own
 * directory, removed on close; log buffers allocated in full when created, so that the floor measures warm memory,
 * not the first touch of fresh pages), and on one thread polls {@link RawAeronSetup#TO_PEER}, answering as {@link Wire}
 * says: acks every {@link Wire#ACK_EVERY} stream messages, echoes pings, acks each bulk message. Busy-spins only
 * between {@code M 1} and {@code M 0} (the ping-pong); exits when the runner says {@code shutdown} (once the driver
 * node has gone), or when standard input ends.
 * <pre>
 *   RawAeronPeer dir=&lt;aeron dir&gt; termLength=&lt;bytes&gt;
 * </pre>
 */
public final class RawAeronPeer
{
    private static final long MAX_OFFER_NS = TimeUnit.SECONDS.toNanos(30);

    private final ExclusivePublication toDriver;
    private final UnsafeBuffer ack = new UnsafeBuffer(Wire.message(Wire.ACK, 16));
    private final UnsafeBuffer bulkAck = new UnsafeBuffer(Wire.message(Wire.BULK_ACK, 16));
    private long received;
    private boolean spinning;

    private RawAeronPeer(final ExclusivePublication toDriver)
    {
        this.toDriver = toDriver;
    }

    public static void main(final String[] args)
    {
        final CompletableFuture<Void> shutdown = RunnerCommands.start().shutdown();
        final NodeArgs arguments = NodeArgs.parse(args);
        final String dir = arguments.get("dir");
        final MediaDriver.Context driverContext = new MediaDriver.Context()
            .aeronDirectoryName(dir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(RawAeronSetup.backoff())
            .ipcTermBufferLength(Math.toIntExact(arguments.getLong("termLength")))
            .termBufferSparseFile(false)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true);
        MediaDriver driver = null;
        Aeron aeron = null;
        try
        {
            driver = MediaDriver.launch(driverContext);
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir));
            final Subscription fromDriver = aeron.addSubscription(RawAeronSetup.CHANNEL, RawAeronSetup.TO_PEER);
            final ExclusivePublication toDriver = aeron.addExclusivePublication(RawAeronSetup.CHANNEL,
                RawAeronSetup.TO_DRIVER);
            ChildOutput.ready(dir);
            new RawAeronPeer(toDriver).run(fromDriver, shutdown);
        }
        finally
        {
            CloseHelper.closeAll(aeron, driver);
        }
        System.exit(0);
    }

    private void run(final Subscription fromDriver, final CompletableFuture<Void> shutdown)
    {
        final FragmentAssembler assembler = new FragmentAssembler(this::onMessage);
        final IdleStrategy backoff = RawAeronSetup.backoff();
        final IdleStrategy spin = new BusySpinIdleStrategy();
        while (!shutdown.isDone())
        {
            final int fragments = fromDriver.poll(assembler, RawAeronSetup.FRAGMENT_LIMIT);
            (spinning ? spin : backoff).idle(fragments);
        }
    }

    private void onMessage(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        switch (buffer.getByte(offset))
        {
            case Wire.STREAM:
                if (++received % Wire.ACK_EVERY == 0)
                {
                    offer(ack, 0, ack.capacity());
                }
                break;
            case Wire.PING:
                offer(buffer, offset, length);
                break;
            case Wire.BULK:
                offer(bulkAck, 0, bulkAck.capacity());
                break;
            case Wire.MODE:
                spinning = buffer.getByte(offset + 1) == 1;
                break;
            default:
                break;
        }
    }

    private void offer(final DirectBuffer buffer, final int offset, final int length)
    {
        final long deadline = System.nanoTime() + MAX_OFFER_NS;
        while (true)
        {
            final long result = toDriver.offer(buffer, offset, length);
            if (result > 0)
            {
                return;
            }
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED ||
                System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("Cannot answer the driver node: offer returned " + result);
            }
            // BACK_PRESSURED, NOT_CONNECTED, ADMIN_ACTION: transient, retry within the bound
            Thread.onSpinWait();
        }
    }
}
