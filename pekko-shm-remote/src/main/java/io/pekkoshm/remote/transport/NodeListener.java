package io.pekkoshm.remote.transport;

/** Told, on the node agent's thread, of each association a peer established with this node. Must not block. */
@FunctionalInterface
public interface NodeListener
{
    /**
     * A peer established an association with this node.
     *
     * @param link the association's link; register its reader to get what arrives.
     */
    void onInboundLink(Link link);
}
