package io.pekkoshm.remote.pekko.internal;

import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.direct.DirectPath;
import io.pekkoshm.remote.direct.DirectRef;
import io.pekkoshm.remote.direct.PekkoBridge;
import io.pekkoshm.remote.direct.QuarantinedPeers;
import io.pekkoshm.remote.transport.DirectRoutes;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSelection$;
import org.apache.pekko.actor.ActorSelectionMessage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.InternalActorRef;
import org.apache.pekko.actor.LocalRef;
import org.apache.pekko.actor.PossiblyHarmful;
import org.apache.pekko.actor.RepointableRef;
import org.apache.pekko.dispatch.sysmsg.SystemMessage;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.remote.RemoteActorRef;
import org.apache.pekko.remote.RemoteActorRefProvider;
import org.apache.pekko.remote.RemoteRef;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serialization$;


/**
 * What the two direct-path providers share, so that each of their overrides is one line: turning Pekko's remote refs
 * into {@link DirectRemoteActorRef}s once the direct path runs, and the {@link PekkoBridge} the direct path uses
 * (resolution, delivery under classic remoting's rules, classic's quarantines, transport information for
 * serialization). Written against Pekko 1.7, with {@link PekkoInternals}.
 * <p>
 * Internal, not for applications: public only because the providers live in the plugin's public package. One per
 * provider, made in its constructor; {@link #start} runs once on the thread that initialises the actor system, the
 * wrapping methods on any thread after.
 */
public final class DirectRefs implements PekkoBridge
{
    /**
     * Quarantined peer incarnations remembered at most (each is one node's start; the oldest go first). Entries also
     * go after {@code pekko.remote.classic.quarantine-duration}, as in classic remoting.
     */
    private static final int QUARANTINED_PEERS_CAPACITY = 4096;

    private final RemoteActorRefProvider provider;
    /** The node's settings and associations, handed over when the transport listens ({@link #transportListening}). */
    private volatile ShmSettings settings;
    private volatile DirectRoutes routes;
    private volatile DirectPath direct;
    private ExtendedActorSystem system;
    private LoggingAdapter log;
    private Address localAddress;
    private Serialization.Information transportInformation;
    private boolean untrusted;
    private QuarantinedPeers quarantinedPeers;

    /**
     * @param provider the direct-path provider this serves, still under construction.
     */
    public DirectRefs(final RemoteActorRefProvider provider)
    {
        this.provider = provider;
    }

    /**
     * The pekko.shm transport of this provider's actor system listens; called on the thread that starts it, during
     * the provider's own init, so before {@link #start}.
     *
     * @param settings the node's settings, as the transport parsed them (the one parse).
     * @param routes   the node's associations as the direct path sees them.
     */
    public void transportListening(final ShmSettings settings, final DirectRoutes routes)
    {
        this.settings = settings;
        this.routes = routes;
    }

    /**
     * Starts the direct path, after the provider's own init (the transport listens by then).
     *
     * @param system the provider's actor system.
     */
    @SuppressWarnings("deprecation")
    public void start(final ExtendedActorSystem system)
    {
        this.system = system;
        this.log = Logging.getLogger(system, DirectRefs.class);
        final DirectRoutes listening = routes;
        if (null == listening)
        {
            log.warning("pekko.actor.provider is {}, but the pekko.shm transport is not running in this actor system " +
                "(is \"pekko.remote.shm\" in pekko.remote.classic.enabled-transports?): the direct path is off and " +
                "remote messages go the classic way.", provider.getClass().getName());
            return;
        }
        this.localAddress = provider.getDefaultAddress();
        this.transportInformation = new Serialization.Information(localAddress, system);
        this.untrusted = provider.remoteSettings().UntrustedMode();
        this.quarantinedPeers = new QuarantinedPeers(provider.remoteSettings().QuarantineDuration().toNanos(),
            QUARANTINED_PEERS_CAPACITY, listening::mediumOf);
        QuarantineListener.start(system, quarantinedPeers);
        this.direct = DirectPath.start(system, settings, listening, this);
        log.info("pekko.shm direct path is on for {}", localAddress);
    }

    /** {@return the running direct path, or null while it is off} */
    public DirectPath directPath()
    {
        return direct;
    }

    /**
     * A remote ref as a direct ref, when the direct path runs and the ref is Pekko's plain remote ref.
     *
     * @param ref what Pekko's provider returned.
     * @return the direct ref, or {@code ref} itself.
     */
    public ActorRef wrap(final ActorRef ref)
    {
        final DirectPath current = direct;
        if (null == current || ref.getClass() != RemoteActorRef.class)
        {
            return ref;
        }
        final RemoteActorRef remote = (RemoteActorRef)ref;
        return new DirectRemoteActorRef(current, provider.transport(), remote.localAddressToUse(), remote.path(),
            remote.getParent(), remote.acceptProtocolNames());
    }

    /**
     * A child deployed on another node (what the provider's {@code actorOf} made) as a direct ref that deploys it
     * through Pekko's own ref, so the parent's messages to it keep their order with everybody else's direct ones.
     *
     * @param ref what Pekko's provider's {@code actorOf} returned.
     * @return the direct ref, or {@code ref} itself.
     */
    public InternalActorRef wrapDeployed(final InternalActorRef ref)
    {
        final DirectPath current = direct;
        if (null == current || ref.getClass() != RemoteActorRef.class)
        {
            return ref;
        }
        final RemoteActorRef remote = (RemoteActorRef)ref;
        return new DirectRemoteActorRef(current, provider.transport(), remote.localAddressToUse(), remote.path(),
            remote.getParent(), remote.acceptProtocolNames(), remote);
    }

    /**
     * {@link #wrap} for Pekko's methods that return an internal ref.
     *
     * @param ref what Pekko's provider returned.
     * @return the direct ref, or {@code ref} itself.
     */
    public InternalActorRef wrapInternal(final InternalActorRef ref)
    {
        return (InternalActorRef)wrap(ref);
    }

    // -------------------------------------------------------------------------------------------------------------
    // PekkoBridge
    // -------------------------------------------------------------------------------------------------------------

    @Override
    public ActorRef resolveRecipient(final String path)
    {
        return provider.resolveActorRefWithLocalAddress(path, localAddress);
    }

    @Override
    @SuppressWarnings("deprecation")
    public boolean isCacheable(final ActorRef recipient)
    {
        return (recipient instanceof LocalRef || recipient instanceof RepointableRef) &&
            ((InternalActorRef)recipient).isLocal() && !((InternalActorRef)recipient).isTerminated();
    }

    @Override
    public ActorRef resolveSender(final String path)
    {
        return provider.resolveActorRefWithLocalAddress(path, localAddress);
    }

    /**
     * The rules of classic remoting's DefaultMessageDispatcher (Pekko 1.7), for messages that came direct. As there, a
     * recipient that resolved to a remote actor is forwarded when the message was addressed to this node (the address
     * in the path as sent, not the resolved ref's: a child this node deployed on another node has a path of that node
     * but is reached through this node's path of its parent), and dropped with an error otherwise.
     */
    @Override
    @SuppressWarnings("deprecation")
    public void deliver(final ActorRef to, final Address recipientAddress, final Object message, final ActorRef from)
    {
        final InternalActorRef recipient = (InternalActorRef)to;
        final ActorRef sender = null == from ? system.deadLetters() : from;
        if (recipient == provider.remoteDaemon())
        {
            if (untrusted)
            {
                log.debug("dropping daemon message in untrusted mode");
            }
            else
            {
                recipient.tell(message, ActorRef.noSender());
            }
        }
        else if ((recipient instanceof LocalRef || recipient instanceof RepointableRef) && recipient.isLocal())
        {
            if (message instanceof ActorSelectionMessage)
            {
                final ActorSelectionMessage selection = (ActorSelectionMessage)message;
                final String elements = selection.elements().mkString("/", "/", "");
                if (untrusted && (!provider.remoteSettings().TrustedSelectionPaths().contains(elements) ||
                    selection.msg() instanceof PossiblyHarmful || recipient != provider.rootGuardian()))
                {
                    log.debug("operating in UntrustedMode, dropping inbound actor selection to [{}], allow it by " +
                        "adding the path to 'pekko.remote.trusted-selection-paths' configuration", elements);
                }
                else
                {
                    ActorSelection$.MODULE$.deliverSelection(recipient, sender, selection);
                }
            }
            else if (message instanceof PossiblyHarmful && untrusted)
            {
                log.debug("operating in UntrustedMode, dropping inbound PossiblyHarmful message of type [{}]",
                    message.getClass().getName());
            }
            else if (message instanceof SystemMessage)
            {
                recipient.sendSystemMessage((SystemMessage)message);
            }
            else
            {
                recipient.tell(message, sender);
            }
        }
        else if ((recipient instanceof RemoteRef || recipient instanceof RepointableRef) && !recipient.isLocal() &&
            !untrusted && null != recipientAddress && provider.transport().addresses().contains(recipientAddress))
        {
            recipient.tell(message, sender); // addressed to us, but remote-deployed from here
        }
        else
        {
            log.error("dropping message [{}] for non-local recipient [{}] arriving at [{}] inbound addresses are [{}]",
                message.getClass().getName(), recipient, recipientAddress,
                provider.transport().addresses().mkString(", "));
        }
    }

    @Override
    public QuarantinedPeers quarantinedPeers()
    {
        return quarantinedPeers;
    }

    @Override
    public Object beginSerialization()
    {
        final Serialization.Information previous = Serialization$.MODULE$.currentTransportInformation().value();
        Serialization$.MODULE$.currentTransportInformation().value_$eq(transportInformation);
        return previous;
    }

    @Override
    public void endSerialization(final Object previous)
    {
        Serialization$.MODULE$.currentTransportInformation().value_$eq((Serialization.Information)previous);
    }

    @Override
    public void sendClassic(final Address address, final String path, final Object message, final ActorRef sender)
    {
        final ActorRef ref = provider.resolveActorRef(path);
        if (ref instanceof DirectRef)
        {
            ((DirectRef)ref).sendClassic(message, sender);
        }
        else
        {
            ref.tell(message, sender);
        }
    }
}
