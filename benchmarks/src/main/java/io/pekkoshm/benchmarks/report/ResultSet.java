package io.pekkoshm.benchmarks.report;

import io.pekkoshm.benchmarks.transports.Transport;
import io.pekkoshm.benchmarks.workloads.BandwidthSample;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * All measurements of a run, looked up by transport and workload; what the table and the chart are drawn from.
 * Artery TCP is the baseline of ratios.
 */
public final class ResultSet
{
    public static final Transport BASELINE = Transport.ARTERY_TCP;

    private final List<Measurement> measurements;
    private final List<Transport> transports;

    /** @param transports the transports of the run, in column order. */
    public ResultSet(final List<Measurement> measurements, final List<Transport> transports)
    {
        this.measurements = List.copyOf(measurements);
        this.transports = List.copyOf(transports);
    }

    public List<Transport> transports()
    {
        return transports;
    }

    /** The transports other than the baseline: the columns of the ratio table. */
    public List<Transport> compared()
    {
        final List<Transport> others = new ArrayList<>(transports);
        others.remove(BASELINE);
        return others;
    }

    public boolean hasBaseline()
    {
        return transports.contains(BASELINE);
    }

    public Optional<Measurement> find(final Transport transport, final String workload)
    {
        return measurements.stream()
            .filter(m -> m.transport().equals(transport.id()) && m.workload().equals(workload))
            .findFirst();
    }

    public OptionalDouble value(final Transport transport, final Metric metric)
    {
        return find(transport, metric.workload()).map(metric::valueIn).orElse(OptionalDouble.empty());
    }

    /**
     * The samples of a bandwidth result ({@code samples}, see {@link BandwidthSample}), in the order taken; empty if
     * the result is missing, not ok, or older than samples.
     */
    public List<BandwidthSample> samples(final Transport transport, final String workload)
    {
        return find(transport, workload).map(m -> m.objects("samples")).orElse(List.of()).stream()
            .map(BandwidthSample::fromFields).toList();
    }

    /** The transport's value over Artery TCP's, if both are there and the baseline's is not zero. */
    public OptionalDouble ratio(final Transport transport, final Metric metric)
    {
        final OptionalDouble value = value(transport, metric);
        final OptionalDouble base = value(BASELINE, metric);
        return value.isPresent() && base.isPresent() && base.getAsDouble() > 0 ?
            OptionalDouble.of(value.getAsDouble() / base.getAsDouble()) : OptionalDouble.empty();
    }

    /**
     * The idle gap before each first message after idle in this run (10 s full, 3 s quick), from its results; 10 if
     * none has it.
     */
    public double firstMessageGapSeconds()
    {
        return measurements.stream()
            .filter(m -> m.workload().equals(WorkloadPlan.firstAfterIdleId()))
            .map(m -> m.text("idle_gap_s"))
            .flatMap(Optional::stream)
            .mapToDouble(Double::parseDouble)
            .findFirst().orElse(10);
    }

    public List<Measurement> all()
    {
        return measurements;
    }
}
