package io.pekkoshm.remote.pekko.internal;

import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressTerminated;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.event.AddressTerminatedTopic;
import org.apache.pekko.remote.RemoteActorRefProvider;
import scala.Option;

/**
 * Everything this plugin uses of Pekko that is not public API ({@code private[pekko]} in Scala), in one place,
 * written against Pekko {@value #WRITTEN_AGAINST}. {@code PekkoInternalsCompatibilityTest} fails loudly when the Pekko
 * on the classpath is another minor version or lacks what is used here; at run time {@link #checkVersion} logs it.
 * <p>
 * Used here: {@code org.apache.pekko.event.AddressTerminatedTopic} and
 * {@code org.apache.pekko.actor.AddressTerminated}: publishing on that topic is what Pekko's own RemoteWatcher does
 * when it gives up on a node, and what makes {@code DeathWatch} deliver {@code Terminated} for every watched actor of
 * that node; {@code RemoteActorRefProvider}'s {@code quarantine} ({@link #quarantine}).
 * <p>
 * Used by the direct path, in this package too: {@code io.pekkoshm.remote.ShmRemoteProvider} and
 * {@code io.pekkoshm.remote.ShmClusterProvider} subclass Pekko's {@code RemoteActorRefProvider} and
 * {@code ClusterActorRefProvider} and override the methods that make remote refs, each override one line into
 * {@link DirectRefs}; {@link DirectRemoteActorRef} subclasses {@code RemoteActorRef};
 * {@code DirectRefs} repeats the delivery rules of {@code DefaultMessageDispatcher} and uses
 * {@code ActorSelection.deliverSelection}, {@code Serialization.currentTransportInformation}, {@code LocalRef},
 * {@code RepointableRef}, {@code RemoteRef}, {@code InternalActorRef}; the cluster provider sets
 * {@code ActorSystem.Settings}' {@code ProviderSelectionType} and {@code HasCluster} ({@link #declareCluster}).
 */
public final class PekkoInternals
{
    /** The Pekko minor version this package was written and tested against. */
    public static final String WRITTEN_AGAINST = "1.7";

    private PekkoInternals()
    {
    }

    /**
     * Tells every watcher of an actor at {@code address} that the node is gone (they get {@code Terminated}).
     *
     * @param system  the watchers' actor system.
     * @param address the node that is gone, with its full protocol.
     */
    public static void publishAddressTerminated(final ActorSystem system, final Address address)
    {
        AddressTerminatedTopic.get(system).publish(new AddressTerminated(address));
    }

    /**
     * Whether the actor system's provider is Pekko's remote provider or a subclass of it (Pekko Cluster's is one).
     *
     * @param system the actor system.
     * @return true if its provider can quarantine (classic remoting runs).
     */
    public static boolean isRemoteProvider(final ExtendedActorSystem system)
    {
        return system.provider() instanceof RemoteActorRefProvider;
    }

    /**
     * Quarantines one incarnation of a node, as classic remoting's own watcher does when it gives up on it.
     *
     * @param system  an actor system whose provider {@link #isRemoteProvider is a remote provider}.
     * @param address the node, with its full protocol.
     * @param uid     the incarnation's uid.
     * @param reason  why, for Pekko's log.
     */
    public static void quarantine(final ExtendedActorSystem system, final Address address, final long uid,
        final String reason)
    {
        final Option<Object> someUid = Option.apply(uid);
        ((RemoteActorRefProvider)system.provider()).quarantine(address, someUid, reason);
    }

    /**
     * Makes an actor system's settings say "cluster" ({@code ProviderSelectionType} = {@code Cluster},
     * {@code HasCluster} = true) for a provider that is a {@code ClusterActorRefProvider} under another class name.
     * Pekko 1.7 derives both from the provider's name alone and treats every other name as {@code Custom} without
     * cluster, which would make the typed Receptionist node-local and turn off remote watch and deployment; it offers
     * no way to declare it (Custom's constructor is private, and its hasCluster is always false). Both are final
     * fields of the settings object set once in its constructor, read after the provider is made; this sets them
     * before Pekko's provider constructor runs. {@code ProviderClass} keeps the real class name.
     *
     * @param settings the actor system's own settings, as handed to the provider's constructor.
     * @return the same settings object, now saying "cluster".
     * @throws IllegalStateException if Pekko's settings no longer have these fields (another Pekko version).
     */
    public static ActorSystem.Settings declareCluster(final ActorSystem.Settings settings)
    {
        try
        {
            final java.lang.reflect.Field selection =
                ActorSystem.Settings.class.getDeclaredField("ProviderSelectionType");
            final java.lang.reflect.Field hasCluster = ActorSystem.Settings.class.getDeclaredField("HasCluster");
            selection.setAccessible(true);
            hasCluster.setAccessible(true);
            selection.set(settings, org.apache.pekko.actor.ProviderSelection.Cluster$.MODULE$);
            hasCluster.setBoolean(settings, true);
            return settings;
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            throw new IllegalStateException("pekko-shm-remote's cluster provider could not declare this actor system " +
                "a cluster system (ActorSystem.Settings.ProviderSelectionType/HasCluster of Pekko " +
                runningVersion() + "; written against " + WRITTEN_AGAINST + "): " + ex + ". Without it the typed " +
                "Receptionist would be node-local. Use a pekko-shm-remote release built for this Pekko.", ex);
        }
    }

    /** The Pekko version on the classpath. */
    static String runningVersion()
    {
        return org.apache.pekko.Version.current();
    }

    /** Whether a Pekko version is the minor version this package was written against. */
    static boolean isCompatibleVersion(final String version)
    {
        return version.equals(WRITTEN_AGAINST) || version.startsWith(WRITTEN_AGAINST + ".");
    }

    /**
     * Checks the Pekko on the classpath against {@link #WRITTEN_AGAINST}.
     *
     * @return null if compatible, else a message saying what differs and what to do.
     */
    public static String checkVersion()
    {
        final String running = runningVersion();
        return isCompatibleVersion(running) ? null :
            "pekko-shm-remote was written against Pekko " + WRITTEN_AGAINST + ".x and uses some of its internals " +
            "(io.pekkoshm.remote.pekko.internal); the classpath has Pekko " + running + ". Use a pekko-shm-remote " +
            "release built for Pekko " + running + ", or Pekko " + WRITTEN_AGAINST + ".x.";
    }
}
