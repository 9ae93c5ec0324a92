package io.pekkoshm.remote.pekko.internal;

/**
 * The actor-ref providers that send ordinary messages on the direct path ({@code io.pekkoshm.remote.ShmRemoteProvider},
 * {@code io.pekkoshm.remote.ShmClusterProvider}). The transport tells its peers in the handshake that this node decodes
 * DIRECT frames when its actor system runs one of them.
 */
public interface DirectPathProvider
{
    /**
     * Internal, not for applications: what the provider shares with the other direct-path provider.
     *
     * @return the provider's direct refs and direct path.
     */
    DirectRefs directRefs();
}
