package io.pekkoshm.remote.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.logbuffer.FragmentHandler;
import io.pekkoshm.remote.driver.DriverContexts;
import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.agrona.CloseHelper;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A media driver embedded in a test, with one small IPC log (64 KiB terms, so it fills up quickly): an exclusive
 * publication for the test's outbox to write into, and the subscription the test drains.
 */
final class EmbeddedLog implements AutoCloseable
{
    final Path directory;
    final Aeron aeron;
    final Subscription subscription;
    final ExclusivePublication publication;
    private final MediaDriver driver;

    EmbeddedLog(final String name, final int stream)
    {
        directory = ShmTestDirectory.newPath(name);
        driver = MediaDriver.launch(DriverContexts.mediaDriver(directory, TimeUnit.SECONDS.toNanos(5), 3,
            TimeUnit.MILLISECONDS.toNanos(10)));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(directory.toString()));
        subscription = aeron.addSubscription("aeron:ipc", stream);
        publication = aeron.addExclusivePublication("aeron:ipc?term-length=65536", stream);
        Await.until(Duration.ofSeconds(10), publication::isConnected, () -> "publication never connected");
    }

    /** Polls the log and flushes the outbox until {@code done}, or fails with {@code progress} after a minute. */
    void drainUntil(final Outbox outbox, final FragmentHandler handler, final BooleanSupplier done,
        final Supplier<String> progress)
    {
        final FragmentAssembler assembler = new FragmentAssembler(handler);
        Await.until(Duration.ofSeconds(60), () ->
        {
            subscription.poll(assembler, 256);
            outbox.flush();
            return done.getAsBoolean();
        }, progress);
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(subscription, aeron, driver);
        ShmTestDirectory.deleteRecursively(directory);
    }
}
