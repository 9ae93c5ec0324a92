package io.pekkoshm.remote.transport;

import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.pekkoshm.remote.blob.BlobPool;
import io.pekkoshm.remote.blob.BlobReader;
import io.pekkoshm.remote.host.DoorbellIdleStrategy;
import org.agrona.CloseHelper;
import io.pekkoshm.remote.log.ErrorLog;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.apache.pekko.actor.Address;

import java.util.concurrent.CompletableFuture;

/**
 * The node's one thread. Each duty cycle: runs the Aeron client's conductor (on one host the client has no thread of
 * its own; see {@link DriverAttachment#serviceClient}), runs the commands other threads queued ({@link NodeProxy}),
 * polls the node's stream ({@link InboundFrames} decodes, {@link FrameRouter} delivers), runs the tasks of the layer
 * above that belong on this thread ({@link AgentTasks}: inline actors, so a message the poll delivered to one is
 * handled in the same cycle, and still while the driver is lost), sends pending handshakes and flushes staged writes,
 * closes outboxes whose writers were busy when their association ended, sweeps the blob pool; and
 * every heartbeat-interval checks its media driver ({@link DriverAttachment}) and its peers ({@link PeerLiveness}),
 * publishes the counters and sweeps the peers' blobs.
 * <p>
 * Single writer: only this agent touches the association tables. Payload writes do not pass through here: they go
 * from the caller's thread into the association's {@link Outbox}. The agent never waits for a writer.
 * <p>
 * The parts are made by {@link NodeAgentBuilder}; this class only orders their work.
 */
final class NodeAgent implements Agent, NodeProxy.Commands, DoorbellIdleStrategy.Sleeper
{
    private final String roleName;
    private final NanoClock clock;
    private final NodeProxy proxy;
    private final DriverAttachment driver;
    private final Associations associations;
    private final Rejections rejections;
    private final Handshake handshake;
    private final InboundFrames frames;
    private final FrameRouter router;
    private final PeerLiveness liveness;
    private final TransportCounters counters;
    /** This node's blob pool and the reader of the peers' blobs; both null when the blob store is off. */
    private final BlobPool blobPool;
    private final BlobReader blobReader;
    /** Reads the peers' large bodies off this thread; null when the blob store is off. */
    private final LargeBodyWorkers largeBodies;
    /** The node's error log (rejected sessions, classic-only peers, re-attaching): flushed when the agent closes. */
    private final ErrorLog errors;
    /** The inline actors' mailbox runs; {@link AgentTasks#NONE} when the layer above has none. */
    private final AgentTasks tasks;
    private final long heartbeatIntervalNs;
    private final int fragmentLimit;
    private final FragmentAssembler assembler;
    /** Reassembles the frames of nodes of other hosts (UDP); their sessions are keyed as such. */
    private final FragmentAssembler udpAssembler;
    private boolean listening;
    private long nowNs;
    private long nextPeriodicNs;

    NodeAgent(
        final String roleName,
        final NanoClock clock,
        final NodeProxy proxy,
        final DriverAttachment driver,
        final Associations associations,
        final Rejections rejections,
        final Handshake handshake,
        final InboundFrames frames,
        final FrameRouter router,
        final PeerLiveness liveness,
        final TransportCounters counters,
        final BlobPool blobPool,
        final BlobReader blobReader,
        final LargeBodyWorkers largeBodies,
        final ErrorLog errors,
        final AgentTasks tasks,
        final long heartbeatIntervalNs,
        final int fragmentLimit)
    {
        this.roleName = roleName;
        this.clock = clock;
        this.proxy = proxy;
        this.driver = driver;
        this.associations = associations;
        this.rejections = rejections;
        this.handshake = handshake;
        this.frames = frames;
        this.router = router;
        this.liveness = liveness;
        this.counters = counters;
        this.blobPool = blobPool;
        this.blobReader = blobReader;
        this.largeBodies = largeBodies;
        this.errors = errors;
        this.tasks = tasks;
        this.heartbeatIntervalNs = heartbeatIntervalNs;
        this.fragmentLimit = fragmentLimit;
        this.assembler = new FragmentAssembler(
            (buffer, offset, length, header) ->
                frames.onFrame(Medium.IPC.sessionKey(header.sessionId()), buffer, offset, length, nowNs));
        this.udpAssembler = new FragmentAssembler(
            (buffer, offset, length, header) ->
                frames.onFrame(Medium.UDP.sessionKey(header.sessionId()), buffer, offset, length, nowNs));
        proxy.bind(this);
    }

    /** {@return the way other threads reach this agent} */
    NodeProxy proxy()
    {
        return proxy;
    }

    /** {@return whether the node is attached to a live media driver} Any thread: see {@link DriverAttachment}. */
    boolean attachedToLiveDriver()
    {
        return driver.attachedToLiveDriver();
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    @Override
    public void onStart()
    {
        tasks.onAgentStart();
    }

    @Override
    public int doWork()
    {
        nowNs = clock.nanoTime();
        int work = driver.serviceClient();
        final String clientLost = driver.clientLost();
        if (null != clientLost)
        {
            detach(clientLost);
            work++;
        }
        work += proxy.drain();
        if (driver.isDetached())
        {
            work += tasks.runQueued(clock);
            return driver.attachAgainIfDue(nowNs) ? work + onAttachedAgain() : work;
        }

        if (listening)
        {
            router.now(nowNs);
            // a peer's heartbeats (read at this node's periodic wake-up) are not work: they must not keep it awake
            int fragments = driver.subscription().poll(assembler, fragmentLimit);
            final Subscription udp = driver.udpSubscription();
            if (null != udp)
            {
                fragments += udp.poll(udpAssembler, fragmentLimit);
            }
            work += Math.max(0, fragments - frames.takeHeartbeatsRead());
        }
        work += tasks.runQueued(clock);
        if (null != largeBodies && largeBodies.inFlight() > 0)
        {
            work += largeBodies.drain();
        }
        work += sendHandshakesAndFlush();
        if (associations.hasPendingCloses())
        {
            work += associations.closePending();
        }

        final boolean periodic = nowNs - nextPeriodicNs >= 0;
        if (null != blobPool && (periodic || blobPool.inFlightCount() > 0))
        {
            work += blobPool.sweep(nowNs, periodic);
        }
        if (periodic)
        {
            work += onPeriodic();
        }
        return work;
    }

    /**
     * Whether the agent may sleep on its doorbell: nothing it must poll for without being rung. Not while detached
     * (it attaches again), a handshake is pending (it resends and times out), an outbox has staged writes (it flushes
     * them when the peer's log has room), an outbox waits to be closed, or one of its blobs is in flight (it sweeps
     * them back when the receiver releases them), a large body goes out in pieces, or a node of another host is
     * connected over UDP (its frames arrive through the driver's receiver, which rings no doorbell). Large bodies
     * being read do not keep it awake: their threads wake it. A command queued through the proxy wakes it too.
     */
    @Override
    public boolean canSleep()
    {
        final Subscription udp = driver.udpSubscription();
        if (driver.isDetached() || associations.hasPendingCloses() ||
            (null != blobPool && blobPool.inFlightCount() > 0) || (null != udp && udp.imageCount() > 0))
        {
            return false;
        }
        for (int i = associations.size() - 1; i >= 0; i--)
        {
            final Association association = associations.get(i);
            if (association.handshakePending() || association.outbox().hasStaged() ||
                association.outbox().hasPieces())
            {
                return false;
            }
        }
        return true;
    }

    /**
     * {@return when the next periodic duty (heartbeats, liveness, sweeps) is due, or sooner if the Aeron client's
     * conductor, which this agent runs, must run before then to keep the client alive}
     */
    @Override
    public long wakeDeadlineNs()
    {
        final long serviceIntervalNs = driver.clientServiceIntervalNs();
        return serviceIntervalNs < nextPeriodicNs - nowNs ? nowNs + serviceIntervalNs : nextPeriodicNs;
    }

    /**
     * Any thread: runs the Aeron client's conductor if this agent is held up (see
     * {@link DriverAttachment#serviceClientIfStalled}).
     *
     * @param nowNs {@link System#nanoTime()} now.
     * @return true if it ran the conductor.
     */
    boolean keepClientAlive(final long nowNs)
    {
        return driver.serviceClientIfStalled(nowNs);
    }

    /**
     * Ends every association (unless the driver is lost), then logs the repeats of errors not logged yet, and last
     * hands the queued tasks of the layer above to where they run without this thread.
     */
    @Override
    public void onClose()
    {
        if (!driver.isDetached())
        {
            for (int i = associations.size() - 1; i >= 0; i--)
            {
                associations.end(associations.get(i), "this node is shutting down", true, false);
            }
            proxy.drain();
            associations.closePendingBlocking();
        }
        CloseHelper.quietClose(largeBodies);
        liveness.close();
        driver.closeProcessCheck();
        errors.flush();
        tasks.onAgentClose();
    }

    @Override
    public void openOutbound(final Address remote, final CompletableFuture<Link> promise)
    {
        handshake.openOutbound(remote, promise, nowNs);
    }

    @Override
    public void listen(final NodeListener listener)
    {
        handshake.listener(listener);
        listening = true;
    }

    @Override
    public void disassociate(final Association association, final String reason)
    {
        associations.end(association, reason, true, false);
    }

    @Override
    public void onImageUnavailable(final long sessionKey)
    {
        associations.forgetSession(sessionKey);
        rejections.forget(sessionKey);
        final Association association = associations.bySession(sessionKey);
        if (null != association)
        {
            associations.end(association, "the peer's publication went away", false, true);
        }
    }

    private int sendHandshakesAndFlush()
    {
        int work = 0;
        for (int i = associations.size() - 1; i >= 0; i--)
        {
            final Association association = associations.get(i);
            if (association.handshakePending())
            {
                work += handshake.trySend(association, nowNs) ? 1 : 0;
            }
            else
            {
                final Outbox outbox = association.outbox();
                if (outbox.hasStaged() && outbox.flush())
                {
                    work++;
                }
                if (outbox.hasPieces() && outbox.sendPieces())
                {
                    work++;
                }
            }
        }
        return work;
    }

    private int onPeriodic()
    {
        nextPeriodicNs = nowNs + heartbeatIntervalNs;
        final String driverLost = driver.driverLost();
        if (null != driverLost)
        {
            detach(driverLost);
            driver.closeClient();
            return 1;
        }
        counters.publish();
        liveness.check(nowNs);
        if (null != blobReader)
        {
            blobReader.sweep(nowNs);
        }
        return 0;
    }

    /**
     * The connection to the media driver is gone: every association ends (classic is told, staged messages are
     * counted as dropped, and classic remoting's at-most-once rules apply to what was in flight) before the client
     * goes, so no writer touches a log it unmaps. Associations form again as messages are sent once the node is
     * attached again.
     */
    private void detach(final String why)
    {
        driver.detach(why, nowNs);
        associations.abandonAll();
    }

    private int onAttachedAgain()
    {
        rejections.clear();
        associations.clearEndedSessions();
        return 1;
    }
}
