package io.pekkoshm.samples.marketdata;

import io.pekkoshm.remote.serialization.KryoMessage;

import java.util.Map;

/** The market-data sample's messages, registered in {@code market-data.conf}. */
final class MarketDataProtocol
{
    /**
     * One quote: the feed numbers the quotes of each symbol 1, 2, 3, ... so a consumer can tell a gap.
     *
     * @param symbol    the instrument.
     * @param seq       the quote's number among the quotes of its symbol, from 1.
     * @param bid       the bid price.
     * @param ask       the ask price.
     * @param sentNanos the feed's {@link System#nanoTime()} when it sent the quote (one clock for the whole host on
     *                  Linux, so the consumer can take its latency).
     */
    record Quote(String symbol, long seq, double bid, double ask, long sentNanos) implements KryoMessage
    {
    }

    /** A consumer asks for the quotes; the sender is the consumer's actor. */
    record Subscribe(String consumer) implements KryoMessage
    {
    }

    /** Flow control: the consumer has received this many quotes. */
    record Ack(long received) implements KryoMessage
    {
    }

    /**
     * The feed has sent every quote of a phase. The next phase numbers each symbol's quotes from 1 again.
     *
     * @param phase        {@link #FULL_SPEED} or {@link #PACED}.
     * @param quotes       how many quotes it sent to each consumer in the phase.
     * @param lastSequence the last sequence number sent of each symbol in the phase.
     */
    record EndOfFeed(int phase, long quotes, Map<String, Long> lastSequence) implements KryoMessage
    {
    }

    /**
     * What a consumer saw in a phase, sent to the feed after {@link EndOfFeed}.
     *
     * @param consumer   the consumer's name.
     * @param phase      {@link #FULL_SPEED} or {@link #PACED}.
     * @param quotes     quotes received.
     * @param gaps       quotes missing (a sequence number skipped, or a symbol's last ones never arrived).
     * @param outOfOrder quotes that came with a sequence number not above the last one of their symbol.
     */
    record Report(String consumer, int phase, long quotes, long gaps, long outOfOrder) implements KryoMessage
    {
    }

    /** The consumer shuts down and its JVM exits. */
    record Stop() implements KryoMessage
    {
    }

    /** A consumer acknowledges every this many quotes (counted over both phases). */
    static final int ACK_EVERY = 500;

    /** The first phase: as fast as the flow-control window lets the feed send. */
    static final int FULL_SPEED = 1;

    /** The second phase: the feed sends on a schedule, at a rate the consumers can follow. */
    static final int PACED = 2;

    /**
     * @param phase {@link #FULL_SPEED} or {@link #PACED}.
     * @return its name in the output.
     */
    static String phaseName(final int phase)
    {
        return FULL_SPEED == phase ? "full speed" : "paced";
    }

    private MarketDataProtocol()
    {
    }
}
