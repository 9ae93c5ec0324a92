package io.pekkoshm.remote.serialization;

import org.apache.pekko.actor.ActorRef;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Message types the serializer tests send, and the configuration that registers them. */
final class TestMessages
{
    private TestMessages()
    {
    }

    enum Mood
    {
        HAPPY, GRUMPY, SLEEPY
    }

    /** An enum whose constants have bodies, so their classes are anonymous subclasses. */
    enum Op
    {
        ADD
        {
            int apply(final int a, final int b)
            {
                return a + b;
            }
        },
        MUL
        {
            int apply(final int a, final int b)
            {
                return a * b;
            }
        };

        abstract int apply(int a, int b);
    }

    record Point(int x, int y)
    {
    }

    record Box<T>(T value)
    {
    }

    record Pair<A, B>(A first, B second)
    {
    }

    record Person(String name, int age, Mood mood, Optional<String> nickname, Point home) implements KryoMessage
    {
    }

    /** Nested generic records, collections, maps, enums, nulls. */
    record Envelope(
        String id,
        Box<Pair<String, List<Point>>> payload,
        List<Person> people,
        Map<String, Box<Integer>> scores,
        Set<Mood> moods,
        Person nobody,
        Op op) implements KryoMessage
    {
    }

    record ArraysMessage(int[] ints, byte[] bytes, String[] strings, Point[] points, long[][] matrix)
        implements KryoMessage
    {
        @Override
        public boolean equals(final Object o)
        {
            return o instanceof ArraysMessage a && Arrays.equals(ints, a.ints) && Arrays.equals(bytes, a.bytes) &&
                Arrays.equals(strings, a.strings) && Arrays.equals(points, a.points) &&
                Arrays.deepEquals(matrix, a.matrix);
        }

        @Override
        public int hashCode()
        {
            return Arrays.hashCode(ints);
        }
    }

    record Validated(int percent) implements KryoMessage
    {
        Validated
        {
            if (percent < 0 || percent > 100)
            {
                throw new IllegalArgumentException("percent out of range: " + percent);
            }
        }
    }

    /** A plain Java message: final fields, no no-arg constructor, a superclass with a field. */
    static class Base
    {
        protected final long sequence;

        Base(final long sequence)
        {
            this.sequence = sequence;
        }
    }

    static final class PlainMessage extends Base implements KryoMessage
    {
        private final String text;
        private final List<Integer> numbers;
        private transient String cache = "not sent";

        PlainMessage(final long sequence, final String text, final List<Integer> numbers)
        {
            super(sequence);
            this.text = text;
            this.numbers = numbers;
        }

        String cache()
        {
            return cache;
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof PlainMessage p && p.sequence == sequence && Objects.equals(p.text, text) &&
                Objects.equals(p.numbers, numbers);
        }

        @Override
        public int hashCode()
        {
            return Objects.hash(sequence, text, numbers);
        }
    }

    /** Holds anything: used to put unregistered or unserializable values in a field. */
    record Holder(String label, Object content) implements KryoMessage
    {
    }

    record ClassicRequest(String text, ActorRef replyTo) implements KryoMessage
    {
    }

    record ClassicReply(String text) implements KryoMessage
    {
    }

    record TypedRequest(String text, org.apache.pekko.actor.typed.ActorRef<TypedReply> replyTo) implements KryoMessage
    {
    }

    record TypedReply(String text, List<org.apache.pekko.actor.typed.ActorRef<TypedReply>> seen) implements KryoMessage
    {
    }

    /** Two records that one JVM registers under ids the other JVM gives to the other record. */
    record Apple(String name) implements KryoMessage
    {
    }

    record Orange(String name) implements KryoMessage
    {
    }

    /** Not registered anywhere. */
    record Unregistered(String name) implements KryoMessage
    {
    }

    static final String PREFIX = TestMessages.class.getName() + "$";

    /** The registration table the tests share; {@code apple} and {@code orange} give the ids of Apple and Orange. */
    static String classesConfig(final int apple, final int orange)
    {
        return String.join("\n",
            "pekko.remote.shm.kryo.classes {",
            "  \"" + PREFIX + "Mood\" = 100",
            "  \"" + PREFIX + "Op\" = 101",
            "  \"" + PREFIX + "Point\" = 102",
            "  \"" + PREFIX + "Box\" = 103",
            "  \"" + PREFIX + "Pair\" = 104",
            "  \"" + PREFIX + "Person\" = 105",
            "  \"" + PREFIX + "Envelope\" = 106",
            "  \"" + PREFIX + "ArraysMessage\" = 107",
            "  \"" + PREFIX + "Point[]\" = 108",
            "  \"long[][]\" = 109",
            "  \"" + PREFIX + "Validated\" = 110",
            "  \"" + PREFIX + "PlainMessage\" = 111",
            "  \"" + PREFIX + "Holder\" = 112",
            "  \"" + PREFIX + "ClassicRequest\" = 113",
            "  \"" + PREFIX + "ClassicReply\" = 114",
            "  \"" + PREFIX + "TypedRequest\" = 115",
            "  \"" + PREFIX + "TypedReply\" = 116",
            "  \"" + PREFIX + "Apple\" = " + apple,
            "  \"" + PREFIX + "Orange\" = " + orange,
            "}");
    }

    static String classesConfig()
    {
        return classesConfig(120, 121);
    }
}
