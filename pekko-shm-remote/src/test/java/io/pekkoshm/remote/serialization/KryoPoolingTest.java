package io.pekkoshm.remote.serialization;

import io.pekkoshm.remote.serialization.TestMessages.Box;
import io.pekkoshm.remote.serialization.TestMessages.Holder;
import io.pekkoshm.remote.serialization.TestMessages.Mood;
import io.pekkoshm.remote.serialization.TestMessages.Person;
import io.pekkoshm.remote.serialization.TestMessages.Point;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kryo instances come from a pool: reused across messages, never shared by two threads at once. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KryoPoolingTest
{
    private final KryoTestSystems systems = new KryoTestSystems();

    @AfterEach
    void stop()
    {
        systems.close();
    }

    @Test
    void shouldReuseKryoInstancesInsteadOfCreatingOnePerMessage() throws Exception
    {
        final ActorSystem system = systems.start("pool", KryoTestSystems.LOCAL, TestMessages.classesConfig());
        final KryoSerializer kryo = KryoTestSystems.kryo(system);
        final long before = kryo.kryoInstancesCreated();
        final KryoSerializerStats statsBefore = kryo.stats();
        final ByteBuffer buffer = ByteBuffer.allocateDirect(1024);
        long bytes = 0;
        for (int i = 0; i < 1000; i++)
        {
            final Holder message = new Holder("m" + i, new Point(i, -i));
            assertEquals(message, kryo.fromBinary(kryo.toBinary(message), KryoSerializer.MANIFEST));
            buffer.clear();
            kryo.toBinary(message, buffer);
            bytes += buffer.position();
            buffer.flip();
            assertEquals(message, kryo.fromBinary(buffer, KryoSerializer.MANIFEST));
        }
        assertEquals(before, kryo.kryoInstancesCreated(), "one thread needs no instance beyond the first");
        final KryoSerializerStats stats = kryo.stats();
        assertEquals(statsBefore.messagesWritten() + 2000, stats.messagesWritten());
        assertEquals(statsBefore.messagesRead() + 2000, stats.messagesRead());
        assertEquals(statsBefore.bytesWritten() + 2 * bytes, stats.bytesWritten());
        assertEquals(stats.bytesWritten() - statsBefore.bytesWritten(), stats.bytesRead() - statsBefore.bytesRead());
        assertEquals(0, stats.writeFailures() + stats.readFailures());
    }

    @Test
    void shouldSerializeConcurrentlyFromManyThreads() throws Exception
    {
        final int threads = 8;
        final ActorSystem system = systems.start("pool", KryoTestSystems.LOCAL, TestMessages.classesConfig(),
            "pekko.remote.shm.kryo.pool-size = " + threads);
        final KryoSerializer kryo = KryoTestSystems.kryo(system);
        final CountDownLatch start = new CountDownLatch(1);
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try
        {
            final List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int thread = t;
                final Callable<Integer> work = () ->
                {
                    start.await();
                    final ByteBuffer buffer = ByteBuffer.allocate(4096);
                    for (int i = 0; i < 2000; i++)
                    {
                        final Person person = new Person("p" + thread + "-" + i, i, Mood.values()[i % 3],
                            Optional.of("t" + thread), new Point(thread, i));
                        final Holder message = new Holder("t" + thread, List.of(person, new Box<>(i)));
                        buffer.clear();
                        kryo.toBinary(message, buffer);
                        buffer.flip();
                        assertEquals(message, kryo.fromBinary(buffer, KryoSerializer.MANIFEST));
                        assertEquals(message, kryo.fromBinary(kryo.toBinary(message), KryoSerializer.MANIFEST));
                    }
                    return thread;
                };
                results.add(pool.submit(work));
            }
            start.countDown();
            for (final Future<Integer> result : results)
            {
                result.get(50, TimeUnit.SECONDS);
            }
        }
        finally
        {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
        assertTrue(kryo.kryoInstancesCreated() <= threads + 1,
            "at most one instance per concurrent thread: " + kryo.kryoInstancesCreated());
    }
}
