package io.pekkoshm.multijvm.nodes;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.testkit.process.ChildControl;
import io.pekkoshm.remote.pekko.ShmRemote;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.PoisonPill;
import org.apache.pekko.pattern.Patterns;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A node of the soak test, driven through stdin like {@link ScriptedNode}; prints {@code READY <address>} first.
 * <pre>
 *   soak-start RATE LARGE_EVERY PEER...   host /user/soak (a checking sink) and, to each PEER address, stream soak
 *                                         messages at RATE per second, every LARGE_EVERY-th one 256 KiB to 4 MiB (blob
 *                                         store), the others 24 B to 1 KiB, with a window of acknowledgements. A stream
 *                                         ends when its receiver terminates (killed); the sender then resolves the
 *                                         peer again (its restart) and starts a new stream. Every 2 s it prints one
 *                                         SOAK-SENT line per stream it sends and one SOAK-RECV line per stream it
 *                                         receives. Prints SOAK-STARTED.
 *   soak-stop                             stop sending; prints SOAK-STOPPED
 *   soak-report                           print the SOAK-SENT and SOAK-RECV lines now, then SOAK-REPORTED
 *   counters                              prints COUNTERS {...}
 * </pre>
 */
public final class SoakNode
{
    private static final Duration REPORT_EVERY = Duration.ofSeconds(2);
    private static final int WINDOW = 1_000;

    private final ActorSystem system;
    private final List<OutStream> streams = new CopyOnWriteArrayList<>();
    private final List<Thread> senders = new CopyOnWriteArrayList<>();
    private ActorRef sink;
    private volatile boolean stopped;

    /** One stream this node sends: to one receiver incarnation. Fields are read by the reporting thread. */
    static final class OutStream
    {
        final long id = ThreadLocalRandom.current().nextLong();
        final String to;
        volatile long sent;
        volatile String state = "active";

        OutStream(final String to)
        {
            this.to = to;
        }

        void end(final String reason)
        {
            if ("active".equals(state))
            {
                state = "ended:" + reason.replace(' ', '-');
            }
        }

        boolean isActive()
        {
            return "active".equals(state);
        }

        String line()
        {
            return "SOAK-SENT stream=" + Long.toHexString(id) + " to=" + to + " sent=" + sent + " state=" + state;
        }
    }

    private SoakNode(final ActorSystem system)
    {
        this.system = system;
    }

    public static void main(final String[] args)
    {
        final ChildControl control = ChildControl.start();
        final ActorSystem system = ActorSystem.create(args.length > 0 ? args[0] : "soak", ConfigFactory.load());
        ChildControl.report("READY " + ShmRemote.get(system).address().orElseThrow());
        final SoakNode node = new SoakNode(system);
        system.scheduler().scheduleWithFixedDelay(REPORT_EVERY, REPORT_EVERY, node::report, system.dispatcher());
        while (true)
        {
            final String[] words = control.awaitCommand(Duration.ofHours(24)).trim().split("\\s+");
            try
            {
                node.run(words);
            }
            catch (final Exception ex)
            {
                ChildControl.report("FAILED " + String.join(" ", words) + ": " + ex);
            }
        }
    }

    private void run(final String[] words) throws InterruptedException
    {
        switch (words[0])
        {
            case "soak-start":
                final int rate = Integer.parseInt(words[1]);
                final int largeEvery = Integer.parseInt(words[2]);
                sink = system.actorOf(SoakActors.Sink.props(), "soak");
                for (int i = 3; i < words.length; i++)
                {
                    final String peer = words[i];
                    final Thread sender = new Thread(() -> sendTo(peer + "/user/soak", rate, largeEvery),
                        "soak-sender-" + i);
                    sender.setDaemon(true);
                    senders.add(sender);
                    sender.start();
                }
                ChildControl.report("SOAK-STARTED");
                break;
            case "soak-stop":
                stopped = true;
                for (final Thread sender : senders)
                {
                    sender.join(TimeUnit.SECONDS.toMillis(30));
                }
                streams.forEach(stream -> stream.end("stopped"));
                ChildControl.report("SOAK-STOPPED");
                break;
            case "soak-report":
                report();
                // The sink prints its lines from its own thread: ask it, so they come before SOAK-REPORTED.
                if (null != sink)
                {
                    try
                    {
                        Patterns.ask(sink, "report-and-answer", Duration.ofSeconds(30)).toCompletableFuture()
                            .get(30, TimeUnit.SECONDS);
                    }
                    catch (final Exception ex)
                    {
                        ChildControl.report("FAILED soak-report: the sink did not answer: " + ex);
                    }
                }
                ChildControl.report("SOAK-REPORTED");
                break;
            case "counters":
                ChildControl.report("COUNTERS " + ShmRemote.get(system).counters());
                break;
            default:
                ChildControl.report("FAILED unknown command " + words[0]);
        }
    }

    private void report()
    {
        streams.forEach(stream -> ChildControl.report(stream.line()));
        if (null != sink)
        {
            sink.tell("report", ActorRef.noSender());
        }
    }

    /** One sender thread per peer: a stream per receiver incarnation, paced to {@code rate} per second. */
    private void sendTo(final String path, final int rate, final int largeEvery)
    {
        final SplittableRandom random = new SplittableRandom();
        final long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        while (!stopped)
        {
            final ActorRef target = identify(path);
            if (null == target)
            {
                // Not there yet (restarting): ask again shortly.
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                continue;
            }
            final OutStream stream = new OutStream(target.path().toSerializationFormat());
            streams.add(stream);
            final Semaphore permits = new Semaphore(WINDOW);
            final ActorRef acks = system.actorOf(NodeActors.AckReceiver.props(permits));
            final ActorRef watcher = system.actorOf(SoakActors.StreamWatcher.props(target, stream));
            long nextSend = System.nanoTime();
            for (long seq = 0; !stopped && stream.isActive(); )
            {
                if (!permits.tryAcquire())
                {
                    // The window is full: wait a little for acknowledgements, then look at the flags again.
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    continue;
                }
                final int size = seq % largeEvery == largeEvery - 1 ? random.nextInt(256 * 1024, 4 * 1024 * 1024) :
                    random.nextInt(SoakActors.HEADER, 1024);
                target.tell(SoakActors.message(stream.id, seq, size), acks);
                stream.sent = ++seq;
                // Pacing the load, not waiting for anything: the next message is due one interval later.
                nextSend += intervalNanos;
                final long early = nextSend - System.nanoTime();
                if (early > 0)
                {
                    LockSupport.parkNanos(early);
                }
            }
            stream.end(stopped ? "stopped" : "ended");
            acks.tell(PoisonPill.getInstance(), ActorRef.noSender());
            watcher.tell(PoisonPill.getInstance(), ActorRef.noSender());
        }
    }

    /** Resolves a remote actor with Identify; null if it does not answer within 2 s (not started yet, restarting). */
    private ActorRef identify(final String path)
    {
        try
        {
            final ActorIdentity identity = (ActorIdentity)Patterns.ask(system.actorSelection(path), new Identify(path),
                Duration.ofSeconds(2)).toCompletableFuture().get(3, TimeUnit.SECONDS);
            return identity.getActorRef().orElse(null);
        }
        catch (final Exception ex)
        {
            return null;
        }
    }
}
