package io.pekkoshm.remote.transport;

import io.aeron.Aeron;
import io.aeron.Subscription;

/** Attaches a node to a media driver again after it lost its own (implemented by {@link ShmNode}). */
interface Reattacher
{
    /** A fresh driver connection's client, the node's subscription on it, and the driver's pid (0: this JVM). */
    record Attachment(Aeron aeron, Subscription subscription, long driverPid)
    {
    }

    /**
     * Finds or starts a driver as {@code driver.mode} says and subscribes the node again. Called on the node agent's
     * thread.
     *
     * @throws Exception if no driver can be had now (the agent tries again later).
     */
    Attachment reattach() throws Exception;
}
