/**
 * The plugin's JDK Flight Recorder events, in the style of Artery's ({@code org.apache.pekko.remote.artery.jfr}): the
 * life of each association (handshake started, established, ended, quarantined), messages dropped with their reason,
 * the blob store (block allocated, claimed, reclaimed; pool grown and shrunk), the media driver (lost, re-attached),
 * back-pressure episodes (a duration event per episode) and the direct path's switches between classic, barrier,
 * direct and congested.
 * <p>
 * The rest of the plugin calls one sink, {@link io.pekkoshm.remote.jfr.ShmFlightRecorder}, with plain values (no
 * plugin type crosses into this package, and it depends on no other package of the plugin). Every event is named
 * {@code io.pekkoshm.remote.<Event>} and filed under the categories Pekko / Remoting / Shared memory, so
 * {@code jfr print --categories "Shared memory" recording.jfr} lists them all. None is on a per-message path:
 * each call site is per association, per episode, per blob or per drop, and each sink method checks that its event
 * is enabled before it builds anything.
 */
package io.pekkoshm.remote.jfr;
