package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.host.ProcessLiveness;
import io.pekkoshm.remote.host.RecheckedProcesses;
import org.apache.pekko.actor.Address;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Every heartbeat-interval, for each association: a handshake past its deadline ends it; an established one ends when
 * its publication answered a terminal result, when the peer's process has exited (a {@code kill -9} is seen within
 * one interval; only for a peer of this host, over IPC: a process of another host cannot be checked), or when nothing
 * was heard from the peer for {@code peer-timeout} (a paused or hung peer, and a dead one of another host); otherwise
 * it sends a heartbeat if it has been silent for an interval. Peers whose process exited are reported once per
 * incarnation, after all associations were checked.
 * <p>
 * Threading: the node agent's only.
 */
final class PeerLiveness
{
    /** Told when the process of a peer has exited, once per peer incarnation. */
    interface PeerExitListener
    {
        void onPeerProcessExit(Address address, NodeIdentity peer);
    }

    /** Whether a process still runs: the pid, and its start time (0: any) to tell a reused pid apart. */
    interface ProcessCheck extends AutoCloseable
    {
        boolean isAlive(long pid, long startMillis);

        /** Releases what the check keeps open (files of {@code /proc}); when the agent stops. */
        @Override
        default void close()
        {
        }
    }

    private final Associations associations;
    private final ProcessCheck processes;
    private final PeerExitListener exitListener;
    private final long heartbeatIntervalNs;
    private final long peerTimeoutNs;
    private final long handshakeTimeoutNs;

    PeerLiveness(
        final Associations associations,
        final ProcessCheck processes,
        final PeerExitListener exitListener,
        final long heartbeatIntervalNs,
        final long peerTimeoutNs,
        final long handshakeTimeoutNs)
    {
        this.associations = associations;
        this.processes = processes;
        this.exitListener = exitListener;
        this.heartbeatIntervalNs = heartbeatIntervalNs;
        this.peerTimeoutNs = peerTimeoutNs;
        this.handshakeTimeoutNs = handshakeTimeoutNs;
    }

    /**
     * The check against the host's processes ({@link ProcessLiveness}), cheap from the second time it sees a process
     * ({@link RecheckedProcesses}); a new one for each agent.
     */
    static ProcessCheck hostProcesses()
    {
        final RecheckedProcesses processes = new RecheckedProcesses();
        return new ProcessCheck()
        {
            @Override
            public boolean isAlive(final long pid, final long startMillis)
            {
                return processes.isAlive(pid, startMillis);
            }

            @Override
            public void close()
            {
                processes.close();
            }
        };
    }

    /** The agent stops: releases what the process check keeps open. */
    void close()
    {
        processes.close();
    }

    /** One round over every association (see the class comment). */
    void check(final long nowNs)
    {
        Map<Long, Association> exited = null;
        for (int i = associations.size() - 1; i >= 0; i--)
        {
            final Association association = associations.get(i);
            if (!association.isEstablished())
            {
                if (nowNs - association.handshakeDeadlineNs() > 0)
                {
                    associations.end(association, "no handshake reply within pekko.remote.shm.handshake-timeout (" +
                        TimeUnit.NANOSECONDS.toMillis(handshakeTimeoutNs) + " ms)", false, false);
                }
                continue;
            }
            final NodeIdentity peer = association.peer();
            final Outbox outbox = association.outbox();
            if (0 != outbox.terminalResult())
            {
                associations.end(association, "its publication answered " + Outbox.describe(outbox.terminalResult()),
                    false, true);
            }
            else if (Medium.IPC == association.medium() && !processes.isAlive(peer.pid(), peer.processStartMillis()))
            {
                if (null == exited)
                {
                    exited = new HashMap<>();
                }
                exited.put(peer.incarnation(), association);
                associations.end(association, "the peer's process (pid " + peer.pid() + ") has exited", false, true);
            }
            else if (nowNs - association.lastReceivedNs() > peerTimeoutNs)
            {
                associations.end(association, "nothing heard from the peer for " +
                    TimeUnit.NANOSECONDS.toMillis(nowNs - association.lastReceivedNs()) +
                    " ms (pekko.remote.shm.peer-timeout = " + TimeUnit.NANOSECONDS.toMillis(peerTimeoutNs) + " ms)",
                    true, true);
            }
            else if (nowNs - association.lastHeartbeatNs() >= heartbeatIntervalNs && outbox.tryHeartbeat())
            {
                association.onHeartbeat(nowNs);
            }
        }
        if (null != exited)
        {
            for (final Association association : exited.values())
            {
                exitListener.onPeerProcessExit(association.remoteAddress(), association.peer());
            }
        }
    }
}
