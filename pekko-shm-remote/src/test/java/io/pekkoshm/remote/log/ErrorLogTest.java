package io.pekkoshm.remote.log;

import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorLogTest
{
    private static final long INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);

    private final CachedNanoClock clock = new CachedNanoClock();
    private final List<Line> lines = new ArrayList<>();
    private final ErrorLog errors = new ErrorLog(
        (severity, message, cause) -> lines.add(new Line(severity, message, cause)), clock, INTERVAL_NS, 3);

    @Test
    void shouldLogTheFirstOccurrenceOfAnErrorInFullWithItsCause()
    {
        final IllegalStateException cause = new IllegalStateException("boom");

        assertTrue(errors.record(ErrorLog.Severity.ERROR, "a", "a failed: do this", cause));

        assertEquals(1, lines.size());
        assertEquals(ErrorLog.Severity.ERROR, lines.get(0).severity());
        assertEquals("a failed: do this", lines.get(0).message());
        assertSame(cause, lines.get(0).cause());
        assertEquals(1, errors.observations("a"));
    }

    @Test
    void shouldCountRepeatsWithinTheIntervalWithoutLoggingThem()
    {
        errors.record(ErrorLog.Severity.WARNING, "a", "a failed", null);
        clock.advance(INTERVAL_NS - 1);

        assertFalse(errors.record(ErrorLog.Severity.WARNING, "a", "a failed", null));
        assertFalse(errors.record(ErrorLog.Severity.WARNING, "a", "a failed", null));

        assertEquals(1, lines.size());
        assertEquals(3, errors.observations("a"));
    }

    @Test
    void shouldSummarizeRepeatsWithTheirCountOnceTheIntervalHasPassed()
    {
        errors.record(ErrorLog.Severity.WARNING, "a", "a failed (1)", null);
        errors.record(ErrorLog.Severity.WARNING, "a", "a failed (2)", null);
        clock.advance(INTERVAL_NS);

        assertFalse(errors.record(ErrorLog.Severity.WARNING, "a", "a failed (3)", new RuntimeException()));

        assertEquals(2, lines.size());
        final Line summary = lines.get(1);
        assertEquals(ErrorLog.Severity.WARNING, summary.severity());
        assertTrue(summary.message().startsWith("a failed (3)"), summary.message());
        assertTrue(summary.message().contains("repeated 2 more time(s)"), summary.message());
        assertTrue(summary.message().contains("3 in all"), summary.message());
        assertNull(summary.cause(), "a summary carries no stack trace");
    }

    @Test
    void shouldStartANewIntervalAfterEachSummary()
    {
        errors.record(ErrorLog.Severity.WARNING, "a", "a failed", null);
        clock.advance(INTERVAL_NS);
        errors.record(ErrorLog.Severity.WARNING, "a", "a failed", null);
        clock.advance(INTERVAL_NS - 1);
        errors.record(ErrorLog.Severity.WARNING, "a", "a failed", null);

        assertEquals(2, lines.size());

        clock.advance(1);
        errors.record(ErrorLog.Severity.WARNING, "a", "a failed", null);

        assertEquals(3, lines.size());
        assertTrue(lines.get(2).message().contains("repeated 2 more time(s)"), lines.get(2).message());
        assertTrue(lines.get(2).message().contains("4 in all"), lines.get(2).message());
    }

    @Test
    void shouldKeepDistinctKeysApart()
    {
        assertTrue(errors.record(ErrorLog.Severity.WARNING, "a", "a failed", null));
        assertTrue(errors.record(ErrorLog.Severity.ERROR, "b", "b failed", null));
        assertFalse(errors.record(ErrorLog.Severity.WARNING, "a", "a failed", null));

        assertEquals(List.of("a failed", "b failed"), lines.stream().map(Line::message).toList());
        assertEquals(2, errors.observations("a"));
        assertEquals(1, errors.observations("b"));
        assertEquals(2, errors.distinctErrors());
    }

    @Test
    void shouldSummarizeRepeatsNotLoggedYetOnFlush()
    {
        errors.record(ErrorLog.Severity.WARNING, "a", "a failed", null);
        errors.record(ErrorLog.Severity.WARNING, "a", "a failed", null);
        errors.record(ErrorLog.Severity.WARNING, "b", "b failed", null);

        errors.flush();

        assertEquals(3, lines.size(), "a's repeat summarized, b has none");
        assertTrue(lines.get(2).message().startsWith("a failed"), lines.get(2).message());
        assertTrue(lines.get(2).message().contains("repeated 1 more time(s)"), lines.get(2).message());

        errors.flush();

        assertEquals(3, lines.size(), "nothing left to summarize");
    }

    @Test
    void shouldSummarizeTheLeastRecentlySeenKeyWhenEvictingItAndLogItInFullIfItRecurs()
    {
        errors.record(ErrorLog.Severity.WARNING, "a", "a failed", null);
        errors.record(ErrorLog.Severity.WARNING, "a", "a failed", null);
        errors.record(ErrorLog.Severity.WARNING, "b", "b failed", null);
        errors.record(ErrorLog.Severity.WARNING, "c", "c failed", null);

        errors.record(ErrorLog.Severity.WARNING, "d", "d failed", null);

        assertEquals(List.of("a failed", "b failed", "c failed", "a failed", "d failed"),
            lines.stream().map(line -> line.message().replaceAll(" \\[.*", "")).toList());
        assertTrue(lines.get(3).message().contains("repeated 1 more time(s)"), lines.get(3).message());
        assertEquals(0, errors.observations("a"));
        assertEquals(3, errors.distinctErrors());

        assertTrue(errors.record(ErrorLog.Severity.WARNING, "a", "a failed", null), "a is new again");
    }

    @Test
    void shouldSummarizeAForgottenKeysRepeatsAndLogItInFullIfItRecurs()
    {
        errors.record(ErrorLog.Severity.WARNING, "a", "a failed", null);
        errors.record(ErrorLog.Severity.WARNING, "a", "a failed again", null);
        errors.record(ErrorLog.Severity.WARNING, "b", "b failed", null);

        errors.forget("a");

        assertEquals(3, lines.size());
        assertTrue(lines.get(2).message().startsWith("a failed again ["), lines.get(2).message());
        assertTrue(lines.get(2).message().contains("repeated 1 more time(s)"), lines.get(2).message());
        assertEquals(0, errors.observations("a"));
        assertEquals(1, errors.observations("b"), "other keys are kept");

        assertTrue(errors.record(ErrorLog.Severity.WARNING, "a", "a failed", null), "a is new again");
        assertEquals(4, lines.size());
        assertEquals("a failed", lines.get(3).message());
    }

    @Test
    void shouldLogNothingWhenForgettingAKeyWithoutUnloggedRepeats()
    {
        errors.record(ErrorLog.Severity.WARNING, "a", "a failed", null);

        errors.forget("a");
        errors.forget("never seen");

        assertEquals(1, lines.size());
        assertEquals(0, errors.distinctErrors());
    }

    @Test
    void shouldBuildALineOnlyWhenItIsLogged()
    {
        final AtomicInteger built = new AtomicInteger();
        final Supplier<String> message = () -> "a failed " + built.incrementAndGet();

        errors.record(ErrorLog.Severity.WARNING, "a", message, null);
        errors.record(ErrorLog.Severity.WARNING, "a", message, null);
        errors.record(ErrorLog.Severity.WARNING, "a", message, null);

        assertEquals(1, built.get(), "repeats within the interval build no line");

        clock.advance(INTERVAL_NS);
        errors.record(ErrorLog.Severity.WARNING, "a", message, null);

        assertEquals(2, built.get());
        assertTrue(lines.get(1).message().startsWith("a failed 2"), lines.get(1).message());
        assertTrue(lines.get(1).message().contains("repeated 3 more time(s)"), lines.get(1).message());
    }

    @Test
    void shouldRefuseAnIntervalOrCapacityThatIsNotPositive()
    {
        assertThrows(IllegalArgumentException.class,
            () -> new ErrorLog((severity, message, cause) -> { }, clock, 0, 1));
        assertThrows(IllegalArgumentException.class,
            () -> new ErrorLog((severity, message, cause) -> { }, clock, 1, 0));
    }

    private record Line(ErrorLog.Severity severity, String message, Throwable cause)
    {
    }
}
