package com.example.outside;

import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An ordinary Pekko application with no code about shared memory: its application.conf enables the transport.
 * <pre>
 *   pong                      starts actor system "pong" with an echo actor; prints "PONG-READY address"; runs until
 *                             the end of stdin (or 90 s)
 *   ping ADDRESS COUNT        starts actor system "ping", asks the echo actor at ADDRESS COUNT times, checks every
 *                             reply, prints "PING-OK COUNT ..." and exits
 * </pre>
 * Exit status 0 on success, 1 on failure (with a "FAILED" line), 2 for bad arguments.
 */
public final class OutsideApp
{
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);

    public static void main(final String[] args) throws Exception
    {
        if (args.length == 1 && "pong".equals(args[0]))
        {
            System.exit(pong());
        }
        else if (args.length == 3 && "ping".equals(args[0]))
        {
            System.exit(ping(args[1], Integer.parseInt(args[2])));
        }
        System.err.println("usage: OutsideApp pong | ping ADDRESS COUNT");
        System.exit(2);
    }

    /** Replies to every text with "echo:" + the text. */
    static final class Echo extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(String.class, text -> getSender().tell("echo:" + text, getSelf()))
                .build();
        }
    }

    private static int pong() throws Exception
    {
        final ActorSystem system = ActorSystem.create("pong");
        system.actorOf(Props.create(Echo.class), "echo");
        say("PONG-READY " + ((ExtendedActorSystem)system).provider().getDefaultAddress());

        final Thread stdinWatcher = new Thread(() ->
        {
            try (InputStream in = System.in)
            {
                while (in.read() >= 0)
                {
                    // Only the end of stdin matters: the parent closed it or died.
                }
            }
            catch (final IOException ex)
            {
                // Same as the end of stdin.
            }
            system.terminate();
        }, "stdin-watcher");
        stdinWatcher.setDaemon(true);
        stdinWatcher.start();

        try
        {
            system.getWhenTerminated().toCompletableFuture().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            say("PONG-DONE");
            return 0;
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            say("PONG-FAILED: still running after " + DEADLINE);
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return 1;
        }
    }

    private static int ping(final String pongAddress, final int count) throws Exception
    {
        final ActorSystem system = ActorSystem.create("ping");
        int status = 1;
        try
        {
            final ActorIdentity identity = (ActorIdentity)Patterns.ask(
                system.actorSelection(pongAddress + "/user/echo"), new Identify("echo"), ASK_TIMEOUT)
                .toCompletableFuture().get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            final ActorRef echo = identity.getActorRef()
                .orElseThrow(() -> new IllegalStateException("no actor at " + pongAddress + "/user/echo"));
            for (int i = 0; i < count; i++)
            {
                final Object reply = Patterns.ask(echo, "m" + i, ASK_TIMEOUT)
                    .toCompletableFuture().get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (!("echo:m" + i).equals(reply))
                {
                    throw new IllegalStateException("reply " + i + " was " + reply);
                }
            }
            say("PING-OK " + count + " replies from " + echo.path());
            status = 0;
        }
        catch (final Exception ex)
        {
            say("PING-FAILED: " + ex);
        }
        finally
        {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        return status;
    }

    private static void say(final String line)
    {
        System.out.println(line);
        System.out.flush();
    }
}
