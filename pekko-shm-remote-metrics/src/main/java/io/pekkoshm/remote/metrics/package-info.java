/**
 * Optional Micrometer metrics for pekko-shm-remote: {@link io.pekkoshm.remote.metrics.ShmRemoteMetrics} binds a
 * node's counters and gauges, and the per-association and per-peer views of its public API
 * ({@code ShmRemote.counters()}, {@code associations()}, {@code directPending()}), to any {@code MeterRegistry}.
 * The plugin itself has no metrics dependency.
 */
package io.pekkoshm.remote.metrics;
