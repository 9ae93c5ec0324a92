package io.pekkoshm.remote.pekko.internal;

import io.pekkoshm.remote.direct.DirectLink;
import io.pekkoshm.remote.direct.DirectPath;
import io.pekkoshm.remote.direct.DirectRef;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSelectionMessage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.InternalActorRef;
import org.apache.pekko.actor.InvalidMessageException;
import org.apache.pekko.actor.Nobody$;
import org.apache.pekko.dispatch.sysmsg.SystemMessage;
import org.apache.pekko.remote.PriorityMessage;
import org.apache.pekko.remote.RemoteActorRef;
import org.apache.pekko.remote.RemoteTransport;
import scala.Option;
import scala.collection.Iterator;
import scala.collection.immutable.Set;
import scala.util.control.NonFatal;

/**
 * Pekko's remote ref ({@code RemoteActorRef}, written against Pekko 1.7) whose ordinary messages take the direct
 * path. System messages ({@code sendSystemMessage}: watch, unwatch, death notifications, supervision) go through
 * the inherited classic one, ordered behind the ordinary messages to the same node by the node's
 * {@link DirectLink}; so does whatever the direct path sends classic. Everything else about it (equality, path,
 * serialization, remote watch interception) is Pekko's. A ref to a child deployed on another node keeps Pekko's
 * ref for {@link #start()}, which sends the deployment.
 */
final class DirectRemoteActorRef extends RemoteActorRef implements DirectRef
{
    private final DirectPath direct;
    private final RemoteTransport transport;
    /** Pekko's ref of a remote-deployed child (it deploys it on {@link #start()}); null for any other. */
    private final RemoteActorRef deployed;
    /**
     * Whether this is a node's direct-path actor: the answers to ordering barriers go to it, and are never held behind
     * a barrier of their own (two nodes' first barriers would wait for each other).
     */
    private final boolean barrierActor;
    private volatile DirectLink link;

    DirectRemoteActorRef(final DirectPath direct, final RemoteTransport transport, final Address localAddressToUse,
        final ActorPath path, final InternalActorRef parent, final Set<String> acceptProtocolNames)
    {
        this(direct, transport, localAddressToUse, path, parent, acceptProtocolNames, null);
    }

    DirectRemoteActorRef(final DirectPath direct, final RemoteTransport transport, final Address localAddressToUse,
        final ActorPath path, final InternalActorRef parent, final Set<String> acceptProtocolNames,
        final RemoteActorRef deployed)
    {
        super(transport, localAddressToUse, path, parent, Option.empty(), Option.empty(), acceptProtocolNames);
        this.direct = direct;
        this.transport = transport;
        this.deployed = deployed;
        this.barrierActor = DirectPath.ACTOR_NAME.equals(path.name()) && "system".equals(path.parent().name()) &&
            path.parent().parent() == path.root();
    }

    @Override
    public void $bang(final Object message, final ActorRef sender)
    {
        if (null == message)
        {
            throw new InvalidMessageException("Message is null");
        }
        try
        {
            direct.send(this, message, sender, barrierActor || isPriority(message));
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
        }
    }

    @Override
    public void sendSystemMessage(final SystemMessage message)
    {
        direct.sendSystem(this, () -> super.sendSystemMessage(message));
    }

    @Override
    public void start()
    {
        if (null != deployed)
        {
            deployed.start();
        }
    }

    /**
     * Heartbeats of Pekko's failure detectors (remote watch, cluster), which classic remoting sends ahead of its
     * queue, alone or inside an actor selection.
     */
    static boolean isPriority(final Object message)
    {
        return message instanceof PriorityMessage ||
            (message instanceof ActorSelectionMessage &&
                ((ActorSelectionMessage)message).msg() instanceof PriorityMessage);
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
