package io.pekkoshm.remote.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.Serialization;

/**
 * Writes a classic {@link ActorRef} as its serialized path ({@link Serialization#serializedActorPath(ActorRef)}, which
 * uses the address of the transport that is serializing, so a local ref goes out with an address the receiver can
 * reach) and resolves it on receipt with {@code provider().resolveActorRef(path)}. This is the same format Pekko's own
 * serializers use, so a {@code replyTo} inside a message works across JVMs.
 *
 * <p>On the wire: one Kryo string (length-prefixed, ASCII-packed when possible). Registered under one id for every
 * implementation class (see {@link ShmClassResolver#mapSubtypes(Class)}). Stateless apart from the system; shared.
 */
final class ActorRefKryoSerializer extends Serializer<ActorRef>
{
    private final ExtendedActorSystem system;

    ActorRefKryoSerializer(final ExtendedActorSystem system)
    {
        super(false, true);
        this.system = system;
    }

    @Override
    public void write(final Kryo kryo, final Output output, final ActorRef ref)
    {
        output.writeString(Serialization.serializedActorPath(ref));
    }

    @Override
    public ActorRef read(final Kryo kryo, final Input input, final Class<? extends ActorRef> type)
    {
        return system.provider().resolveActorRef(input.readString());
    }
}
