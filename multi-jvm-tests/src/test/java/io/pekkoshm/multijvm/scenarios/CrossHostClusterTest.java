package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.multijvm.nodes.Messages.Greet;
import io.pekkoshm.multijvm.nodes.Messages.Greeting;
import io.pekkoshm.multijvm.nodes.Messages.RelayReply;
import io.pekkoshm.multijvm.nodes.Messages.RelayRequest;
import io.pekkoshm.multijvm.nodes.PathMode;
import io.pekkoshm.remote.ShmAssociationSnapshot;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.testkit.Guardian;
import io.pekkoshm.testkit.MultiJvmExtension;
import io.pekkoshm.testkit.Node;
import io.pekkoshm.testkit.NodeContext;
import io.pekkoshm.testkit.NodeSpec;
import io.pekkoshm.testkit.NodeStep;
import io.pekkoshm.testkit.process.Processes;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.pattern.Patterns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Pekko Cluster across two simulated hosts on this machine (issue 15): host A is the shared directory
 * {@code <test directory>/host-a} with hostname 127.0.0.1, host B {@code <test directory>/host-b} with 127.0.0.2;
 * each directory gets a media driver of its own. Two members per host (a1, a2; b1, b2), cross-host enabled with one
 * secret, all joined to a1; every test starts with each member seeing the four Up. Within a host the members talk
 * over Aeron IPC, across hosts over Aeron UDP, chosen by the plugin per peer.
 * <ul>
 * <li>messages: typed ask with a replyTo, actorSelection, an ActorRef inside a message, each within a host and across
 * hosts both ways; the association view shows IPC to the member of the same host and UDP to those of the other;</li>
 * <li>kill -9 of b2: a watcher on a1 gets Terminated, the others remove b2; restarted on its address, b2 rejoins;</li>
 * <li>partition: host B's media driver frozen (SIGSTOP); keep-majority (2 against 2) keeps host A, whose members
 * remove host B's, and host B's members down themselves and shut down.</li>
 * </ul>
 * It runs in the direct-path execution only (the classic one would take as long again over the same transport): the
 * default suite stays within its time.
 */
@Timeout(400)
@EnabledIfSystemProperty(named = "multijvm.direct", matches = "true")
class CrossHostClusterTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final String HOST_A = "127.0.0.1";
    private static final String HOST_B = "127.0.0.2";
    private static final String DRIVER_PID = "pekko.shm node \\S+ is listening \\(media driver pid (\\d+)";

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension()
        .commonConfig("pekko.actor.provider = cluster")
        .commonConfig(PathMode.direct() ? "include classpath(\"pekko-shm-cluster\")" : "")
        .timeout(TIMEOUT);

    @TempDir
    Path secrets;

    private Node a1;
    private Node a2;
    private Node b1;
    private Node b2;

    @Test
    void shouldFormAClusterAcrossTwoHostsAndCarryMessagesOverIpcWithinAHostAndUdpAcrossHosts() throws IOException
    {
        formClusterOfTwoHosts();

        // typed ask whose reply goes to the replyTo inside the request
        assertEquals("hello x from " + a2.address(), a1.run(AskGreeter.class, greeter(a2), "x"), "within host A");
        assertEquals("hello y from " + b2.address(), b1.run(AskGreeter.class, greeter(b2), "y"), "within host B");
        assertEquals("hello z from " + b1.address(), a1.run(AskGreeter.class, greeter(b1), "z"), "A to B");
        assertEquals("hello w from " + a2.address(), b2.run(AskGreeter.class, greeter(a2), "w"), "B to A");

        // actorSelection (classic ask of a selection, answered to the sender)
        assertEquals("s1 from " + a1.address(), a2.run(AskBySelection.class, relay(a1), "s1"), "within host A");
        assertEquals("s2 from " + b2.address(), b1.run(AskBySelection.class, relay(b2), "s2"), "within host B");
        assertEquals("s3 from " + b2.address(), a2.run(AskBySelection.class, relay(b2), "s3"), "A to B");
        assertEquals("s4 from " + a1.address(), b1.run(AskBySelection.class, relay(a1), "s4"), "B to A");

        // an ActorRef inside a message: the relay answers the ref in the request, not the sender
        assertEquals("r1 from " + a2.address(), a1.run(RelayToRefInside.class, relay(a2), "r1"), "within host A");
        assertEquals("r2 from " + b1.address(), b2.run(RelayToRefInside.class, relay(b1), "r2"), "within host B");
        assertEquals("r3 from " + b1.address(), a1.run(RelayToRefInside.class, relay(b1), "r3"), "A to B");
        assertEquals("r4 from " + a1.address(), b2.run(RelayToRefInside.class, relay(a1), "r4"), "B to A");

        // the medium of each association: IPC to the member of the same host, UDP to those of the other, each
        // having carried messages
        final List<Node> all = List.of(a1, a2, b1, b2);
        for (final Node node : all)
        {
            final Map<String, String> expected = new TreeMap<>();
            for (final Node peer : all)
            {
                if (peer != node)
                {
                    expected.put(hostPort(peer), host(peer).equals(host(node)) ? ShmAssociationSnapshot.IPC :
                        ShmAssociationSnapshot.UDP);
                }
            }
            assertEquals(expected, node.run(MediaByPeer.class, expected.keySet().toArray(String[]::new)),
                "the medium of " + node.name() + "'s associations, by peer");
        }
    }

    @Test
    void shouldRemoveAMemberOfTheOtherHostKilledWithKill9AndLetItRejoinAfterARestart() throws IOException
    {
        formClusterOfTwoHosts();
        final String watched = greeter(b2);
        assertNotEquals("0", a1.run(WatchActor.class, watched), "a1 watches b2's greeter by a ref with its uid");

        b2.kill();

        assertEquals("terminated " + watched, a1.run(AwaitTerminated.class), "a1's watcher of b2's greeter");
        for (final Node node : List.of(a1, a2, b1))
        {
            node.run(AwaitMembersUp.class, a1.address(), a2.address(), b1.address());
        }

        final Node restarted = multiJvm.restart(b2);
        assertEquals(b2.address(), restarted.address(), "the restart is on the same address");
        b2 = restarted;
        b2.run(JoinCluster.class, a1.address());
        for (final Node node : List.of(a1, a2, b1, b2))
        {
            node.run(AwaitMembersUp.class, a1.address(), a2.address(), b1.address(), b2.address());
        }
        assertEquals("hello again from " + b2.address(), a1.run(AskGreeter.class, greeter(b2), "again"),
            "the new incarnation answers across hosts");
    }

    @Test
    void shouldKeepHostAsMembersAndRemoveHostBsWhenHostBIsPartitioned() throws IOException
    {
        formClusterOfTwoHosts();
        final long driverB = driverPid(b1);
        assertEquals(driverB, driverPid(b2), "b1 and b2 share host B's media driver");
        assertNotEquals(driverPid(a1), driverB, "host A has a media driver of its own");
        multiJvm.killAtEnd(driverB);

        // host B's media driver frozen: nothing goes to or comes from host B's members, which keep running (in some
        // runs IPC between them stalls too and each downs itself alone; either way host A's side is kept)
        Processes.signal(driverB, "STOP");
        try
        {
            // 2 against 2: keep-majority keeps the side with the lowest address, 127.0.0.1
            a1.run(AwaitMembersUp.class, a1.address(), a2.address());
            a2.run(AwaitMembersUp.class, a1.address(), a2.address());
        }
        finally
        {
            Processes.signal(driverB, "CONT");
        }
        // the other side downs itself (no second cluster): a node whose actor system terminated exits with 0
        assertEquals(0, b1.process().awaitExit(TIMEOUT), "b1 shuts down once its side downed itself");
        assertEquals(0, b2.process().awaitExit(TIMEOUT), "b2 shuts down once its side downed itself");
        assertEquals("hello after from " + a2.address(), a1.run(AskGreeter.class, greeter(a2), "after"),
            "host A's members still talk");
    }

    /** Starts a1 and a2 on host A, b1 and b2 on host B; all join a1; every member sees the four Up. */
    private void formClusterOfTwoHosts() throws IOException
    {
        final Path secret = secret();
        final List<Node> nodes = multiJvm.startNodes(member("a1", "host-a", HOST_A, secret),
            member("a2", "host-a", HOST_A, secret), member("b1", "host-b", HOST_B, secret),
            member("b2", "host-b", HOST_B, secret));
        a1 = nodes.get(0);
        a2 = nodes.get(1);
        b1 = nodes.get(2);
        b2 = nodes.get(3);
        for (final Node node : nodes)
        {
            assertTrue(node.address().contains("@" + (node.name().startsWith("a") ? HOST_A : HOST_B) + ":"),
                node.address());
            node.run(JoinCluster.class, a1.address());
        }
        for (final Node node : nodes)
        {
            node.run(AwaitMembersUp.class, a1.address(), a2.address(), b1.address(), b2.address());
        }
    }

    private static NodeSpec member(final String name, final String directory, final String hostname,
        final Path secret)
    {
        return NodeSpec.guardian(name, ClusterNode.class).config("""
            pekko.remote.shm.directory = ${multijvm.shm-directory}"/%s"
            pekko.remote.shm.hostname = "%s"
            pekko.remote.shm.cross-host.enabled = on
            pekko.remote.shm.cross-host.secret-file = "%s"
            """.formatted(directory, hostname, secret));
    }

    /** The cluster's secret: 32 random bytes, readable by this user only. */
    private Path secret() throws IOException
    {
        return writeSecret(secrets);
    }

    /** {@return a new secret for cross-host nodes in {@code directory}: 32 random bytes, readable by this user only} */
    static Path writeSecret(final Path directory) throws IOException
    {
        final byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        final Path secret = directory.resolve("cross-host-secret");
        Files.write(secret, bytes);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        return secret;
    }

    private static long driverPid(final Node node)
    {
        final Matcher listening = node.process().awaitLine(DRIVER_PID, TIMEOUT);
        return Long.parseLong(listening.group(1));
    }

    private static String greeter(final Node node)
    {
        return node.address() + "/user/greeter";
    }

    private static String relay(final Node node)
    {
        return node.address() + "/user/relay";
    }

    private static String host(final Node node)
    {
        return AddressFromURIString.parse(node.address()).host().get();
    }

    private static String hostPort(final Node node)
    {
        return hostPort(AddressFromURIString.parse(node.address()));
    }

    private static String hostPort(final Address address)
    {
        return address.host().get() + ":" + address.port().get();
    }

    /**
     * A member: {@code /user/greeter} answers a typed {@link Greet} to its replyTo; {@code /user/relay} (classic)
     * answers a {@link RelayRequest} to the ref inside it and a String to its sender, each naming this node.
     */
    public static final class ClusterNode implements Guardian
    {
        @Override
        public Behavior<?> create()
        {
            return Behaviors.setup(context ->
            {
                final String self = ((ExtendedActorSystem)Adapter.toClassic(context.getSystem())).provider()
                    .getDefaultAddress().toString();
                context.spawn(Behaviors.receiveMessage((Greet greet) ->
                {
                    greet.replyTo().tell(new Greeting("hello " + greet.name() + " from " + self));
                    return Behaviors.same();
                }), "greeter");
                Adapter.actorOf(context, Props.create(Relay.class, self), "relay");
                return Behaviors.empty();
            });
        }
    }

    /** See {@link ClusterNode}. */
    static final class Relay extends AbstractActor
    {
        private final String self;

        Relay(final String self)
        {
            this.self = self;
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(RelayRequest.class, request ->
                    request.replyTo().tell(new RelayReply(request.text(), self), ActorRef.noSender()))
                .match(String.class, text -> getSender().tell(text + " from " + self, getSelf()))
                .build();
        }
    }

    /** Joins the cluster of the seed whose address is {@code args[0]}. */
    public static final class JoinCluster implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            Cluster.get(node.system()).manager().tell(Join.create(AddressFromURIString.parse(args.get(0))));
            return "joining";
        }
    }

    /** Waits until the members are exactly {@code args}, each Up, as this node sees them. */
    public static final class AwaitMembersUp implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            final TreeSet<String> expected = new TreeSet<>(args);
            final Cluster cluster = Cluster.get(node.system());
            final long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (true)
            {
                final List<Member> members = StreamSupport
                    .stream(cluster.state().getMembers().spliterator(), false).toList();
                final TreeSet<String> up = members.stream().filter(m -> m.status() == MemberStatus.up())
                    .map(m -> m.address().toString()).collect(Collectors.toCollection(TreeSet::new));
                if (up.equals(expected) && members.size() == expected.size())
                {
                    return "up: " + up;
                }
                if (System.nanoTime() - deadline > 0)
                {
                    throw new AssertionError(node.nodeName() + " did not see exactly " + expected + " Up within " +
                        TIMEOUT + "; members: " + members + ", unreachable: " + cluster.state().getUnreachable());
                }
                LockSupport.parkNanos(POLL.toNanos());
            }
        }
    }

    /** Asks the typed greeter at {@code args[0]} to greet {@code args[1]}; answers the greeting's text. */
    public static final class AskGreeter implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args) throws Exception
        {
            final org.apache.pekko.actor.typed.ActorRef<Greet> greeter =
                node.resolve(args.get(0), Greet.class, TIMEOUT);
            return AskPattern.<Greet, Greeting>ask(greeter, replyTo -> new Greet(args.get(1), replyTo), TIMEOUT,
                node.system().scheduler()).toCompletableFuture().get().text();
        }
    }

    /** Asks {@code actorSelection(args[0])} with the String {@code args[1]}; answers the reply. */
    public static final class AskBySelection implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args) throws Exception
        {
            return (String)Patterns.ask(node.classicSystem().actorSelection(args.get(0)), args.get(1), TIMEOUT)
                .toCompletableFuture().get();
        }
    }

    /** Sends the relay at {@code args[0]} a {@link RelayRequest} carrying the ref to answer; answers the reply. */
    public static final class RelayToRefInside implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args) throws Exception
        {
            final ActorRef relay = node.resolve(args.get(0), TIMEOUT);
            final RelayReply reply = (RelayReply)Patterns.askWithReplyTo(relay,
                replyTo -> new RelayRequest(args.get(1), replyTo), TIMEOUT).toCompletableFuture().get();
            return reply.text() + " from " + reply.from();
        }
    }

    /**
     * Waits until this node's associations to each peer {@code host:port} of {@code args} have sent messages; answers
     * the media of its associations by peer ({@code host:port -> ipc}, two media joined by {@code +}).
     */
    public static final class MediaByPeer implements NodeStep<TreeMap<String, String>>
    {
        @Override
        public TreeMap<String, String> run(final NodeContext node, final List<String> args)
        {
            final ShmRemote remote = ShmRemote.get(node.classicSystem());
            final long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (true)
            {
                final List<ShmAssociationSnapshot> associations = remote.associations();
                final TreeMap<String, TreeSet<String>> media = new TreeMap<>();
                final TreeMap<String, Long> sent = new TreeMap<>();
                for (final ShmAssociationSnapshot association : associations)
                {
                    final String peer = hostPort(AddressFromURIString.parse(association.peerAddress()));
                    media.computeIfAbsent(peer, p -> new TreeSet<>()).add(association.medium());
                    sent.merge(peer, association.messagesSent(), Long::sum);
                }
                if (args.stream().allMatch(peer -> sent.getOrDefault(peer, 0L) > 0))
                {
                    final TreeMap<String, String> answer = new TreeMap<>();
                    media.forEach((peer, used) -> answer.put(peer, String.join("+", used)));
                    return answer;
                }
                if (System.nanoTime() - deadline > 0)
                {
                    throw new AssertionError(node.nodeName() + " had not sent messages to each of " + args +
                        " within " + TIMEOUT + ": " + associations);
                }
                LockSupport.parkNanos(POLL.toNanos());
            }
        }
    }

    /**
     * Watches the actor at {@code args[0]}, resolved with its uid (Identify), from a typed actor of this node that
     * tells the probe "terminated" for {@link AwaitTerminated}; answers the uid.
     */
    public static final class WatchActor implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            final ActorRef target = node.resolve(args.get(0), TIMEOUT);
            final TestProbe<String> probe = node.probe("terminated", String.class);
            final String path = args.get(0);
            node.spawn(Behaviors.<String>setup(context ->
            {
                context.watch(Adapter.toTyped(target));
                return Behaviors.receive(String.class)
                    .onSignal(Terminated.class, signal ->
                    {
                        probe.ref().tell("terminated " + path);
                        return Behaviors.same();
                    })
                    .build();
            }), "watcher");
            return Integer.toString(target.path().uid());
        }
    }

    /** Waits for the watcher of {@link WatchActor} to see its actor terminated; answers what it told. */
    public static final class AwaitTerminated implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            return node.probe("terminated", String.class).receiveMessage(TIMEOUT);
        }
    }
}
