package io.pekkoshm.multijvm.nodes;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.testkit.process.ChildControl;
import io.pekkoshm.remote.blob.SharedBlob;
import io.pekkoshm.remote.blob.ShmBlobs;
import io.pekkoshm.remote.pekko.ShmRemote;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.Patterns;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A node of the multi-JVM tests, driven line by line through its stdin by the test (see {@link ChildControl}).
 * It prints {@code READY <address>} once remoting listens, then runs commands. {@code -Dnode.config=NAME} adds the
 * test resource {@code NAME.conf} over the usual configuration.
 * <pre>
 *   echo | relay | typed-service | cluster-listener     host an actor (/user/echo, /user/relay, /user/greeter,
 *                                 /user/cluster-listener: prints MEMBER_UP, MEMBER_DOWNED, MEMBER_REMOVED, UNREACHABLE,
 *                                 REACHABLE with the member's address)
 *   sink N                        host /user/sink expecting N numbered messages; prints SINK received=N outOfOrder=K
 *   inline-sink N                 the same sink on the inline dispatcher (runs on the node's thread); prints OK sink
 *   inline-echo                   host /user/echo on the inline dispatcher; prints OK echo
 *   stream PATH N                 send N numbered 16-byte messages to PATH with a window; prints STREAMED N
 *   ask PATH TEXT                 ask PATH (resolved with Identify, retried up to 30 s); prints REPLY TEXT
 *   relay-ask PATH TEXT           send a RelayRequest carrying a local ref; the reply comes to it: RELAYED TEXT ...
 *   typed-ask PATH NAME           typed ask with the replyTo inside a record; prints GREETED text
 *   watch PATH                    watch PATH; prints WATCHING, later TERMINATED PATH
 *   blob-sink                     host /user/blob-sink: prints BLOB ok SIZE (or BLOB BAD SIZE) per payload
 *   send-blobs PATH SIZE COUNT    send COUNT self-checking payloads of SIZE bytes to PATH; prints SENT-BLOBS COUNT
 *   zc-sink hold|release          host /user/zc-sink for zero-copy blobs: prints ZC ok|BAD SIZE FILE PID per blob
 *   zc-release | zc-verify        the zc-sink releases (ZC-RELEASED N) or checks again (ZC-VERIFIED N ok) what it holds
 *   zc-send PATH SIZE COUNT       send COUNT self-checking SharedBlobs of SIZE bytes; prints ZC-SENT COUNT FILE,...
 *   zc-peek FILE                  read the reply slot of a blob from its block file; prints PEEK value
 *   zc-stats                      prints ZC-STATS SharedBlobStats[...]
 *   counters                      prints COUNTERS {...}
 *   direct-state                  prints DIRECT-STATE pending={peer=n} dropped={peer=n} associations=[...]
 *   checked-sink NAME [MICROS]    host /user/NAME, a sink of checked messages (see CheckedActors), taking MICROS per
 *                                 message (a slow consumer); prints CHECKED NAME received=N as it goes
 *   sink-report NAME              prints CHECKED-REPORT NAME received=.. next=.. gaps=.. outOfOrder=.. bad=..
 *   send-checked PATH N SIZE W    in the background, send N checked messages of 16 to SIZE bytes (sizes vary, some
 *                                 span several IPC fragments) to PATH, at most W unacknowledged (W = 0: no flow control
 *                                 at all); prints SENT-CHECKED N when done. Other commands run meanwhile.
 *   stop-checked                  stop every such sending; prints STOPPED-CHECKED sent=N (handed to Pekko in all)
 *   resolve PATH                  resolve PATH now and keep the ref for later commands (e.g. send-checked to a peer
 *                                 frozen with SIGSTOP, which cannot answer Identify); prints RESOLVED PATH
 *   recorder NAME                 host /user/NAME: prints GOT NAME TEXT for each message
 *   remember KEY PATH             resolve PATH now (Identify) and keep the ref as KEY; prints REMEMBERED KEY REF
 *   tell KEY TEXT                 tell the ref kept as KEY the bytes of TEXT; prints TOLD KEY TEXT
 *   provider | await-up | service-* | singleton-* | ddata-* | sharding-*   see {@link ClusterFeatures}
 *   terminate                     terminate the actor system and wait for it; prints SYSTEM-TERMINATED
 *   exit                          (handled by ChildControl) exit 0; the actor system stops in a shutdown hook
 * </pre>
 * Any failure prints {@code FAILED <command>: <reason>} and the node keeps going.
 */
public final class ScriptedNode
{
    private static final Duration RESOLVE_TIMEOUT = Duration.ofSeconds(30);
    /** The plugin's ready-made inline dispatcher. */
    private static final String INLINE = "pekko.remote.shm.inline-dispatcher";

    private final ActorSystem system;
    /** Refs resolved before, so that send-blobs to a peer that has stopped answering (SIGSTOP) still sends. */
    private final java.util.Map<String, ActorRef> resolved = new java.util.HashMap<>();
    /** Refs kept under a name by 'remember', e.g. a ref to an actor of a peer incarnation that is gone since. */
    private final java.util.Map<String, ActorRef> remembered = new java.util.HashMap<>();
    /** Local checked sinks by name, for 'sink-report'. */
    private final java.util.Map<String, ActorRef> sinks = new java.util.HashMap<>();
    /** The cluster features' commands (see {@link ClusterFeatures}), created at the first one. */
    private ClusterFeatures features;
    /** The checked senders started on this node, each to its own target, all stopped by {@code stop-checked}. */
    private final List<CheckedSender> checkedSenders = new ArrayList<>();

    private ScriptedNode(final ActorSystem system)
    {
        this.system = system;
    }

    public static void main(final String[] args) throws Exception
    {
        final ChildControl control = ChildControl.start();
        final String extraConfig = System.getProperty("node.config");
        final ActorSystem system = ActorSystem.create(args.length > 0 ? args[0] : "node", PathMode.apply(
            null == extraConfig ?
                ConfigFactory.load() :
                ConfigFactory.parseResourcesAnySyntax(extraConfig).withFallback(ConfigFactory.load())));
        ChildControl.report("READY " + ShmRemote.get(system).address().orElseThrow());
        final ScriptedNode node = new ScriptedNode(system);
        while (true)
        {
            final String command = control.awaitCommand(Duration.ofMinutes(30));
            try
            {
                node.run(command.trim().split("\\s+"));
            }
            catch (final Exception ex)
            {
                ChildControl.report("FAILED " + command + ": " + ex);
            }
        }
    }

    private void run(final String[] words) throws Exception
    {
        switch (words[0])
        {
            case "echo":
                system.actorOf(Props.create(NodeActors.Echo.class), "echo");
                ChildControl.report("OK echo");
                break;
            case "relay":
                system.actorOf(Props.create(NodeActors.Relay.class), "relay");
                ChildControl.report("OK relay");
                break;
            case "typed-service":
                Adapter.spawn(system, NodeActors.greeter(), "greeter");
                ChildControl.report("OK typed-service");
                break;
            case "cluster-listener":
                system.actorOf(Props.create(NodeActors.ClusterListener.class), "cluster-listener"); // it prints OK
                break;
            case "sink":
                system.actorOf(NodeActors.Sink.props(Long.parseLong(words[1])), "sink");
                ChildControl.report("OK sink");
                break;
            case "inline-sink":
                system.actorOf(NodeActors.Sink.props(Long.parseLong(words[1])).withDispatcher(INLINE), "sink");
                ChildControl.report("OK sink");
                break;
            case "inline-echo":
                system.actorOf(Props.create(NodeActors.Echo.class).withDispatcher(INLINE), "echo");
                ChildControl.report("OK echo");
                break;
            case "stream":
                stream(resolve(words[1]), Long.parseLong(words[2]));
                break;
            case "ask":
                final Object reply = Patterns.ask(resolve(words[1]), words[2].getBytes(), Duration.ofSeconds(10))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
                ChildControl.report("REPLY " + new String((byte[])reply));
                break;
            case "relay-ask":
                final ActorRef inbox = system.actorOf(Props.create(NodeActors.Inbox.class));
                resolve(words[1]).tell(new Messages.RelayRequest(words[2], inbox), ActorRef.noSender());
                break;
            case "typed-ask":
                typedAsk(words[1], words[2]);
                break;
            case "watch":
                system.actorOf(NodeActors.Watcher.props(resolve(words[1])));
                ChildControl.report("WATCHING " + words[1]);
                break;
            case "blob-sink":
                system.actorOf(Props.create(NodeActors.BlobSink.class), "blob-sink");
                ChildControl.report("OK blob-sink");
                break;
            case "send-blobs":
                final ActorRef target = resolveCached(words[1]);
                final int size = Integer.parseInt(words[2]);
                final int count = Integer.parseInt(words[3]);
                for (int i = 0; i < count; i++)
                {
                    target.tell(NodeActors.checkedPayload(size, i), ActorRef.noSender());
                }
                ChildControl.report("SENT-BLOBS " + count);
                break;
            case "zc-sink":
                system.actorOf(ZeroCopyActors.Sink.props("hold".equals(words[1])), "zc-sink");
                ChildControl.report("OK zc-sink");
                break;
            case "zc-release":
            case "zc-verify":
                system.actorSelection("/user/zc-sink").tell(words[0].substring(3), ActorRef.noSender());
                break;
            case "zc-send":
                sendSharedBlobs(resolveCached(words[1]), Long.parseLong(words[2]), Integer.parseInt(words[3]));
                break;
            case "zc-peek":
                ChildControl.report("PEEK " + ZeroCopyActors.peekReplySlot(java.nio.file.Path.of(words[1])));
                break;
            case "zc-stats":
                ChildControl.report("ZC-STATS " + ShmBlobs.get(system).stats());
                break;
            case "counters":
                ChildControl.report("COUNTERS " + ShmRemote.get(system).counters());
                break;
            case "direct-state":
                ChildControl.report("DIRECT-STATE pending=" + ShmRemote.get(system).directPending() + " dropped=" +
                    ShmRemote.get(system).directDropped() + " associations=" + ShmRemote.get(system).associations());
                break;
            case "checked-sink":
                sinks.put(words[1], system.actorOf(CheckedActors.CheckedSink.props(words[1],
                    words.length > 2 ? Long.parseLong(words[2]) : 0), words[1]));
                ChildControl.report("OK checked-sink " + words[1]);
                break;
            case "sink-report":
                ChildControl.report((String)Patterns.ask(sinks.get(words[1]), "report", Duration.ofSeconds(60))
                    .toCompletableFuture().get(60, TimeUnit.SECONDS));
                break;
            case "send-checked":
                final CheckedSender checkedSender = new CheckedSender(system, resolveCached(words[1]),
                    Long.parseLong(words[2]), Integer.parseInt(words[3]), Integer.parseInt(words[4]));
                checkedSenders.add(checkedSender);
                checkedSender.start();
                break;
            case "stop-checked":
                long sentByAll = 0;
                for (final CheckedSender each : checkedSenders)
                {
                    sentByAll += each.stopAndJoin();
                }
                checkedSenders.clear();
                ChildControl.report("STOPPED-CHECKED sent=" + sentByAll);
                break;
            case "resolve":
                resolve(words[1]);
                ChildControl.report("RESOLVED " + words[1]);
                break;
            case "recorder":
                system.actorOf(CheckedActors.Recorder.props(words[1]), words[1]);
                ChildControl.report("OK recorder " + words[1]);
                break;
            case "remember":
                final ActorRef fresh = identify(words[2]);
                remembered.put(words[1], fresh);
                ChildControl.report("REMEMBERED " + words[1] + " " + fresh.path().toSerializationFormat());
                break;
            case "terminate":
                system.terminate();
                system.getWhenTerminated().toCompletableFuture().get(RESOLVE_TIMEOUT.toSeconds(),
                    java.util.concurrent.TimeUnit.SECONDS);
                ChildControl.report("SYSTEM-TERMINATED");
                break;
            case "tell":
                remembered.get(words[1]).tell(words[2].getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    ActorRef.noSender());
                ChildControl.report("TOLD " + words[1] + " " + words[2]);
                break;
            default:
                if (null == features)
                {
                    features = new ClusterFeatures(system);
                }
                if (!features.run(words))
                {
                    ChildControl.report("FAILED unknown command " + words[0]);
                }
        }
    }

    /** The ref resolved for this path before, if any (send-blobs to a peer that no longer answers Identify). */
    private ActorRef resolveCached(final String path) throws Exception
    {
        final ActorRef known = resolved.get(path);
        return null != known ? known : resolve(path);
    }

    /** Resolves a remote path to a ref with Identify, retrying while the peer is not reachable yet. */
    private ActorRef resolve(final String path) throws Exception
    {
        final ActorRef ref = identify(path);
        resolved.put(path, ref);
        return ref;
    }

    private ActorRef identify(final String path) throws Exception
    {
        final long deadline = System.nanoTime() + RESOLVE_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline)
        {
            try
            {
                final ActorIdentity identity = (ActorIdentity)Patterns.ask(
                    system.actorSelection(path), new Identify(path), Duration.ofSeconds(2))
                    .toCompletableFuture().get(3, TimeUnit.SECONDS);
                if (identity.getActorRef().isPresent())
                {
                    return identity.getActorRef().get();
                }
                last = new IllegalStateException("no actor at " + path);
            }
            catch (final Exception ex)
            {
                last = ex;
            }
        }
        throw new IllegalStateException("could not resolve " + path + " within " + RESOLVE_TIMEOUT, last);
    }

    private void stream(final ActorRef target, final long count) throws InterruptedException
    {
        final int windowSize = 50_000;
        final Semaphore window = new Semaphore(windowSize);
        final ActorRef acks = system.actorOf(NodeActors.AckReceiver.props(window));
        for (long i = 0; i < count; i++)
        {
            if (!window.tryAcquire(60, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("no acknowledgement for 60 s after " + i + " messages");
            }
            target.tell(ByteBuffer.allocate(16).putLong(i).array(), acks);
        }
        final int outstanding = (int)Math.min(count, windowSize);
        if (!window.tryAcquire(outstanding, 60, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("the last messages were not acknowledged within 60 s");
        }
        ChildControl.report("STREAMED " + count);
    }

    private void sendSharedBlobs(final ActorRef target, final long size, final int count)
    {
        final StringBuilder files = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            final SharedBlob blob = ShmBlobs.get(system).allocate(size);
            ZeroCopyActors.fill(blob.buffer(), size, i);
            files.append(0 == i ? "" : ",").append(blob.file());
            target.tell(blob, ActorRef.noSender());
        }
        ChildControl.report("ZC-SENT " + count + " " + files);
    }

    private void typedAsk(final String path, final String name) throws Exception
    {
        final org.apache.pekko.actor.typed.ActorRef<Messages.Greet> greeter = Adapter.toTyped(resolve(path));
        final Messages.Greeting greeting = AskPattern.<Messages.Greet, Messages.Greeting>ask(
            greeter, replyTo -> new Messages.Greet(name, replyTo), Duration.ofSeconds(10),
            Adapter.toTyped(system).scheduler()).toCompletableFuture().get(15, TimeUnit.SECONDS);
        ChildControl.report("GREETED " + greeting.text());
    }
}
