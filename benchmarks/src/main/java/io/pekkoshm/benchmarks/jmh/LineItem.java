package io.pekkoshm.benchmarks.jmh;

/** One line of a {@link LargeRecord}. */
public record LineItem(String sku, int quantity, long priceCents)
{
}
