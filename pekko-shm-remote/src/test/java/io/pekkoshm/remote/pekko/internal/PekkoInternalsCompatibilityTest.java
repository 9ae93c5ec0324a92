package io.pekkoshm.remote.pekko.internal;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Terminated;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fails loudly when the Pekko on the class path is not the one {@link PekkoInternals} was written against, or no longer
 * has the internals it uses, in the shapes it uses them.
 */
class PekkoInternalsCompatibilityTest
{
    private static final String TOPIC = "org.apache.pekko.event.AddressTerminatedTopic";
    private static final String ADDRESS_TERMINATED = "org.apache.pekko.actor.AddressTerminated";

    private static String changed(final String what)
    {
        return "Pekko " + org.apache.pekko.Version.current() + " changed an internal that pekko-shm-remote uses: " + what +
            ". Update io.pekkoshm.remote.pekko.internal.PekkoInternals (and its WRITTEN_AGAINST) for this Pekko.";
    }

    private static Class<?> pekkoClass(final String name)
    {
        try
        {
            return Class.forName(name);
        }
        catch (final ClassNotFoundException ex)
        {
            return fail(changed("class " + name + " no longer exists"));
        }
    }

    private static Method method(final Class<?> owner, final String name, final Class<?>... parameters)
    {
        try
        {
            return owner.getMethod(name, parameters);
        }
        catch (final NoSuchMethodException ex)
        {
            return fail(changed(owner.getName() + "." + name + java.util.Arrays.toString(parameters) + " no longer exists"));
        }
    }

    @Test
    void shouldRunOnThePekkoMinorVersionTheInternalsWereWrittenAgainst()
    {
        final String running = org.apache.pekko.Version.current();
        assertEquals(running, PekkoInternals.runningVersion());
        assertTrue(PekkoInternals.isCompatibleVersion(running),
            "The class path has Pekko " + running + ", but io.pekkoshm.remote.pekko.internal.PekkoInternals was " +
            "written against Pekko " + PekkoInternals.WRITTEN_AGAINST + ".x. Check every internal it uses against " +
            "Pekko " + running + " (see this test), then update PekkoInternals.WRITTEN_AGAINST.");
        assertNull(PekkoInternals.checkVersion());
    }

    @Test
    void shouldMatchOnlyTheSameMinorVersion()
    {
        final String minor = PekkoInternals.WRITTEN_AGAINST;
        assertTrue(PekkoInternals.isCompatibleVersion(minor));
        assertTrue(PekkoInternals.isCompatibleVersion(minor + ".0"));
        assertTrue(PekkoInternals.isCompatibleVersion(minor + ".12"));
        assertFalse(PekkoInternals.isCompatibleVersion(minor + "0.0"), "1.7 must not match 1.70");
        assertFalse(PekkoInternals.isCompatibleVersion("0." + minor));
        assertFalse(PekkoInternals.isCompatibleVersion("2.0.0"));
    }

    @Test
    void shouldFindAddressTerminatedTopicWithStaticGetAndPublish()
    {
        final Class<?> topic = pekkoClass(TOPIC);
        final Class<?> addressTerminated = pekkoClass(ADDRESS_TERMINATED);
        final Method get = method(topic, "get", ActorSystem.class);
        assertTrue(Modifier.isStatic(get.getModifiers()), changed(TOPIC + ".get(ActorSystem) is no longer static"));
        assertEquals(topic, get.getReturnType(), changed(TOPIC + ".get(ActorSystem) no longer returns the topic"));
        final Method publish = method(topic, "publish", addressTerminated);
        assertEquals(void.class, publish.getReturnType(), changed(TOPIC + ".publish(AddressTerminated) changed its result"));
    }

    @Test
    void shouldFindAddressTerminatedWithAnAddressConstructor()
    {
        final Class<?> addressTerminated = pekkoClass(ADDRESS_TERMINATED);
        final Constructor<?> constructor;
        try
        {
            constructor = addressTerminated.getConstructor(Address.class);
        }
        catch (final NoSuchMethodException ex)
        {
            fail(changed(ADDRESS_TERMINATED + " has no public constructor taking an Address"));
            return;
        }
        assertTrue(Modifier.isPublic(constructor.getModifiers()));
        final Method address = method(addressTerminated, "address");
        assertEquals(Address.class, address.getReturnType(), changed(ADDRESS_TERMINATED + ".address() changed its type"));
    }

    /**
     * What the plugin relies on: publishing AddressTerminated for an address makes every actor that watches an actor
     * of that address (and is subscribed, as Pekko subscribes watchers of remote actors) get Terminated.
     */
    @Test
    @Timeout(30)
    void shouldTellWatchersTerminatedWhenAddressTerminatedIsPublished()
    {
        final ActorSystem system = ActorSystem.create("internals", ConfigFactory.parseString(
            "pekko.loglevel = WARNING").withFallback(ConfigFactory.defaultReference()));
        try
        {
            final TestKit watcher = new TestKit(system);
            final ActorRef watched = new TestKit(system).getRef();
            watcher.watch(watched);
            org.apache.pekko.event.AddressTerminatedTopic.get(system).subscribe(watcher.getRef());
            PekkoInternals.publishAddressTerminated(system, watched.path().address());
            final Terminated terminated = watcher.expectTerminated(Duration.ofSeconds(10), watched);
            assertTrue(terminated.getAddressTerminated(),
                changed("Terminated after AddressTerminated no longer says addressTerminated"));
        }
        finally
        {
            TestKit.shutdownActorSystem(system);
        }
    }
}
