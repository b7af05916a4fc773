package io.stepprogress.bench;

import io.stepprogress.testkit.PrometheusMetrics;
import java.util.List;
import java.util.Locale;
import java.util.NavigableMap;

/**
 * The side measurements of a scenario's measured window: CPU and RSS of every process (from /proc), the
 * machine's load, and the services' own histograms (relay lag, SSE delivery lag) as the difference of two
 * scrapes.
 */
final class SideMeasurements {

    /** Cores used outside the stack and this tool above which a measurement is labelled NOT QUIET. */
    static final double NOT_QUIET_CORES = 0.25;

    /** Cores the machine used outside the stack and this tool ({@link ProcessSampler}'s "other"). */
    static double outsideCores(java.util.List<ProcessSampler.Usage> processes) {
        return processes.stream().filter(u -> u.name().equals("other")).mapToDouble(ProcessSampler.Usage::cpuCores)
                .sum();
    }

    /** Services' histograms the reports show: (endpoint, metric, name in the report, description). */
    private record Histogram(MetricsEndpoint endpoint, String metric, String name, String description) {
    }

    private final BenchContext bench;
    private final List<Histogram> histograms;
    private final double[] loadBefore;
    private final PrometheusMetrics[] before;
    private final ProcessSampler sampler;
    private final long startNanos = System.nanoTime();
    private final FlightRecordings recordings;
    private final String startedAt = java.time.Instant.now().toString();

    private SideMeasurements(BenchContext bench, FlightRecordings recordings) {
        this.bench = bench;
        this.histograms = List.of(
                new Histogram(bench.progressMetrics, "progress_relay_lag_seconds", "relay (metric)",
                        "progress-service: occurredAt to Kafka ack (bucket estimate)"),
                new Histogram(bench.notifierMetrics, "notifier_sse_delivery_lag_seconds", "sse delivery (metric)",
                        "notifier: occurredAt to frame written (bucket estimate)"));
        this.loadBefore = ProcFs.loadAverage();
        this.before = new PrometheusMetrics[histograms.size()];
        for (int i = 0; i < histograms.size(); i++) {
            before[i] = histograms.get(i).endpoint().scrape();
        }
        this.sampler = ProcessSampler.start(bench.processGroups());
        this.recordings = recordings;
    }

    /**
     * Starts sampling now. {@code recordings} (null without {@code --jfr}) were started before the window, since
     * jcmd takes seconds per JVM: started here they would miss the window's beginning; they are stopped and
     * dumped by {@link #finish}.
     */
    static SideMeasurements start(BenchContext bench, FlightRecordings recordings) {
        return new SideMeasurements(bench, recordings);
    }

    ProcessSampler sampler() {
        return sampler;
    }

    String startedAt() {
        return startedAt;
    }

    /** Stops sampling and fills the report's machine, processes and the services' histograms. */
    void finish(Report report, boolean withHistograms) {
        sampler.close();
        if (recordings != null) {
            for (java.nio.file.Path file : recordings.stop()) {
                report.notes.add("flight recording: " + file);
            }
        }
        report.processes.addAll(sampler.usage());
        report.sampledSeconds = sampler.sampledSeconds();
        double other = outsideCores(report.processes);
        String note = other > NOT_QUIET_CORES
                ? String.format(Locale.ROOT, "NOT QUIET: other processes used %.2f cores on average; these numbers "
                        + "were taken under load", other)
                : "quiet";
        report.machine = new Report.Machine(Runtime.getRuntime().availableProcessors(), loadBefore, ProcFs.loadAverage(),
                sampler.machineBusyCores(), other, note);
        if (withHistograms) {
            for (int i = 0; i < histograms.size(); i++) {
                Histogram h = histograms.get(i);
                PrometheusMetrics after = h.endpoint().scrape();
                if (before[i] == null || after == null) {
                    report.notes.add(h.endpoint().service() + " metrics did not answer at " + h.endpoint().url());
                    continue;
                }
                NavigableMap<Double, Double> delta = BucketQuantiles.delta(BucketQuantiles.buckets(after, h.metric()),
                        BucketQuantiles.buckets(before[i], h.metric()));
                report.latency(h.name(), h.description(), bucketSummary(delta));
            }
        }
    }

    /** A summary from seconds-buckets: count and p50..p99.9 interpolated; max = the highest bucket with samples. */
    static LatencySummary bucketSummary(NavigableMap<Double, Double> cumulative) {
        double count = BucketQuantiles.count(cumulative);
        if (count <= 0) {
            return LatencySummary.EMPTY;
        }
        double maxBound = 0;
        double previous = 0;
        for (var e : cumulative.entrySet()) {
            if (e.getValue() > previous) {
                maxBound = Double.isInfinite(e.getKey()) ? maxBound : e.getKey();
            }
            previous = e.getValue();
        }
        return new LatencySummary((long) count, Double.NaN, Double.NaN, ms(BucketQuantiles.quantile(0.5, cumulative)),
                ms(BucketQuantiles.quantile(0.9, cumulative)), ms(BucketQuantiles.quantile(0.99, cumulative)),
                ms(BucketQuantiles.quantile(0.999, cumulative)), ms(maxBound));
    }

    private static double ms(double seconds) {
        return Math.round(seconds * 1e6) / 1000.0;
    }

    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
