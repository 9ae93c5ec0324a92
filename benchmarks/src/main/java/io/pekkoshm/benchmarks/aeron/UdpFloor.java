package io.pekkoshm.benchmarks.aeron;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.logbuffer.FragmentHandler;
import io.pekkoshm.benchmarks.workloads.CpuMeter;
import io.pekkoshm.remote.driver.DriverContexts;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The floor of bandwidth across hosts on this machine: raw Aeron UDP over loopback between two JVMs, each with its
 * own media driver as the plugin starts it (SHARED threading mode, the plugin's idle strategy), the sender on
 * 127.0.0.1 streaming 64 KiB messages to the receiver on 127.0.0.2 with no Pekko, no serialization and no
 * acknowledgement above Aeron's own flow control. Runs each MTU and socket buffer of {@link #CASES} for a few seconds
 * and prints the receiver's MiB/s and the CPU both processes spent per MiB.
 * <pre>
 *   mvn -q -Pudp-floor -pl benchmarks -am verify -DskipTests
 * </pre>
 * What it measures is what an association of the plugin across hosts could carry at best here: each datagram costs
 * a system call in the sending driver and one in the receiving driver.
 */
public final class UdpFloor
{
    /** MTU, socket buffer and receiver window (0: Aeron's defaults). */
    private static final int[][] CASES = {{1408, 0}, {1408, 2 << 20}, {8192, 2 << 20}};
    private static final int MESSAGE = 64 * 1024;
    private static final int STREAM = 4711;
    private static final long SECONDS = 5;

    private UdpFloor()
    {
    }

    /**
     * Without arguments, runs every case in two child JVMs and prints a line per case; with
     * {@code send|receive <aeron dir> <mtu> <socket buffer> <port>}, is one of them.
     */
    public static void main(final String[] args) throws Exception
    {
        if (0 == args.length)
        {
            System.out.println("Raw Aeron UDP over loopback, two JVMs, a media driver each (SHARED), " +
                MESSAGE / 1024 + " KiB messages, " + SECONDS + " s per case:");
            for (final int[] c : CASES)
            {
                System.out.println(runCase(c[0], c[1]));
            }
            return;
        }
        final boolean send = "send".equals(args[0]);
        final Path directory = Path.of(args[1]);
        final int mtu = Integer.parseInt(args[2]);
        final int buffer = Integer.parseInt(args[3]);
        final int port = Integer.parseInt(args[4]);
        final String buffers =
            0 == buffer ? "" : "|so-sndbuf=" + buffer + "|so-rcvbuf=" + buffer + "|rcv-wnd=" + buffer;
        final String channel = "aeron:udp?endpoint=127.0.0.2:" + port + "|mtu=" + mtu + "|term-length=4m" + buffers;
        try (MediaDriver driver = MediaDriver.launch(DriverContexts.mediaDriver(directory,
                TimeUnit.SECONDS.toNanos(10), 3, TimeUnit.MILLISECONDS.toNanos(10)));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(directory.toString())))
        {
            System.out.println(send ? stream(aeron.addExclusivePublication(channel, STREAM)) :
                receive(aeron.addSubscription(channel, STREAM)));
        }
    }

    private static String runCase(final int mtu, final int buffer) throws IOException, InterruptedException
    {
        final Path root = Files.createTempDirectory(Path.of("/dev/shm"), "udp-floor-");
        final int port = 40_000 + (int)(ProcessHandle.current().pid() % 20_000);
        final Process receiver = child("receive", root.resolve("b"), mtu, buffer, port);
        final Process sender = child("send", root.resolve("a"), mtu, buffer, port);
        final String received = firstLine(receiver);
        final String sent = firstLine(sender);
        receiver.waitFor(30, TimeUnit.SECONDS);
        sender.waitFor(30, TimeUnit.SECONDS);
        sender.destroy();
        receiver.destroy();
        Files.deleteIfExists(root);
        return "  mtu " + mtu + ", socket buffers and receiver window " +
            (0 == buffer ? "Aeron's defaults" : buffer / 1024 + " KiB") + ": " + received + "; " + sent;
    }

    private static String firstLine(final Process process) throws IOException
    {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8)))
        {
            return out.readLine();
        }
    }

    private static Process child(final String role, final Path directory, final int mtu, final int buffer,
        final int port) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens",
            "java.base/sun.nio.ch=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
            UdpFloor.class.getName(), role, directory.toString(), Integer.toString(mtu), Integer.toString(buffer),
            Integer.toString(port)));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Offers 64 KiB messages for as long as the receiver measures, and two seconds more; the result line. */
    private static String stream(final ExclusivePublication publication)
    {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE]);
        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1000, 1_000_000);
        final long connectBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!publication.isConnected() && System.nanoTime() < connectBy)
        {
            idle.idle();
        }
        final long cpuBefore = CpuMeter.ownCpuNs();
        final long start = System.nanoTime();
        long offered = 0;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(SECONDS + 2)) // the receiver measures SECONDS
        {
            final boolean taken = publication.offer(message, 0, MESSAGE) > 0;
            offered += taken ? MESSAGE : 0;
            idle.idle(taken ? 1 : 0);
        }
        return String.format("the sending JVM (its driver included) %.2f ms of CPU per MiB",
            (CpuMeter.ownCpuNs() - cpuBefore) / 1e6 / (offered / (1024.0 * 1024.0)));
    }

    private static String result(final long bytes, final long nanos, final long cpuNanos)
    {
        final double mib = bytes / (1024.0 * 1024.0);
        return String.format("%.0f MiB/s, the receiving JVM (its driver included) %.2f ms of CPU per MiB",
            mib / (nanos / 1e9), cpuNanos / 1e6 / mib);
    }

    /** Reads for {@link #SECONDS} after the first message; the result line. */
    private static String receive(final Subscription subscription)
    {
        final long[] bytes = new long[1];
        final FragmentHandler handler = (buffer, offset, length, header) -> bytes[0] += length;
        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1000, 1_000_000);
        final long connectBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (0 == bytes[0] && System.nanoTime() < connectBy)
        {
            idle.idle(subscription.poll(handler, 64));
        }
        final long cpuBefore = CpuMeter.ownCpuNs();
        final long start = System.nanoTime();
        final long startBytes = bytes[0];
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(SECONDS))
        {
            idle.idle(subscription.poll(handler, 64));
        }
        return result(bytes[0] - startBytes, System.nanoTime() - start, CpuMeter.ownCpuNs() - cpuBefore);
    }
}
