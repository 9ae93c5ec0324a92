package io.pekkoshm.remote.serialization;

/**
 * Marker interface: a message class that implements it is serialized by {@link KryoSerializer}, through the binding
 * {@code "io.pekkoshm.remote.serialization.KryoMessage" = kryo-shm} in this module's reference configuration.
 *
 * <p>Only the top-level message needs it; records, enums and classes nested inside a message do not (they still need
 * an id in {@code pekko.remote.shm.kryo.classes} in strict mode). Types that cannot implement it are bound by name in
 * {@code pekko.actor.serialization-bindings} instead.
 */
public interface KryoMessage
{
}
