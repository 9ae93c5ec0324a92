package io.pekkoshm.remote.direct;

import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.RootActorPath;
import org.apache.pekko.event.LoggingAdapter;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ordering barriers of the direct path ({@link DirectLink} says why they exist): each is an {@code Identify}
 * sent the classic way to the peer's direct-path actor, with a token the answer carries back; the answer, or the
 * barrier's timeout, is handed to the link that sent it.
 * <p>
 * Threading: {@link #send} on a sending thread, under the sending link's monitor (links send barriers
 * independently, so tokens come from an atomic sequence, one per barrier, never per message);
 * {@link #onAnswered} and {@link #onTimeout} on the direct-path actor ({@link BarrierActor}).
 */
final class Barriers
{
    private final ExtendedActorSystem system;
    private final PekkoBridge bridge;
    private final ActorRef barrierActor;
    private final Duration timeout;
    private final LoggingAdapter log;
    /** Barriers not answered yet, by token. */
    private final ConcurrentHashMap<Long, DirectLink> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextToken = new AtomicLong(1);

    /**
     * @param system       schedules the timeouts.
     * @param bridge       sends the barriers the classic way.
     * @param barrierActor this node's direct-path actor: the barriers' sender, where answers and timeouts arrive.
     * @param timeout      how long a barrier may go unanswered ({@code direct.barrier-timeout}).
     * @param log          for the barriers' debug lines.
     */
    Barriers(final ExtendedActorSystem system, final PekkoBridge bridge, final ActorRef barrierActor,
        final Duration timeout, final LoggingAdapter log)
    {
        this.system = system;
        this.bridge = bridge;
        this.barrierActor = barrierActor;
        this.timeout = timeout;
        this.log = log;
    }

    /** {@return how long a barrier may go unanswered, in nanoseconds} */
    long timeoutNs()
    {
        return timeout.toNanos();
    }

    /**
     * Sends a link's ordering barrier the classic way and schedules its timeout.
     *
     * @param link the link that waits for it.
     * @return its token.
     */
    long send(final DirectLink link)
    {
        final long token = nextToken.getAndIncrement();
        pending.put(token, link);
        final ActorPath target = new RootActorPath(link.address(), "/").$div("system").$div(DirectPath.ACTOR_NAME);
        bridge.sendClassic(link.address(), target.toSerializationFormat(), new Identify(token), barrierActor);
        log.debug("Direct path to {}: ordering barrier {} sent", link.address(), token);
        system.scheduler().scheduleOnce(timeout, barrierActor, new BarrierActor.Timeout(token), system.dispatcher(),
            ActorRef.noSender());
        return token;
    }

    /** A barrier's answer arrived: its link goes on. */
    void onAnswered(final long token)
    {
        log.debug("Direct path: ordering barrier {} answered", token);
        final DirectLink link = pending.remove(token);
        if (null != link)
        {
            link.onBarrierAnswered(token);
        }
    }

    /** A barrier's deadline passed: its link, if it still waits, gives up on it. */
    void onTimeout(final long token)
    {
        final DirectLink link = pending.remove(token);
        if (null != link)
        {
            link.onBarrierTimeout(token);
        }
    }
}
