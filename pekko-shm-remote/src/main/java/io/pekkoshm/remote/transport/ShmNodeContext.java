package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.ShmSettings;
import org.apache.pekko.event.LoggingAdapter;

import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * What a node is started with, given by the layer above (Aeron's {@code MediaDriver.Context} in spirit): fluent
 * setters, and {@link #conclude()}, which checks it once when {@link ShmNode#start} starts the node. Not thread-safe;
 * not to be changed once the node started.
 */
public final class ShmNodeContext
{
    ShmSettings settings;
    String scheme = "shm";
    String systemName;
    long pekkoUid;
    boolean acceptsDirect;
    String directProvider = "";
    LoggingAdapter log;
    ShmNode.PeerExit peerExit;
    BiConsumer<String, String> blobDrops = (what, why) -> { };
    AgentTasks tasks = AgentTasks.NONE;

    /** An empty context: scheme "shm", no direct path, blob drops ignored; the rest must be set. */
    public ShmNodeContext()
    {
    }

    /**
     * @param settings the node's settings, parsed once.
     * @return this.
     */
    public ShmNodeContext settings(final ShmSettings settings)
    {
        this.settings = settings;
        return this;
    }

    /**
     * @param scheme the scheme of the node's addresses below classic's prefix: "shm", or "tcp" for a cluster.
     * @return this.
     */
    public ShmNodeContext scheme(final String scheme)
    {
        this.scheme = scheme;
        return this;
    }

    /**
     * @param systemName the actor system's name, the system part of the node's address.
     * @param pekkoUid   the actor system's uid, sent in handshakes.
     * @return this.
     */
    public ShmNodeContext system(final String systemName, final long pekkoUid)
    {
        this.systemName = systemName;
        this.pekkoUid = pekkoUid;
        return this;
    }

    /**
     * @param acceptsDirect  whether the actor system runs a direct-path provider (decodes DIRECT frames).
     * @param directProvider the class name of that provider, or of the actor system's provider when it is not one
     *                       (named to a peer that could take the direct path with this node).
     * @return this.
     */
    public ShmNodeContext directPath(final boolean acceptsDirect, final String directProvider)
    {
        this.acceptsDirect = acceptsDirect;
        this.directProvider = directProvider;
        return this;
    }

    /**
     * @param log where the node logs.
     * @return this.
     */
    public ShmNodeContext log(final LoggingAdapter log)
    {
        this.log = log;
        return this;
    }

    /**
     * @param peerExit what is done when a peer's process exits, on the node agent's thread.
     * @return this.
     */
    public ShmNodeContext peerExit(final ShmNode.PeerExit peerExit)
    {
        this.peerExit = peerExit;
        return this;
    }

    /**
     * @param blobDrops told of each payload the blob store could not place (what, why); on the writer's thread.
     * @return this.
     */
    public ShmNodeContext blobDrops(final BiConsumer<String, String> blobDrops)
    {
        this.blobDrops = blobDrops;
        return this;
    }

    /**
     * @param tasks work of the layer above that runs on the node's thread in its duty cycle (inline actors).
     * @return this.
     */
    public ShmNodeContext tasks(final AgentTasks tasks)
    {
        this.tasks = tasks;
        return this;
    }

    /**
     * Checks that everything a node needs was given.
     *
     * @return this.
     * @throws NullPointerException naming what is missing.
     */
    public ShmNodeContext conclude()
    {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(systemName, "systemName");
        Objects.requireNonNull(directProvider, "directProvider");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(peerExit, "peerExit");
        Objects.requireNonNull(blobDrops, "blobDrops");
        Objects.requireNonNull(tasks, "tasks");
        return this;
    }
}
