package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.blob.BlobStoreException;
import org.apache.pekko.actor.Address;

/**
 * The {@link Link} of an established {@link Association}: writes go on the caller's thread into the association's
 * {@link Outbox}; ending it and registering the reader are handed to the node agent through its {@link NodeProxy}.
 */
final class AssociationLink implements Link
{
    private final Association association;
    private final NodeProxy proxy;
    private final DirectRoutes routes;
    private final WriteFailures failures;

    AssociationLink(
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
    public boolean write(final byte[] bytes, final int length, final boolean carriesMessage)
    {
        final Outbox outbox = association.outbox();
        if (!outbox.isBlob(length) && length > outbox.maxBodyLength())
        {
            failures.onOversizedWrite(association, length);
            return true;
        }
        final DirectRoute route = association.directRoute();
        if (null != route && carriesMessage)
        {
            routes.promote(route); // the direct path writes where classic does, in one ordered stream
        }
        try
        {
            return outbox.write(bytes, 0, length);
        }
        catch (final BlobStoreException ex)
        {
            failures.onBlobFailure(association, length, ex);
            return true;
        }
    }

    @Override
    public boolean hasDirectRoute()
    {
        return null != association.directRoute();
    }

    @Override
    public void disassociate(final String reason)
    {
        proxy.disassociate(association, reason);
    }

    @Override
    public void reader(final LinkReader reader)
    {
        proxy.reader(association, reader);
    }

    @Override
    public String toString()
    {
        return "Link(" + association + ")";
    }
}
