package io.pekkoshm.remote.transport;

import org.apache.pekko.actor.Address;
import org.apache.pekko.remote.transport.AssociationHandle;
import org.apache.pekko.util.ByteString;
import scala.concurrent.Promise;
import scala.concurrent.Promise$;

/**
 * Classic remoting's view of an {@link Association}. {@link #write} runs on the caller's thread and goes straight
 * into the peer's log buffer through the association's {@link Outbox}; {@link #disassociate()} is handed to the
 * node agent.
 */
@SuppressWarnings("deprecation")
final class ShmAssociationHandle implements AssociationHandle
{
    private final Association association;
    private final NodeAgent agent;
    private final Promise<HandleEventListener> readHandlerPromise = Promise$.MODULE$.apply();

    ShmAssociationHandle(final Association association, final NodeAgent agent)
    {
        this.association = association;
        this.agent = agent;
    }

    @Override
    public Address localAddress()
    {
        return association.localAddress;
    }

    @Override
    public Address remoteAddress()
    {
        return association.remoteAddress;
    }

    @Override
    public Promise<HandleEventListener> readHandlerPromise()
    {
        return readHandlerPromise;
    }

    /**
     * @return true when the payload was taken (written into the peer's log, or staged in order behind earlier
     * writes); false only when the log and the staging buffer are full, or the association has ended.
     */
    @Override
    public boolean write(final ByteString payload)
    {
        final int length = payload.length();
        if (length > association.outbox.maxPayloadLength())
        {
            agent.onOversizedWrite(association, length);
            return true;
        }
        final byte[] bytes = payload.toArrayUnsafe();
        return association.outbox.write(bytes, 0, length);
    }

    @Override
    public void disassociate()
    {
        agent.disassociate(association, "disassociated by classic remoting");
    }

    @Override
    public String toString()
    {
        return "ShmAssociationHandle(" + association + ")";
    }
}
