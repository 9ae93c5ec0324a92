package io.pekkoshm.remote.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.pekkoshm.remote.driver.DriverMode;
import io.pekkoshm.remote.host.ProcessLiveness;
import io.pekkoshm.remote.host.RecheckedProcesses;
import io.pekkoshm.remote.jfr.ShmFlightRecorder;
import io.pekkoshm.remote.log.ErrorLog;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentInvoker;
import org.apache.pekko.actor.Address;
import org.apache.pekko.event.LoggingAdapter;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's connection to its media driver as the node agent sees it: the Aeron client and the node's subscription
 * while attached; noticing that the driver is gone (its process exited, or the client closed itself: driver
 * unresponsive, or this JVM paused longer than {@code driver.client-liveness-timeout}); and attaching again, every
 * second until it works, when the driver runs outside this JVM.
 * <pre>
 *   ATTACHED --client closed / driver process gone--> DETACHED --attach again (external driver)--> ATTACHED
 *                                                     (embedded driver: DETACHED until the actor system restarts)
 * </pre>
 * Nothing of a lost client is touched again.
 * <p>
 * On one host the client has no conductor thread: the agent runs its conductor in each duty cycle
 * ({@link #serviceClient}), so the client sleeps when the node sleeps. While the agent is held up (an inline actor
 * that blocks) a watchdog runs it instead ({@link #serviceClientIfStalled}), so the driver keeps the client.
 * <p>
 * Threading: the node agent's only, except {@link #attachedToLiveDriver()} and {@link #serviceClientIfStalled}, which
 * any thread may call: the agent is
 * the single writer of the client, the driver's pid and the detached flag, and publishes them through volatile fields
 * (the flag last when it attaches, first when it detaches).
 */
final class DriverAttachment
{
    private static final long ATTACH_RETRY_NS = TimeUnit.SECONDS.toNanos(1);
    /** The most runs of the client's conductor (each reads at most one of the driver's broadcasts) per duty cycle. */
    static final int CLIENT_EVENTS_PER_CYCLE = 64;
    /** The error-log key of the failed attempts to attach again, forgotten once one works. */
    private static final String REATTACH_FAILED_KEY = "reattach-failed";

    /** Attaches the node to a (new) driver after it lost its own; null when the driver runs in this JVM. */
    private final Reattacher reattacher;
    private final Address localAddress;
    private final Path aeronDirectory;
    private final DriverMode driverMode;
    private final LoggingAdapter log;
    /** Logs the first failed attempt to attach again in full, then summarizes the failures that follow. */
    private final ErrorLog errors;
    /** The driver's process, checked by the agent every heartbeat-interval. */
    private final RecheckedProcesses driverProcess = new RecheckedProcesses();
    private volatile Aeron aeron;
    private Subscription subscription;
    /** The node's UDP subscription (nodes of other hosts); null when it reaches only this host. */
    private Subscription udpSubscription;
    /** The driver's process while attached (0 when it runs in this JVM): checked every heartbeat-interval. */
    private volatile long driverPid;
    private volatile boolean detached;
    private long nextAttachNs;
    private int failedAttaches;
    /** When the agent last ran the client's conductor, on {@link System#nanoTime()}'s clock (ordered writes). */
    private final AtomicLong lastServicedNs = new AtomicLong(System.nanoTime());

    DriverAttachment(
        final Aeron aeron,
        final Subscription subscription,
        final Subscription udpSubscription,
        final long driverPid,
        final Reattacher reattacher,
        final Address localAddress,
        final Path aeronDirectory,
        final DriverMode driverMode,
        final LoggingAdapter log,
        final ErrorLog errors)
    {
        this.aeron = aeron;
        this.subscription = subscription;
        this.udpSubscription = udpSubscription;
        this.driverPid = driverPid;
        this.reattacher = reattacher;
        this.localAddress = localAddress;
        this.aeronDirectory = aeronDirectory;
        this.driverMode = driverMode;
        this.log = log;
        this.errors = errors;
    }

    boolean isDetached()
    {
        return detached;
    }

    /**
     * Whether the node is attached to a media driver that is live now: not detached, its Aeron client open, and the
     * driver's process (when it runs outside this JVM) alive at this moment, so a driver that just died reads as lost
     * before the agent's next heartbeat-interval check notices. Any thread (health checks).
     *
     * @return true while attached to a live driver.
     */
    boolean attachedToLiveDriver()
    {
        if (detached)
        {
            return false;
        }
        final Aeron client = aeron;
        final long pid = driverPid;
        return !client.isClosed() && (pid <= 0 || ProcessLiveness.isAlive(pid, 0));
    }

    /**
     * Runs the Aeron client's conductor, when the node runs it (one host), until it has nothing more to do: it adds
     * the images of new peers to the node's subscription, sends the client's keep-alive every 500 ms, and notices a
     * lost driver. Each run reads one of the driver's broadcasts, which carry every client's events, so it runs until
     * none is left ({@link #CLIENT_EVENTS_PER_CYCLE} at most). Its work is not the agent's: a keep-alive must not keep
     * the node awake, and a new image comes with the peer's ring anyway. Agent thread, first thing in each duty cycle,
     * so the last duty cycle before the agent blocks adds an image whose HELLO is already written.
     *
     * @return 1 if broadcasts may be left (the agent must not sleep yet), else 0.
     */
    int serviceClient()
    {
        final AgentInvoker conductor = aeron.conductorAgentInvoker();
        if (null == conductor)
        {
            return 0;
        }
        final int runs = drain(conductor);
        lastServicedNs.lazySet(System.nanoTime());
        return runs < CLIENT_EVENTS_PER_CYCLE ? 0 : 1;
    }

    private static int drain(final AgentInvoker conductor)
    {
        int runs = 0;
        while (runs < CLIENT_EVENTS_PER_CYCLE && conductor.invoke() > 0)
        {
            runs++;
        }
        return runs;
    }

    /**
     * How long the agent may go without running the client's conductor: a quarter of the driver's client liveness
     * timeout (5 s at the default 20 s), so an idle node sleeping on its doorbell still keeps its client alive; no
     * limit when the client has its own thread (cross-host).
     *
     * @return the longest the agent may sleep for the client's sake, in nanoseconds.
     */
    long clientServiceIntervalNs()
    {
        final Aeron client = aeron;
        return null == client.conductorAgentInvoker() ? Long.MAX_VALUE : client.context().interServiceTimeoutNs() / 4;
    }

    /**
     * Runs the client's conductor on the caller's thread if the agent has not run it for two
     * {@link #clientServiceIntervalNs() service intervals}: the agent is held up (an inline actor that blocks its
     * thread), and the driver would otherwise drop the client after its client liveness timeout, ending every
     * association. The conductor runs under the client's lock, so this and the agent never run it at once; its image
     * callbacks only queue work for the agent. Any thread.
     *
     * @param nowNs {@link System#nanoTime()} now.
     * @return true if it ran the conductor.
     */
    boolean serviceClientIfStalled(final long nowNs)
    {
        final Aeron client = aeron;
        final AgentInvoker conductor = client.conductorAgentInvoker();
        if (detached || null == conductor || client.isClosed() ||
            nowNs - lastServicedNs.get() < 2 * (client.context().interServiceTimeoutNs() / 4))
        {
            return false;
        }
        drain(conductor);
        return true;
    }

    /** The node's subscription on the current driver (only while attached). */
    Subscription subscription()
    {
        return subscription;
    }

    /** The node's UDP subscription on the current driver (only while attached); null if it reaches only this host. */
    Subscription udpSubscription()
    {
        return udpSubscription;
    }

    /** A new exclusive publication into stream {@code streamId} (a peer's port) on the current driver. */
    ExclusivePublication addPublication(final String channel, final int streamId)
    {
        return aeron.addExclusivePublication(channel, streamId);
    }

    /** {@return why the client is lost, if it has closed itself while attached; null if it has not} */
    String clientLost()
    {
        if (!detached && aeron.isClosed())
        {
            return "its Aeron client closed (the driver stopped answering for pekko.remote.shm.driver.timeout, or " +
                "this JVM paused longer than driver.client-liveness-timeout)";
        }
        return null;
    }

    /**
     * {@return why the driver is lost, if its process has exited (its client is then closed); null if it has not}
     * Checked every heartbeat-interval; a driver in this JVM is never checked.
     */
    String driverLost()
    {
        if (!detached && driverPid > 0 && !driverProcess.isAlive(driverPid, 0))
        {
            return "the media driver's process (pid " + driverPid + ") has exited";
        }
        return null;
    }

    /**
     * The connection is gone: logged once, with what happens next. The caller ends every association first, so no
     * writer touches a log that is unmapped when the client closes.
     */
    void detach(final String why, final long nowNs)
    {
        detached = true;
        nextAttachNs = nowNs;
        ShmFlightRecorder.driverLost(Association.fullAddress(localAddress), aeronDirectory, why, null != reattacher);
        log.error("pekko.shm node {} lost its media driver ({}): {}. All its associations end{}", localAddress,
            aeronDirectory, why, null != reattacher ?
            "; it attaches to a new driver (driver.mode = " + driverMode + ") and associations form again " +
            "as messages are sent." :
            ". The driver ran in this JVM (driver.mode = embedded): restart the actor system to attach again.");
    }

    /** The agent stops: closes the driver process's stat file the liveness check keeps open. */
    void closeProcessCheck()
    {
        driverProcess.close();
    }

    /** Closes the lost client (after {@link #detach}: its driver's process is gone). */
    void closeClient()
    {
        CloseHelper.quietClose(aeron);
    }

    /**
     * Attaches to a driver again (starting one in auto mode) when a retry is due; retried every second until it
     * works; never with a driver in this JVM. The first failure is logged in full, the next ones summarized by the
     * error log (with the latest attempt's count and reason).
     *
     * @return true if the node is attached again now.
     */
    boolean attachAgainIfDue(final long nowNs)
    {
        if (!detached || null == reattacher || nowNs - nextAttachNs < 0)
        {
            return false;
        }
        try
        {
            final Reattacher.Attachment attachment = reattacher.reattach();
            aeron = attachment.aeron();
            subscription = attachment.subscription();
            udpSubscription = attachment.udpSubscription();
            driverPid = attachment.driverPid();
            detached = false;
            failedAttaches = 0;
            errors.forget(REATTACH_FAILED_KEY);
            ShmFlightRecorder.driverReattached(Association.fullAddress(localAddress), driverPid);
            log.warning("pekko.shm node {} is attached to a media driver again (pid {}); its peers can reach it, and " +
                "associations form again as messages are sent.", localAddress, driverPid);
            return true;
        }
        catch (final Exception ex)
        {
            failedAttaches++;
            nextAttachNs = nowNs + ATTACH_RETRY_NS;
            final int attempts = failedAttaches;
            final String why = ex.getMessage();
            errors.record(ErrorLog.Severity.ERROR, REATTACH_FAILED_KEY, () -> "pekko.shm node " + localAddress +
                " could not attach to a media driver again (" + attempts + " attempt(s), retrying every second): " +
                why, null);
            return false;
        }
    }
}
