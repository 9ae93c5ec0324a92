package io.pekkoshm.multijvm.nodes;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.util.Map;

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

    /** The node's config, with Pekko's provider swapped for the plugin's direct-path one in direct mode. */
    public static Config apply(final Config config)
    {
        if (!direct())
        {
            return config;
        }
        final String provider = config.getString("pekko.actor.provider");
        final String direct = switch (provider)
        {
            case "remote", "org.apache.pekko.remote.RemoteActorRefProvider" ->
                "io.pekkoshm.remote.pekko.internal.ShmRemoteActorRefProvider";
            case "cluster", "org.apache.pekko.cluster.ClusterActorRefProvider" ->
                "io.pekkoshm.remote.pekko.internal.ShmClusterActorRefProvider";
            default -> provider;
        };
        return ConfigFactory.parseMap(Map.of("pekko.actor.provider", direct)).withFallback(config);
    }
}
