package io.pekkoshm.remote.transport;

/** Told, on the node agent's thread, of each association a peer established with this node. Must not block. */
interface NodeListener
{
    void onInboundLink(Link link);
}
