package io.pekkoshm.benchmarks.workloads;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Median, minimum and maximum of a run's samples, and which sample stands for each. */
class SampleStatsTest
{
    @Test
    void shouldTakeTheMiddleOfAnOddCount()
    {
        final double[] rates = {900, 300, 1200, 700, 500};

        assertEquals(700.0, SampleStats.median(rates));
        assertEquals(300.0, SampleStats.min(rates));
        assertEquals(1200.0, SampleStats.max(rates));
        assertEquals(3, SampleStats.medianIndex(rates));
        assertEquals(1, SampleStats.minIndex(rates));
    }

    @Test
    void shouldTakeTheMeanOfTheMiddleTwoOfAnEvenCountAndTheLowerOfThemAsTheMedianSample()
    {
        final double[] rates = {400, 100, 300, 200};

        assertEquals(250.0, SampleStats.median(rates));
        assertEquals(100.0, SampleStats.min(rates));
        assertEquals(400.0, SampleStats.max(rates));
        assertEquals(3, SampleStats.medianIndex(rates), "the sample of 200, the lower of the middle two");
    }

    @Test
    void shouldNotReorderTheCallersSamples()
    {
        final double[] rates = {3, 1, 2};

        SampleStats.median(rates);
        SampleStats.medianIndex(rates);

        assertEquals(3.0, rates[0]);
        assertEquals(1.0, rates[1]);
    }

    @Test
    void shouldTakeTheEarliestOfEqualSlowestSamples()
    {
        assertEquals(1, SampleStats.minIndex(new double[] {5, 2, 2, 9}));
    }

    @Test
    void shouldHaveNoFiguresForNoSamples()
    {
        assertTrue(Double.isNaN(SampleStats.median(new double[0])));
        assertTrue(Double.isNaN(SampleStats.min(new double[0])));
        assertTrue(Double.isNaN(SampleStats.max(new double[0])));
        assertEquals(-1, SampleStats.medianIndex(new double[0]));
        assertEquals(-1, SampleStats.minIndex(new double[0]));
    }

    @Test
    void shouldMakeOneSampleItsOwnMedianMinAndMax()
    {
        final double[] rates = {42};

        assertEquals(42.0, SampleStats.median(rates));
        assertEquals(42.0, SampleStats.min(rates));
        assertEquals(42.0, SampleStats.max(rates));
        assertEquals(0, SampleStats.medianIndex(rates));
    }
}
