package io.pekkoshm.remote.pekko.internal;

import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressTerminated;
import org.apache.pekko.event.AddressTerminatedTopic;

/**
 * Everything this plugin uses of Pekko that is not public API ({@code private[pekko]} in Scala), in one place,
 * written against Pekko {@value #WRITTEN_AGAINST}. {@code PekkoInternalsCompatibilityTest} fails loudly when the Pekko
 * on the classpath is another minor version or lacks what is used here; at run time {@link #checkVersion} logs it.
 * <p>
 * Used here: {@code org.apache.pekko.event.AddressTerminatedTopic} and {@code org.apache.pekko.actor.AddressTerminated}:
 * publishing on that topic is what Pekko's own RemoteWatcher does when it gives up on a node, and what makes
 * {@code DeathWatch} deliver {@code Terminated} for every watched actor of that node.
 * <p>
 * Used by the direct path, in this package too: {@link ShmRemoteActorRefProvider} and
 * {@link ShmClusterActorRefProvider} subclass Pekko's {@code RemoteActorRefProvider} and {@code ClusterActorRefProvider}
 * and override the methods that make remote refs; {@link DirectRemoteActorRef} subclasses {@code RemoteActorRef};
 * {@code DirectRefs} repeats the delivery rules of {@code DefaultMessageDispatcher} and uses
 * {@code ActorSelection.deliverSelection}, {@code Serialization.currentTransportInformation}, {@code LocalRef},
 * {@code RepointableRef}, {@code RemoteRef}, {@code InternalActorRef}; the cluster provider rebuilds
 * {@code ActorSystem.Settings} so that Pekko's {@code HasCluster} holds.
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
