package io.pekkoshm.remote.pekko.internal;

/**
 * Marks the actor-ref providers that send ordinary messages on the direct path ({@link ShmRemoteActorRefProvider},
 * {@link ShmClusterActorRefProvider}). The transport tells its peers in the handshake that this node decodes DIRECT
 * frames when its actor system runs one of them.
 */
public interface DirectPathProvider
{
}
