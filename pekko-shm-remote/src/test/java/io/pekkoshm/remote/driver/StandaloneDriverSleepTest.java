package io.pekkoshm.remote.driver;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.pekkoshm.remote.host.BellFile;
import io.pekkoshm.remote.host.Doorbell;
import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.support.ChildJvm;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A standalone driver started with {@code --sleep-after-us} sleeps on its doorbell when idle, answers a client that
 * rings it, and never sleeps while it has a UDP channel ({@link DriverSleep}, {@link DriverBell}).
 */
@Timeout(120)
class StandaloneDriverSleepTest
{
    private static final Duration AWAIT = Duration.ofSeconds(30);

    private Path directory;
    private ChildJvm driver;
    private DriverBell bell;
    private Aeron aeron;
    private UnsafeBuffer bellWord;

    @BeforeEach
    void startDriver() throws IOException
    {
        directory = ShmTestDirectory.newPath("driver-sleep");
        driver = ChildJvm.start(StandaloneDriver.class, "--directory", directory.toString(), "--idle-timeout-ms", "0",
            "--sleep-after-us", "0");
        Await.until(AWAIT, () -> driver.output().contains("pekko-shm driver: started") || !driver.isAlive(),
            () -> "the driver to start; output so far:\n" + driver.output());
        assertTrue(driver.output().contains("sleeps after 10 ms without work"), driver::output);
        final Path aeronDir = directory.resolve("aeron");
        bell = new DriverBell(aeronDir, driver.pid());
        aeron = Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(aeronDir.toString())
            .awaitingIdleStrategy(new RingingAwaitStrategy(bell)));
        bellWord = BellFile.mapAt(aeronDir.resolve(BellFile.DRIVER_FILE_NAME), 0);
        assertNotNull(bellWord, "the driver's bell file should be in its Aeron directory");
        assertEquals(driver.pid(), bellWord.getLong(BellFile.PID_OFFSET));
    }

    @AfterEach
    void stopDriver() throws InterruptedException, IOException
    {
        if (null != bellWord)
        {
            BellFile.unmap(bellWord);
        }
        if (null != aeron)
        {
            aeron.close();
        }
        if (null != bell)
        {
            bell.close();
        }
        if (null != driver)
        {
            driver.terminate();
            driver.deleteLog();
        }
        ShmTestDirectory.deleteRecursively(directory);
    }

    @Test
    void shouldSleepWhenIdleAndAnswerTheCommandsOfAClientThatRingsIt()
    {
        for (int round = 0; round < 5; round++)
        {
            awaitSleeping("round " + round);
            final long wakeUpsBefore = bell.wakeUps();

            try (ExclusivePublication publication = aeron.addExclusivePublication("aeron:ipc", 1000 + round);
                Subscription subscription = aeron.addSubscription("aeron:ipc", 1000 + round))
            {
                assertTrue(bell.wakeUps() > wakeUpsBefore, "round " + round + ": the client should have rung the " +
                    "sleeping driver for its command");
                final UnsafeBuffer message = new UnsafeBuffer(new byte[64]);
                Await.until(AWAIT, () -> publication.offer(message) > 0, () -> "the publication to take a message");
                Await.until(AWAIT, () -> subscription.poll((b, o, l, h) -> { }, 1) > 0, () -> "the message");
            }
        }
        assertEquals(0, bell.failedRings());
        assertTrue(driver.isAlive(), driver::output);
    }

    @Test
    void shouldNeverSleepWhileItHasAUdpChannel() throws IOException
    {
        awaitSleeping("before the UDP channel");
        final int port;
        try (DatagramSocket socket = new DatagramSocket())
        {
            port = socket.getLocalPort();
        }
        try (Subscription udp = aeron.addSubscription("aeron:udp?endpoint=127.0.0.1:" + port, 7))
        {
            assertNotNull(udp);
            // The driver's timers update its heartbeat in the to-driver buffer every second: three of them with
            // the word read awake throughout is three seconds in which the idle driver would have slept.
            final RingBuffer toDriver = aeron.context().toDriverBuffer();
            long heartbeat = toDriver.consumerHeartbeatTime();
            int heartbeats = 0;
            while (heartbeats < 3)
            {
                assertNotEquals(Doorbell.SLEEPING, bellWord.getLongVolatile(BellFile.STATE_OFFSET),
                    "the driver slept with a UDP channel open");
                final long now = toDriver.consumerHeartbeatTime();
                if (now != heartbeat)
                {
                    heartbeat = now;
                    heartbeats++;
                }
                Thread.onSpinWait();
            }
        }
        awaitSleeping("after the UDP channel closed");
    }

    private void awaitSleeping(final String when)
    {
        Await.until(AWAIT, () -> Doorbell.SLEEPING == bellWord.getLongVolatile(BellFile.STATE_OFFSET),
            () -> when + ": the idle driver should sleep; output:\n" + driver.output());
    }
}
