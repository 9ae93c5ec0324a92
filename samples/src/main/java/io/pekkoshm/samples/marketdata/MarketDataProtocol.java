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
     * The feed has sent everything.
     *
     * @param quotes       how many quotes it sent to each consumer.
     * @param lastSequence the last sequence number sent of each symbol.
     */
    record EndOfFeed(long quotes, Map<String, Long> lastSequence) implements KryoMessage
    {
    }

    /**
     * What a consumer saw, sent to the feed after {@link EndOfFeed}.
     *
     * @param consumer   the consumer's name.
     * @param quotes     quotes received.
     * @param gaps       quotes missing (a sequence number skipped, or a symbol's last ones never arrived).
     * @param outOfOrder quotes that came with a sequence number not above the last one of their symbol.
     */
    record Report(String consumer, long quotes, long gaps, long outOfOrder) implements KryoMessage
    {
    }

    /** The consumer shuts down and its JVM exits. */
    record Stop() implements KryoMessage
    {
    }

    /** A consumer acknowledges every this many quotes. */
    static final int ACK_EVERY = 500;

    private MarketDataProtocol()
    {
    }
}
