package io.pekkoshm.benchmarks.jmh;

/** The serializer benchmark's small message: a few primitives and a short string (about 20 bytes in Kryo). */
public record SmallRecord(long id, int quantity, String name, boolean urgent)
{
    public static SmallRecord sample()
    {
        return new SmallRecord(1_234_567L, 42, "widget-7", true);
    }
}
