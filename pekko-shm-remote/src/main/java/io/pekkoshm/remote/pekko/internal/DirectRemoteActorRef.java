package io.pekkoshm.remote.pekko.internal;

import io.pekkoshm.remote.direct.DirectLink;
import io.pekkoshm.remote.direct.DirectPath;
import io.pekkoshm.remote.direct.DirectRef;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.InternalActorRef;
import org.apache.pekko.actor.InvalidMessageException;
import org.apache.pekko.actor.Nobody$;
import org.apache.pekko.remote.RemoteActorRef;
import org.apache.pekko.remote.RemoteTransport;
import scala.Option;
import scala.collection.Iterator;
import scala.collection.immutable.Set;
import scala.util.control.NonFatal;

/**
 * Pekko's remote ref ({@code RemoteActorRef}, written against Pekko 1.7) whose ordinary messages take the direct
 * path. System messages ({@code sendSystemMessage}: watch, unwatch, death notifications, supervision) and whatever
 * the direct path hands back go through the inherited classic {@code !}. Everything else about it (equality, path,
 * serialization, remote watch interception) is Pekko's.
 */
final class DirectRemoteActorRef extends RemoteActorRef implements DirectRef
{
    private final DirectPath direct;
    private final RemoteTransport transport;
    private volatile DirectLink link;

    DirectRemoteActorRef(final DirectPath direct, final RemoteTransport transport, final Address localAddressToUse,
        final ActorPath path, final InternalActorRef parent, final Set<String> acceptProtocolNames)
    {
        super(transport, localAddressToUse, path, parent, Option.empty(), Option.empty(), acceptProtocolNames);
        this.direct = direct;
        this.transport = transport;
    }

    @Override
    public void $bang(final Object message, final ActorRef sender)
    {
        if (null == message)
        {
            throw new InvalidMessageException("Message is null");
        }
        final boolean sent;
        try
        {
            sent = direct.send(this, message, sender);
        }
        catch (final Throwable ex)
        {
            if (!NonFatal.apply(ex))
            {
                throw ex;
            }
            // as Pekko's RemoteActorRef does with a failed send: say so, and the message goes to dead letters
            provider().log().error(ex, "swallowing exception during direct-path send to {}", path());
            transport.system().deadLetters().tell(message, sender);
            return;
        }
        if (!sent)
        {
            super.$bang(message, sender);
        }
    }

    /** A child path of a direct ref is a direct ref too (actorSelection and remote paths walk this way). */
    @Override
    public InternalActorRef getChild(final Iterator<String> name)
    {
        final InternalActorRef child = super.getChild(name);
        return child instanceof RemoteActorRef && !(child instanceof DirectRemoteActorRef) && child != Nobody$.MODULE$ ?
            new DirectRemoteActorRef(direct, transport, localAddressToUse(), child.path(), Nobody$.MODULE$,
                acceptProtocolNames()) : child;
    }

    @Override
    public ActorRef actorRef()
    {
        return this;
    }

    @Override
    public DirectLink cachedLink()
    {
        return link;
    }

    @Override
    public void cacheLink(final DirectLink link)
    {
        this.link = link;
    }

    @Override
    public void sendClassic(final Object message, final ActorRef sender)
    {
        super.$bang(message, sender);
    }
}
