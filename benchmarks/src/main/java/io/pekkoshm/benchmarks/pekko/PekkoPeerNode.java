package io.pekkoshm.benchmarks.pekko;

import io.pekkoshm.benchmarks.workloads.ChildOutput;
import io.pekkoshm.benchmarks.workloads.NodeArgs;
import io.pekkoshm.benchmarks.workloads.RunnerCommands;
import io.pekkoshm.benchmarks.zerocopy.ZeroCopyBulk;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The receiving node of a Pekko session (a child JVM): starts actor system {@code peer} with the session's
 * configuration, creates {@link PeerActor} and {@link BulkActor}, says {@code BENCH-READY <address>}, and lives until
 * the runner says {@code shutdown} (it does once the driver node has gone) or closes its standard input.
 * <pre>
 *   PekkoPeerNode config=&lt;file.conf&gt; [bulk=zero-copy]
 * </pre>
 * With {@code bulk=zero-copy}, {@code /user/bulk} receives the plugin's zero-copy blobs ({@link ZeroCopyBulk}).
 */
public final class PekkoPeerNode
{
    private PekkoPeerNode()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final CompletableFuture<Void> shutdown = RunnerCommands.start().shutdown();
        final NodeArgs arguments = NodeArgs.parse(args);
        final ActorSystem system = ActorSystem.create("peer", PekkoNodes.load(arguments.get("config")));
        PekkoNodes.runThenExit(system, () ->
        {
            system.actorOf(Props.create(PeerActor.class), "peer");
            system.actorOf(PekkoDriverNode.ZERO_COPY.equals(arguments.get(PekkoDriverNode.BULK, "")) ?
                ZeroCopyBulk.peerProps() : Props.create(BulkActor.class), "bulk");
            ChildOutput.ready(PekkoNodes.address(system));
            shutdown.get(1, TimeUnit.HOURS);
        });
    }
}
