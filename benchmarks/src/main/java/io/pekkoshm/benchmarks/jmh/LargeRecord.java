package io.pekkoshm.benchmarks.jmh;

import java.util.ArrayList;
import java.util.List;

/**
 * The serializer benchmark's 1 KiB message (about 1 KiB in Kryo): strings, a list of nested records and a list of
 * strings, the shape of a typical business event.
 */
public record LargeRecord(long id, String customer, String note, List<LineItem> items, List<String> tags)
{
    public static LargeRecord sample()
    {
        final List<LineItem> items = new ArrayList<>();
        for (int i = 0; i < 20; i++)
        {
            items.add(new LineItem("SKU-" + (100_000 + i * 7919), 1 + i % 5, 1_999L + i * 250L));
        }
        final StringBuilder note = new StringBuilder();
        while (note.length() < 640)
        {
            note.append("Deliver to the loading dock at the back; ring twice. ");
        }
        return new LargeRecord(9_876_543_210L, "ACME Corporation, Purchasing", note.substring(0, 640),
            List.copyOf(items), List.of("priority", "b2b", "net-30", "eu-west", "repeat-customer"));
    }
}
