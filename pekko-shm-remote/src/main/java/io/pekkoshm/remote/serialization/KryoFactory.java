package io.pekkoshm.remote.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.objenesis.strategy.StdInstantiatorStrategy;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes Kryo instances configured from {@link KryoSettings}: the one place where settings become Kryo configuration.
 * Every instance it makes writes and reads the same format, so they are interchangeable in a pool.
 *
 * <p>Each instance has: the built-in table (ids 0-99), the user classes with their ids and fingerprints, references
 * off, generics optimisation off (so every non-final value carries its class id and so its fingerprint check), the
 * configured maximum depth, the system's class loader, and construction through a no-arg constructor when there is one
 * and Objenesis otherwise. Records use {@link RecordKryoSerializer}.
 *
 * <p>Thread-safe: {@link #create()} may be called from any thread.
 */
final class KryoFactory
{
    private final KryoSettings settings;
    private final ExtendedActorSystem system;
    private final Map<Class<?>, Integer> fingerprints;
    private final AtomicLong created = new AtomicLong();

    KryoFactory(final KryoSettings settings, final ExtendedActorSystem system)
    {
        this.settings = settings;
        this.system = system;
        this.fingerprints = ClassFingerprint.of(settings.classes().keySet());
    }

    /** @return a new, fully configured Kryo instance (not thread-safe itself). */
    Kryo create()
    {
        final boolean strict = settings.mode() == KryoSettings.Mode.STRICT;
        final ShmClassResolver resolver = new ShmClassResolver(strict);
        final Kryo kryo = new ShmKryo(resolver);
        kryo.setRegistrationRequired(strict);
        kryo.setWarnUnregisteredClasses(false);
        kryo.setReferences(false);
        kryo.setOptimizedGenerics(false);
        kryo.setMaxDepth(settings.maxDepth());
        kryo.setClassLoader(system.dynamicAccess().classLoader());
        kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        kryo.addDefaultSerializer(Record.class, new RecordKryoSerializer.Factory());
        kryo.addDefaultSerializer(Object[].class, new BoundedSerializers.ArrayFactory());

        BuiltInRegistrations.register(kryo, resolver, system);
        for (final Map.Entry<Class<?>, Integer> e : settings.classes().entrySet())
        {
            final Class<?> type = e.getKey();
            final Serializer<?> serializer = kryo.getDefaultSerializer(type);
            kryo.register(new ShmClassResolver.UserRegistration(type, serializer, e.getValue(),
                fingerprints.get(type)));
        }
        created.incrementAndGet();
        return kryo;
    }

    /** @return how many Kryo instances this factory has made (pool misses and replacements after failures). */
    long created()
    {
        return created.get();
    }

    /** Kryo with an unregistered-class message that points at this plugin's configuration. */
    private static final class ShmKryo extends Kryo
    {
        ShmKryo(final ShmClassResolver resolver)
        {
            super(resolver, null);
        }

        @Override
        @SuppressWarnings("rawtypes") // Kryo's signature
        protected String unregisteredClassMessage(final Class type)
        {
            return "Class " + type.getName() + " is not registered for Kryo serialization, and " +
                KryoSettings.ROOT + ".mode = strict accepts registered classes only. Add it to " +
                KryoSettings.ROOT + ".classes with an id that is the same in every JVM, e.g. \"" +
                type.getName() + "\" = 1xx.";
        }
    }
}
