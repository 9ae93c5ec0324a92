package io.pekkoshm.remote.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;

/**
 * Writes a typed {@link ActorRef} exactly as its classic counterpart ({@link ActorRefKryoSerializer}): the serialized
 * path of {@code Adapter.toClassic(ref)}, resolved on receipt and wrapped with {@code Adapter.toTyped}. That is the
 * format of Pekko's {@code ActorRefResolver}, with the transport's address for local refs.
 *
 * <p>This class is the only one that links against pekko-actor-typed. It is loaded only when that library is on the
 * classpath ({@link BuiltInRegistrations.TypedSupport#AVAILABLE}), so classic-only users do not need it.
 */
final class TypedActorRefKryoSerializer extends Serializer<ActorRef<?>>
{
    private final ExtendedActorSystem system;

    private TypedActorRefKryoSerializer(final ExtendedActorSystem system)
    {
        super(false, true);
        this.system = system;
    }

    /** Registers the serializer for every typed ActorRef implementation under {@code id}. */
    static void register(final Kryo kryo, final ShmClassResolver resolver, final ExtendedActorSystem system,
        final int id)
    {
        kryo.register(new Registration(ActorRef.class, new TypedActorRefKryoSerializer(system), id));
        resolver.mapSubtypes(ActorRef.class);
    }

    @Override
    public void write(final Kryo kryo, final Output output, final ActorRef<?> ref)
    {
        output.writeString(Serialization.serializedActorPath(Adapter.toClassic(ref)));
    }

    @Override
    public ActorRef<?> read(final Kryo kryo, final Input input, final Class<? extends ActorRef<?>> type)
    {
        return Adapter.toTyped(system.provider().resolveActorRef(input.readString()));
    }
}
