package io.pekkoshm.benchmarks.report;

import io.pekkoshm.benchmarks.transports.Transport;
import io.pekkoshm.benchmarks.workloads.Sizes;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * {@code chart.png}: six bar charts in one picture under a line naming the run, drawn with XChart (headless): 64-byte
 * throughput, CPU per message, ping-pong percentiles, bandwidth per size, idle CPU, and the headline ratios to
 * Artery TCP. Bars that
 * would not mean anything (not supported, failed) are left out; log scales where transports differ by orders of
 * magnitude.
 */
public final class ChartRenderer
{
    private static final int WIDTH = 800;
    private static final int HEIGHT = 480;
    private static final int HEADER = 44;

    private final ResultSet results;
    private final String title;

    public ChartRenderer(final ResultSet results, final String title)
    {
        this.results = results;
        this.title = title;
    }

    /** Draws the chart into {@code file} (PNG): a header line with {@code title}, then the six charts, 2 by 3. */
    public void write(final Path file) throws IOException
    {
        final List<CategoryChart> charts = new ArrayList<>();
        final List<Metric> metrics = Metric.all();
        charts.add(perTransport("64 B one-way throughput (log scale)", "msgs/s", true,
            List.of(find(metrics, WorkloadPlan.throughputId(), "msgs_per_s")), m -> "msgs/s"));
        charts.add(perTransport("CPU per 64 B message, both nodes + media driver (log scale)", "µs", true,
            List.of(find(metrics, WorkloadPlan.throughputId(), "cpu_us_per_msg")), m -> "CPU µs/msg"));
        charts.add(perTransport("Ping-pong round trip (log scale)", "µs", true,
            List.of(find(metrics, WorkloadPlan.pingPongId(), "p50_us"),
                find(metrics, WorkloadPlan.pingPongId(), "p99_us"),
                find(metrics, WorkloadPlan.pingPongId(), "p999_us")),
            m -> m.key().replace("_us", "").replace("p999", "p99.9")));
        final List<Metric> bandwidth = new ArrayList<>();
        for (final long size : Sizes.BANDWIDTH_SIZES)
        {
            bandwidth.add(find(metrics, WorkloadPlan.bandwidthId(size), "mib_per_s"));
        }
        charts.add(perTransport("One-way bandwidth (log scale)", "MiB/s", true, bandwidth,
            m -> m.workload().replace("bandwidth-", "")));
        charts.add(perTransport("Idle CPU per node", "% of a core", false,
            List.of(find(metrics, "idle", "cpu_pct_core_per_node")), m -> "idle"));
        charts.add(ratios(metrics));
        ImageIO.write(compose(charts), "png", file.toFile());
    }

    /** The charts in a grid of two columns under a header line that says what run this is. */
    private BufferedImage compose(final List<CategoryChart> charts)
    {
        final int columns = 2;
        final int rows = (charts.size() + columns - 1) / columns;
        final BufferedImage image = new BufferedImage(columns * WIDTH, HEADER + rows * HEIGHT,
            BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        try
        {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.drawString("pekko-shm-remote benchmarks: " + title, 16, 28);
            for (int i = 0; i < charts.size(); i++)
            {
                g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), (i % columns) * WIDTH,
                    HEADER + (i / columns) * HEIGHT, null);
            }
        }
        finally
        {
            g.dispose();
        }
        return image;
    }

    private static Metric find(final List<Metric> metrics, final String workload, final String key)
    {
        return metrics.stream().filter(m -> m.workload().equals(workload) && m.key().equals(key)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("No metric " + workload + "/" + key));
    }

    /** Transports along the x axis, one series per metric. */
    private CategoryChart perTransport(final String chartTitle, final String unit, final boolean log,
        final List<Metric> series, final Function<Metric, String> seriesName)
    {
        final CategoryChart chart = newChart(chartTitle, unit, log, series.size() > 1);
        final List<String> categories = new ArrayList<>();
        results.transports().forEach(t -> categories.add(t.label()));
        for (final Metric metric : series)
        {
            final List<Double> values = new ArrayList<>();
            boolean any = false;
            for (final Transport transport : results.transports())
            {
                final OptionalDouble value = results.value(transport, metric);
                final boolean usable = value.isPresent() && (!log || value.getAsDouble() > 0);
                values.add(usable ? value.getAsDouble() : null);
                any |= usable;
            }
            if (any)
            {
                chart.addSeries(seriesName.apply(metric), categories, values);
            }
        }
        return withPlaceholder(chart, categories);
    }

    /** Headline metrics along the x axis, one series per transport compared with Artery TCP. */
    private CategoryChart ratios(final List<Metric> metrics)
    {
        final CategoryChart chart = newChart(
            "Ratio to Artery TCP (log scale, line at 1×; results.md says which way is better)",
            "× Artery TCP", true, true);
        final List<String> categories = new ArrayList<>();
        final List<Metric> headline = new ArrayList<>();
        for (final Metric metric : metrics)
        {
            if (metric.headline())
            {
                headline.add(metric);
                categories.add(shortName(metric));
            }
        }
        if (results.hasBaseline())
        {
            for (final Transport transport : results.compared())
            {
                final List<Double> values = new ArrayList<>();
                boolean any = false;
                for (final Metric metric : headline)
                {
                    final OptionalDouble ratio = results.ratio(transport, metric);
                    values.add(ratio.isPresent() && ratio.getAsDouble() > 0 ? ratio.getAsDouble() : null);
                    any |= ratio.isPresent();
                }
                if (any)
                {
                    chart.addSeries(transport.label(), categories, values);
                }
            }
        }
        chart.getStyler().setXAxisLabelRotation(30);
        final CategoryChart drawn = withPlaceholder(chart, categories);
        drawn.getStyler().setAnnotationLineColor(Color.BLACK);
        drawn.addAnnotation(new AnnotationLine(1.0, false, false)); // 1×: as Artery TCP
        return drawn;
    }

    private static String shortName(final Metric metric)
    {
        if (metric.workload().startsWith("bandwidth-"))
        {
            return metric.workload().replace("bandwidth-", "bw ");
        }
        switch (metric.key())
        {
            case "msgs_per_s": return "64B msgs/s";
            case "cpu_us_per_msg": return "CPU/msg";
            case "p50_us": return "RTT p50";
            case "p99_us": return "RTT p99";
            case "p999_us": return "RTT p99.9";
            case "cpu_pct_core_per_node": return "idle CPU";
            case "cpu_pct_core_per_node_with_driver_share": return "idle + driver";
            case "median_us": return "1st after idle";
            default: return metric.key();
        }
    }

    private static CategoryChart newChart(final String chartTitle, final String unit, final boolean log,
        final boolean legend)
    {
        final CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(chartTitle)
            .yAxisTitle(unit).build();
        final var styler = chart.getStyler();
        styler.setYAxisLogarithmic(log);
        styler.setLegendVisible(legend);
        styler.setLegendPosition(Styler.LegendPosition.InsideNW);
        styler.setXAxisLabelRotation(15);
        styler.setChartTitleFont(styler.getChartTitleFont().deriveFont(14f));
        return chart;
    }

    /**
     * XChart cannot draw a chart without series: say there is nothing to draw instead. Bars are anchored at zero,
     * which a log axis cannot show: a log axis gets bounds at the powers of ten around the data.
     */
    private static CategoryChart withPlaceholder(final CategoryChart chart, final List<String> categories)
    {
        final boolean log = chart.getStyler().isYAxisLogarithmic();
        if (chart.getSeriesMap().isEmpty())
        {
            final List<Double> placeholder = new ArrayList<>();
            categories.forEach(c -> placeholder.add(log ? 1.0 : 0.0));
            chart.setTitle(chart.getTitle() + " — no figures");
            chart.addSeries("no figures", categories, placeholder);
        }
        if (log)
        {
            double min = Double.MAX_VALUE;
            double max = Double.MIN_VALUE;
            for (final var series : chart.getSeriesMap().values())
            {
                for (final Number value : series.getYData())
                {
                    if (null != value && value.doubleValue() > 0)
                    {
                        min = Math.min(min, value.doubleValue());
                        max = Math.max(max, value.doubleValue());
                    }
                }
            }
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min) - 1e-9))); // a bar must show
            chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(max * 1.0001))));
        }
        return chart;
    }
}
