package io.pekkoshm.benchmarks.pekko;

import io.pekkoshm.remote.ShmAssociationSnapshot;
import io.pekkoshm.remote.pekko.ShmRemote;
import org.apache.pekko.actor.ActorSystem;

import java.util.List;

/**
 * Which medium the plugin carries a node's associations over ({@code ipc} or {@code udp}), checked before a column's
 * workloads so that its figures are those of the medium it names. Loaded only in the plugin's JVMs.
 */
final class AssociationMedium
{
    private AssociationMedium()
    {
    }

    /**
     * Prints the medium of every open association of {@code system}'s node.
     *
     * @throws IllegalStateException if there is none, or one goes over another medium than {@code expected}.
     */
    static void require(final ActorSystem system, final String expected)
    {
        final List<ShmAssociationSnapshot> associations = ShmRemote.get(system).associations();
        for (final ShmAssociationSnapshot association : associations)
        {
            System.out.println("association to " + association.peerAddress() + " over " + association.medium());
        }
        if (associations.isEmpty() || associations.stream().anyMatch(a -> !expected.equals(a.medium())))
        {
            throw new IllegalStateException("expected every association over " + expected + ", got " +
                associations);
        }
    }
}
