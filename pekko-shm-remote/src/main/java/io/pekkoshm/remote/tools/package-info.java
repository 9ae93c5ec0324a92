/**
 * Tools for people running pekko-shm nodes: {@link io.pekkoshm.remote.tools.ShmStatus} shows the nodes, the media
 * driver, the counters and the shared memory of this host, reading the plugin's files without disturbing anything.
 */
package io.pekkoshm.remote.tools;
