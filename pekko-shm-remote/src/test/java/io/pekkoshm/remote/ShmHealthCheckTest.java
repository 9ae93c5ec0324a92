package io.pekkoshm.remote;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.driver.StandaloneDriver;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.support.ChildJvm;
import io.pekkoshm.remote.support.EmbeddedNodes;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ShmHealthCheck} loaded by class name, the way pekko-management loads a configured check (which is not on
 * this class path): healthy while the node listens on a live media driver, unhealthy otherwise.
 */
@Timeout(120)
class ShmHealthCheckTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Path directory;

    @BeforeEach
    void newDirectory()
    {
        directory = ShmTestDirectory.newPath("health");
    }

    @AfterEach
    void removeDirectory()
    {
        ShmTestDirectory.deleteRecursively(directory);
    }

    @Test
    void shouldBeHealthyWhenTheTransportListensOnALiveDriver() throws Exception
    {
        final ActorSystem system = ActorSystem.create("healthy", EmbeddedNodes.config(directory, 0));
        try
        {
            final Supplier<CompletionStage<Boolean>> check = loadByClassName(system);
            assertEquals(ShmNodeState.ATTACHED, ShmRemote.get(system).state());
            assertTrue(healthOf(check), "a listening node on its embedded driver is healthy");
        }
        finally
        {
            TestKit.shutdownActorSystem(system);
        }
    }

    @Test
    void shouldBeUnhealthyWhenTheActorSystemHasTerminated() throws Exception
    {
        final ActorSystem system = ActorSystem.create("terminated", EmbeddedNodes.config(directory, 0));
        final Supplier<CompletionStage<Boolean>> check = loadByClassName(system);
        assertTrue(healthOf(check));

        TestKit.shutdownActorSystem(system);

        assertEquals(ShmNodeState.STOPPED, ShmRemote.get(system).state());
        assertFalse(healthOf(check), "a terminated system's node is not healthy");
    }

    @Test
    void shouldBeUnhealthyWhenTheShmTransportIsNotEnabled() throws Exception
    {
        final ActorSystem system = ActorSystem.create("local", ConfigFactory.parseString(
            "pekko.actor.provider = local").withFallback(ConfigFactory.load()));
        try
        {
            final Supplier<CompletionStage<Boolean>> check = loadByClassName(system);
            assertEquals(ShmNodeState.NOT_LISTENING, ShmRemote.get(system).state());
            assertFalse(healthOf(check), "no pekko.shm transport runs in a local actor system");
        }
        finally
        {
            TestKit.shutdownActorSystem(system);
        }
    }

    @Test
    void shouldBeUnhealthyWhenTheMediaDriverIsGone() throws Exception
    {
        try (ChildJvm driver = ChildJvm.start(StandaloneDriver.class, "--directory", directory.toString(),
            "--idle-timeout-ms", "0"))
        {
            Await.until(TIMEOUT, () -> driver.output().contains("pekko-shm driver: started") || !driver.isAlive(),
                () -> "the standalone driver to start; output so far:\n" + driver.output());
            assertTrue(driver.isAlive(), () -> "the standalone driver exited at start:\n" + driver.output());
            final ActorSystem system = ActorSystem.create("external", ConfigFactory.parseString(
                "pekko.remote.shm.driver.mode = external").withFallback(EmbeddedNodes.config(directory, 0)));
            try
            {
                final Supplier<CompletionStage<Boolean>> check = loadByClassName(system);
                assertTrue(healthOf(check), "attached to the standalone driver pid " + driver.pid());

                driver.kill();

                assertFalse(healthOf(check), "the driver's process is gone: unhealthy at once");
                Await.until(TIMEOUT, () -> ShmNodeState.DETACHED == ShmRemote.get(system).state(),
                    () -> "the node to detach from its killed driver; state " + ShmRemote.get(system).state());
                assertFalse(healthOf(check), "an external driver that is gone stays gone: still unhealthy");
            }
            finally
            {
                TestKit.shutdownActorSystem(system);
            }
            driver.deleteLog();
        }
    }

    /** What pekko-management does with a configured class name: the constructor taking the actor system. */
    @SuppressWarnings("unchecked")
    private static Supplier<CompletionStage<Boolean>> loadByClassName(final ActorSystem system) throws Exception
    {
        final Class<?> type = Class.forName("io.pekkoshm.remote.ShmHealthCheck");
        return (Supplier<CompletionStage<Boolean>>)type.getConstructor(ActorSystem.class).newInstance(system);
    }

    private static boolean healthOf(final Supplier<CompletionStage<Boolean>> check) throws Exception
    {
        return check.get().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
