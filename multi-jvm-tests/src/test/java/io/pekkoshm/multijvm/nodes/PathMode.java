package io.pekkoshm.multijvm.nodes;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;


/**
 * The multi-JVM suite runs twice: classic (Pekko's providers) and direct ({@code -Dmultijvm.direct=true}: the
 * plugin's providers, ordinary messages on the direct path). The harness passes the property on to every child.
 */
public final class PathMode
{
    public static final String PROPERTY = "multijvm.direct";

    private PathMode()
    {
    }

    public static boolean direct()
    {
        return Boolean.getBoolean(PROPERTY);
    }

    /**
     * The node's config; in direct mode with the plugin's one-line configuration on top (what a user's
     * {@code include "pekko-shm-remote"} or {@code include "pekko-shm-cluster"} does), chosen by Pekko's provider.
     */
    public static Config apply(final Config config)
    {
        if (!direct())
        {
            return config;
        }
        final String provider = config.getString("pekko.actor.provider");
        final String oneLine = switch (provider)
        {
            case "remote", "org.apache.pekko.remote.RemoteActorRefProvider" -> "pekko-shm-remote.conf";
            case "cluster", "org.apache.pekko.cluster.ClusterActorRefProvider" -> "pekko-shm-cluster.conf";
            default -> null;
        };
        return null == oneLine ? config : ConfigFactory.parseResourcesAnySyntax(oneLine).withFallback(config);
    }
}
