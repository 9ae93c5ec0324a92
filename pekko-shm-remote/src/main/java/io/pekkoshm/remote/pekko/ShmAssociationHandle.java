package io.pekkoshm.remote.pekko;

import io.pekkoshm.remote.transport.Link;
import io.pekkoshm.remote.transport.LinkReader;
import org.apache.pekko.actor.Address;
import org.apache.pekko.remote.transport.AssociationHandle;
import org.apache.pekko.util.ByteString;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Promise;
import scala.concurrent.Promise$;
import scala.runtime.BoxedUnit;

/**
 * Classic remoting's view of a {@link Link}: {@link #write} runs on the caller's thread and goes straight into the
 * peer's log buffer; what arrives is handed to classic's listener once it has registered one.
 */
@SuppressWarnings("deprecation")
final class ShmAssociationHandle implements AssociationHandle
{
    private final Link link;
    private final Promise<HandleEventListener> readHandlerPromise = Promise$.MODULE$.apply();

    ShmAssociationHandle(final Link link)
    {
        this.link = link;
        readHandlerPromise.future().onComplete(result ->
        {
            if (result.isSuccess())
            {
                final HandleEventListener listener = result.get();
                link.reader(new LinkReader()
                {
                    @Override
                    public void onPayload(final byte[] payload)
                    {
                        listener.notify(new InboundPayload(ByteString.fromArrayUnsafe(payload)));
                    }

                    @Override
                    public void onEnded()
                    {
                        listener.notify(new Disassociated(AssociationHandle.Unknown$.MODULE$));
                    }
                });
            }
            return BoxedUnit.UNIT;
        }, ExecutionContext.parasitic$.MODULE$);
    }

    @Override
    public Address localAddress()
    {
        return link.localAddress();
    }

    @Override
    public Address remoteAddress()
    {
        return link.remoteAddress();
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
        final byte[] bytes = payload.toArrayUnsafe();
        return link.write(bytes, length, link.hasDirectRoute() && ClassicPdu.carriesEnvelope(bytes, length));
    }

    @Override
    public void disassociate()
    {
        link.disassociate("disassociated by classic remoting");
    }

    @Override
    public String toString()
    {
        return "ShmAssociationHandle(" + link + ")";
    }
}
