package io.pekkoshm.remote.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;

import java.util.Arrays;

/**
 * Writes and reads the class tag in front of every object whose class is not implied by its declared type, and is
 * where registration mismatches between JVMs are caught.
 *
 * <pre>
 *  class tag, one positive varint (1-5 bytes):
 *    0          null
 *    1          class by name (class-name mode only): varint name id, then the name the first time it occurs
 *    id + 2     registered class id
 *  after the tag of a user id (&gt;= 100), the first time that id occurs in a payload:
 *    +--------------------------------+
 *    | fingerprint, int32 LE, 4 bytes |   ClassFingerprint of the sender's class for that id
 *    +--------------------------------+
 * </pre>
 *
 * <p>On reading, an unknown id, a fingerprint that differs from this JVM's for the id, or (in strict mode) any class
 * name fails with a {@link KryoException} that names the id or class: never a wrong object.
 *
 * <p>Subtypes of a mapped root (any {@code ActorRef} implementation) share the root's registration: see
 * {@link #mapSubtypes(Class)}.
 *
 * <p>Not thread-safe: one per Kryo instance, which is used by one thread at a time. Per-payload state is cleared by
 * {@link #reset()}, which Kryo calls after each top-level object.
 */
final class ShmClassResolver extends DefaultClassResolver
{
    private final boolean strict;
    private Class<?>[] roots = new Class<?>[0];
    private Registration[] rootRegistrations = new Registration[0];
    /** User ids whose fingerprint has been written or read in the current payload. */
    private int[] seen = new int[8];
    private int seenCount;

    ShmClassResolver(final boolean strict)
    {
        this.strict = strict;
    }

    /**
     * Makes every subtype of {@code root} use the registration of {@code root}, which must be registered already.
     * For types whose implementation classes vary and are not known in advance (ActorRefs).
     */
    void mapSubtypes(final Class<?> root)
    {
        final Registration registration = classToRegistration.get(root);
        if (registration == null)
        {
            throw new IllegalStateException(root.getName() + " must be registered before its subtypes are mapped");
        }
        roots = Arrays.copyOf(roots, roots.length + 1);
        roots[roots.length - 1] = root;
        rootRegistrations = Arrays.copyOf(rootRegistrations, rootRegistrations.length + 1);
        rootRegistrations[rootRegistrations.length - 1] = registration;
    }

    @Override
    @SuppressWarnings("rawtypes") // Kryo's signature
    public Registration getRegistration(final Class type)
    {
        final Registration registration = super.getRegistration(type);
        if (registration != null)
        {
            return registration;
        }
        for (int i = 0; i < roots.length; i++)
        {
            if (roots[i].isAssignableFrom(type))
            {
                classToRegistration.put(type, rootRegistrations[i]);
                return rootRegistrations[i];
            }
        }
        return null;
    }

    @Override
    @SuppressWarnings("rawtypes") // Kryo's signature
    public Registration writeClass(final Output output, final Class type)
    {
        if (type == null)
        {
            output.writeByte(Kryo.NULL);
            return null;
        }
        final Registration registration = kryo.getRegistration(type);
        if (registration.getId() == NAME)
        {
            writeName(output, type, registration);
            return registration;
        }
        output.writeVarInt(registration.getId() + 2, true);
        if (registration instanceof UserRegistration user && firstInPayload(user.getId()))
        {
            output.writeInt(user.fingerprint());
        }
        return registration;
    }

    @Override
    public Registration readClass(final Input input)
    {
        final int tag = input.readVarInt(true);
        if (tag == Kryo.NULL)
        {
            return null;
        }
        if (tag == NAME + 2)
        {
            if (strict)
            {
                throw rejectName(input);
            }
            return readName(input);
        }
        final int id = tag - 2;
        final Registration registration = idToRegistration.get(id);
        if (registration == null)
        {
            throw new KryoException(unknownIdMessage(id));
        }
        if (registration instanceof UserRegistration user && firstInPayload(id))
        {
            final int senders = input.readInt();
            if (senders != user.fingerprint())
            {
                throw new KryoException(String.format(
                    "Class id %d means a different class in the sending JVM: here it is %s (fingerprint %08x), the" +
                        " sender's class has fingerprint %08x. The %s.classes tables, or the definitions of the" +
                        " classes in them (fields, record components, enum constants), differ between the JVMs:" +
                        " make them equal (the same id for the same class, the same class versions) on every node.",
                    id, user.getType().getName(), user.fingerprint(), senders, KryoSettings.ROOT));
            }
        }
        return registration;
    }

    @Override
    public void reset()
    {
        seenCount = 0;
        super.reset();
    }

    private boolean firstInPayload(final int id)
    {
        for (int i = 0; i < seenCount; i++)
        {
            if (seen[i] == id)
            {
                return false;
            }
        }
        if (seenCount == seen.length)
        {
            seen = Arrays.copyOf(seen, seenCount * 2);
        }
        seen[seenCount++] = id;
        return true;
    }

    private KryoException rejectName(final Input input)
    {
        input.readVarInt(true); // name id
        final String name = input.readString();
        return new KryoException("The payload names class " + name + " but this JVM runs " + KryoSettings.ROOT +
            ".mode = strict, which accepts registered classes only (the class was not loaded). Register it in " +
            KryoSettings.ROOT + ".classes with the same id in every JVM.");
    }

    private static String unknownIdMessage(final int id)
    {
        if (id == BuiltInRegistrations.TYPED_ACTOR_REF_ID)
        {
            return "Class id " + id + " is a typed ActorRef, but pekko-actor-typed is not on this JVM's classpath";
        }
        if (id < KryoSettings.MIN_USER_ID)
        {
            return "Class id " + id + " is not in this JVM's built-in table: the sender runs a different version of" +
                " the serializer";
        }
        return "Class id " + id + " is not registered in this JVM: the sender has it in " + KryoSettings.ROOT +
            ".classes and this JVM does not (the tables must be identical in every JVM)";
    }

    /** A registration from {@code pekko.remote.shm.kryo.classes}, with the class's fingerprint. */
    static final class UserRegistration extends Registration
    {
        private final int fingerprint;

        @SuppressWarnings("rawtypes") // Kryo's Registration takes a raw Serializer
        UserRegistration(final Class<?> type, final com.esotericsoftware.kryo.Serializer serializer, final int id,
            final int fingerprint)
        {
            super(type, serializer, id);
            this.fingerprint = fingerprint;
        }

        int fingerprint()
        {
            return fingerprint;
        }
    }
}
