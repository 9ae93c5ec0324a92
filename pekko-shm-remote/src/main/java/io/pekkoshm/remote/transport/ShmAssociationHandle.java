package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.blob.BlobStoreException;
import org.apache.pekko.actor.Address;
import org.apache.pekko.remote.transport.AssociationHandle;
import org.apache.pekko.util.ByteString;
import scala.concurrent.Promise;
import scala.concurrent.Promise$;

/**
 * Classic remoting's view of an {@link Association}. {@link #write} runs on the caller's thread and goes straight
 * into the peer's log buffer through the association's {@link Outbox}; {@link #disassociate()} is handed to the
 * node agent through its {@link NodeProxy}.
 */
@SuppressWarnings("deprecation")
final class ShmAssociationHandle implements AssociationHandle
{
    private final Association association;
    private final NodeProxy proxy;
    private final DirectRoutes routes;
    private final WriteFailures failures;
    private final Promise<HandleEventListener> readHandlerPromise = Promise$.MODULE$.apply();

    ShmAssociationHandle(
        final Association association,
        final NodeProxy proxy,
        final DirectRoutes routes,
        final WriteFailures failures)
    {
        this.association = association;
        this.proxy = proxy;
        this.routes = routes;
        this.failures = failures;
    }

    @Override
    public Address localAddress()
    {
        return association.localAddress();
    }

    @Override
    public Address remoteAddress()
    {
        return association.remoteAddress();
    }

    @Override
    public Promise<HandleEventListener> readHandlerPromise()
    {
        return readHandlerPromise;
    }

    /**
     * @return true when the payload was taken (written into the peer's log, or staged in order behind earlier
     * writes, or placed in the blob store); false only when the log and the staging buffer (or the blob store's
     * cap) are full, or the association has ended. A payload the blob store can never place (e.g. /dev/shm full)
     * is dropped, counted and logged, and the association goes on.
     */
    @Override
    public boolean write(final ByteString payload)
    {
        final int length = payload.length();
        if (length > association.outbox().maxPayloadLength() && !association.outbox().isBlob(length))
        {
            failures.onOversizedWrite(association, length);
            return true;
        }
        final byte[] bytes = payload.toArrayUnsafe();
        final DirectRoute route = association.directRoute();
        if (null != route && ClassicPdu.carriesEnvelope(bytes, length))
        {
            routes.promote(route); // the direct path writes where classic does, in one ordered stream
        }
        try
        {
            return association.outbox().write(bytes, 0, length);
        }
        catch (final BlobStoreException ex)
        {
            failures.onBlobFailure(association, length, ex);
            return true;
        }
    }

    @Override
    public void disassociate()
    {
        proxy.disassociate(association, "disassociated by classic remoting");
    }

    @Override
    public String toString()
    {
        return "ShmAssociationHandle(" + association + ")";
    }
}
