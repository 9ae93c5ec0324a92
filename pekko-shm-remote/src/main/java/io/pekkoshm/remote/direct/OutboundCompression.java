package io.pekkoshm.remote.direct;

/** The three compression tables of one association's sending end. Guarded by the association's outbox lock. */
final class OutboundCompression
{
    final OutboundTable recipients;
    final OutboundTable senders;
    final OutboundTable manifests;

    OutboundCompression(final int capacity)
    {
        recipients = new OutboundTable(capacity);
        senders = new OutboundTable(capacity);
        manifests = new OutboundTable(capacity);
    }
}
