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
        return "Pekko " + org.apache.pekko.Version.current() + " changed an internal that pekko-shm-remote uses: " +
            what +
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

    /** A method the plugin's provider overrides: declared by the class itself. */
    private static void declared(final Class<?> owner, final String name, final Class<?>... parameters)
    {
        try
        {
            owner.getDeclaredMethod(name, parameters);
        }
        catch (final NoSuchMethodException ex)
        {
            fail(owner.getName() + " no longer overrides " + name + java.util.Arrays.toString(parameters));
        }
    }

    /**
     * Classic sends failure-detector heartbeats ahead of its queue ({@code PriorityMessage}); the direct path never
     * holds them behind other messages, which it recognises by the same marker.
     */
    @Test
    void shouldRecogniseTheHeartbeatsOfRemoteWatchAndClusterAsPriorityMessages()
    {
        for (final String heartbeat : java.util.List.of("org.apache.pekko.remote.RemoteWatcher$Heartbeat$",
            "org.apache.pekko.remote.RemoteWatcher$HeartbeatRsp",
            "org.apache.pekko.cluster.ClusterHeartbeatSender$Heartbeat",
            "org.apache.pekko.cluster.ClusterHeartbeatSender$HeartbeatRsp"))
        {
            assertTrue(org.apache.pekko.remote.PriorityMessage.class.isAssignableFrom(pekkoClass(heartbeat)),
                changed(heartbeat + " is no longer a PriorityMessage"));
        }
        final Object heartbeat = org.apache.pekko.remote.RemoteWatcher.Heartbeat$.MODULE$;
        assertTrue(DirectRemoteActorRef.isPriority(heartbeat));
        assertTrue(DirectRemoteActorRef.isPriority(new org.apache.pekko.actor.ActorSelectionMessage(heartbeat,
            scala.collection.immutable.Vector$.MODULE$.empty(), false)));
        assertFalse(DirectRemoteActorRef.isPriority("an ordinary message"));
    }

    private static Method method(final Class<?> owner, final String name, final Class<?>... parameters)
    {
        try
        {
            return owner.getMethod(name, parameters);
        }
        catch (final NoSuchMethodException ex)
        {
            return fail(changed(owner.getName() + "." + name + java.util.Arrays.toString(parameters) +
                " no longer exists"));
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
        assertEquals(void.class, publish.getReturnType(),
            changed(TOPIC + ".publish(AddressTerminated) changed its result"));
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
        assertEquals(Address.class, address.getReturnType(),
            changed(ADDRESS_TERMINATED + ".address() changed its type"));
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

    /**
     * The direct-path providers turn every remote ref Pekko's provider makes into a direct ref by overriding the
     * methods that make them. A Pekko that adds another such method would hand out classic refs unnoticed.
     */
    @Test
    void shouldOverrideEveryProviderMethodThatMakesRemoteRefs()
    {
        final java.util.Set<String> makers = new java.util.TreeSet<>();
        for (final Method m : org.apache.pekko.remote.RemoteActorRefProvider.class.getDeclaredMethods())
        {
            if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic() && !m.isBridge() &&
                ActorRef.class.isAssignableFrom(m.getReturnType()))
            {
                makers.add(m.getName() + java.util.Arrays.toString(m.getParameterTypes()));
            }
        }
        assertEquals(java.util.Set.of(
            "actorOf[class org.apache.pekko.actor.ActorSystemImpl, class org.apache.pekko.actor.Props, " +
                "class org.apache.pekko.actor.InternalActorRef, interface org.apache.pekko.actor.ActorPath, boolean, " +
                "class scala.Option, boolean, boolean]",
            "createRemoteDeploymentWatcher[class org.apache.pekko.actor.ActorSystemImpl]",
            "createRemoteWatcher[class org.apache.pekko.actor.ActorSystemImpl]",
            "deadLetters[]", "guardian[]", "ignoreRef[]", "internalResolveActorRef[class java.lang.String]",
            "remoteDaemon[]", "resolveActorRef[class java.lang.String]",
            "resolveActorRef[interface org.apache.pekko.actor.ActorPath]",
            "resolveActorRefWithLocalAddress[class java.lang.String, class org.apache.pekko.actor.Address]",
            "rootGuardian[]", "rootGuardianAt[class org.apache.pekko.actor.Address]", "systemGuardian[]",
            "tempContainer[]"), makers,
            changed("RemoteActorRefProvider's methods returning refs are not the ones ShmRemoteProvider and " +
                "ShmClusterProvider were written for (rootGuardianAt, resolveActorRef(ActorPath), " +
                "internalResolveActorRef, resolveActorRefWithLocalAddress wrap; actorOf wraps remote-deployed " +
                "children)"));
        for (final Class<?> provider :
            java.util.List.of(io.pekkoshm.remote.ShmRemoteProvider.class, io.pekkoshm.remote.ShmClusterProvider.class))
        {
            declared(provider, "rootGuardianAt", Address.class);
            declared(provider, "actorOf", org.apache.pekko.actor.ActorSystemImpl.class,
                org.apache.pekko.actor.Props.class,
                org.apache.pekko.actor.InternalActorRef.class, org.apache.pekko.actor.ActorPath.class, boolean.class,
                scala.Option.class, boolean.class, boolean.class);
            declared(provider, "internalResolveActorRef", String.class);
            declared(provider, "resolveActorRef", org.apache.pekko.actor.ActorPath.class);
            declared(provider, "resolveActorRefWithLocalAddress", String.class, Address.class);
        }
    }

    /** The direct path repeats the delivery rules of this class of Pekko's (untrusted mode, selections, daemon). */
    @Test
    void shouldStillHaveTheClassicDispatcherWhoseRulesTheDirectPathFollows()
    {
        final Class<?> dispatcher = pekkoClass("org.apache.pekko.remote.DefaultMessageDispatcher");
        method(dispatcher, "dispatch", org.apache.pekko.actor.InternalActorRef.class, Address.class,
            pekkoClass("org.apache.pekko.remote.WireFormats$SerializedMessage"), ActorRef.class);
    }

    /**
     * Pekko turns on remote watch and deployment, and the typed Receptionist is the cluster one, only when the
     * settings say "cluster", which Pekko derives from the provider's class name; the direct cluster provider
     * declares its actor system's settings a cluster system.
     */
    @Test
    @Timeout(60)
    void shouldRunPekkoClusterOnTheDirectClusterProvider()
    {
        final java.nio.file.Path directory = io.pekkoshm.remote.support.ShmTestDirectory.newPath("cluster-provider");
        final ActorSystem system = ActorSystem.create("cluster", ConfigFactory.parseString(
            "pekko.actor.provider = \"io.pekkoshm.remote.ShmClusterProvider\"\n" +
            "pekko.cluster.jmx.enabled = off\n").withFallback(io.pekkoshm.remote.support.EmbeddedNodes.config(directory,
                0)));
        try
        {
            final org.apache.pekko.actor.ExtendedActorSystem extended =
                (org.apache.pekko.actor.ExtendedActorSystem)system;
            final org.apache.pekko.remote.RemoteActorRefProvider provider =
                (org.apache.pekko.remote.RemoteActorRefProvider)extended.provider();
            assertTrue(provider.settings().HasCluster(), changed("HasCluster for a cluster provider subclass"));
            // the typed Receptionist decides cluster or node-local from the actor system's own settings
            assertTrue(system.settings().HasCluster(), changed("the actor system's HasCluster"));
            assertTrue(system.settings().ProviderSelectionType().hasCluster(),
                changed("the actor system's ProviderSelectionType.hasCluster, which ReceptionistImpl reads"));
            assertEquals("io.pekkoshm.remote.ShmClusterProvider",
                system.settings().ProviderClass());
            final ActorRef receptionist = org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(
                org.apache.pekko.actor.typed.receptionist.Receptionist.get(
                    org.apache.pekko.actor.typed.javadsl.Adapter.toTyped(system)).ref());
            assertEquals("clusterReceptionist", receptionist.path().name(),
                "the typed Receptionist must be the cluster one, not node-local: " + receptionist.path());
            assertTrue(provider.hasClusterOrUseUnsafe(),
                changed("hasClusterOrUseUnsafe for a cluster provider subclass"));
            final org.apache.pekko.cluster.Cluster cluster = org.apache.pekko.cluster.Cluster.get(system);
            assertEquals("pekko.tcp", cluster.selfAddress().protocol());
            final TestKit probe = new TestKit(system);
            cluster.subscribe(probe.getRef(), org.apache.pekko.cluster.ClusterEvent.MemberUp.class);
            cluster.join(cluster.selfAddress());
            probe.fishForMessage(Duration.ofSeconds(30), "member up",
                m -> m instanceof org.apache.pekko.cluster.ClusterEvent.MemberUp);
        }
        finally
        {
            TestKit.shutdownActorSystem(system);
        }
        assertFalse(java.nio.file.Files.exists(directory),
            io.pekkoshm.remote.support.ShmTestDirectory.describe(directory));
    }
}
