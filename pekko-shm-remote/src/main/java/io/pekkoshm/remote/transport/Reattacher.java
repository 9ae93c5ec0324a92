package io.pekkoshm.remote.transport;

import io.aeron.Aeron;
import io.aeron.Subscription;

/** Attaches a node to a media driver again after it lost its own (implemented by {@link ShmNode}). */
interface Reattacher
{
    /**
     * A fresh driver connection's client, the node's subscription on it, the driver's pid (0: this JVM), and the
     * node's UDP subscription on it (null when the node reaches only this host).
     */
    record Attachment(Aeron aeron, Subscription subscription, long driverPid, Subscription udpSubscription)
    {
        /** An attachment of a node that reaches only this host. */
        Attachment(final Aeron aeron, final Subscription subscription, final long driverPid)
        {
            this(aeron, subscription, driverPid, null);
        }
    }

    /**
     * Finds or starts a driver as {@code driver.mode} says and subscribes the node again. Called on the node agent's
     * thread.
     *
     * @throws Exception if no driver can be had now (the agent tries again later).
     */
    Attachment reattach() throws Exception;
}
