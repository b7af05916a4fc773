package io.stepprogress.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * A thread-safe latency recorder: microseconds from 1 us to 1 hour at 3 significant digits, plus a
 * per-second series (by the second of the recording, relative to a start) for the charts.
 */
public final class Latency {

    public static final TimeUnit UNIT = TimeUnit.MICROSECONDS;
    static final long HIGHEST = TimeUnit.HOURS.toMicros(1);
    /** Seconds kept in the series: every scenario is shorter. */
    static final int MAX_SECONDS = 3_600;

    private final String name;
    private final String description;
    private final SynchronizedHistogram histogram = new SynchronizedHistogram(HIGHEST, 3);
    private final long seriesStartNanos;
    private final Histogram[] perSecond;

    /** @param seriesStartNanos second 0 of the series; {@code Long.MIN_VALUE} keeps no series */
    public Latency(String name, String description, long seriesStartNanos) {
        this.name = name;
        this.description = description;
        this.seriesStartNanos = seriesStartNanos;
        this.perSecond = seriesStartNanos == Long.MIN_VALUE ? null : new Histogram[MAX_SECONDS];
    }

    public Latency(String name, String description) {
        this(name, description, Long.MIN_VALUE);
    }

    /** @param nanos the latency; @param atNanos the moment it belongs to in the per-second series (the due time) */
    public void record(long nanos, long atNanos) {
        long micros = Math.max(1, Math.min(HIGHEST, nanos / 1_000));
        histogram.recordValue(micros);
        if (perSecond != null) {
            long second = (atNanos - seriesStartNanos) / 1_000_000_000L;
            if (second >= 0 && second < MAX_SECONDS) {
                synchronized (perSecond) {
                    Histogram h = perSecond[(int) second];
                    if (h == null) {
                        h = new Histogram(HIGHEST, 2);
                        perSecond[(int) second] = h;
                    }
                    h.recordValue(micros);
                }
            }
        }
    }

    public void record(long nanos) {
        record(nanos, System.nanoTime());
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public long count() {
        return histogram.getTotalCount();
    }

    public LatencySummary summary() {
        return LatencySummary.of(histogram.copy());
    }

    public Histogram copy() {
        return histogram.copy();
    }

    /**
     * Per window of {@code seconds} seconds sliding by one: {first second, count, p50 ms, p99 ms, max ms} of all the
     * values of that window. Only whole windows (up to the last second with a value); empty ones are left out.
     */
    public java.util.List<double[]> series(int seconds) {
        java.util.List<double[]> rows = new java.util.ArrayList<>();
        if (perSecond == null) {
            return rows;
        }
        synchronized (perSecond) {
            int last = perSecond.length - 1;
            while (last >= 0 && (perSecond[last] == null || perSecond[last].getTotalCount() == 0)) {
                last--;
            }
            for (int s = 0; s + seconds - 1 <= last; s++) {
                Histogram window = merged(s, s + seconds);
                if (window.getTotalCount() > 0) {
                    rows.add(new double[] {s, window.getTotalCount(), window.getValueAtPercentile(50) / 1000.0,
                            window.getValueAtPercentile(99) / 1000.0, window.getMaxValue() / 1000.0});
                }
            }
        }
        return rows;
    }

    /**
     * Every value of the series from second {@code from} (inclusive) to {@code to} (exclusive), merged (per-second
     * precision, 2 significant digits); empty without a series or a value there.
     */
    public LatencySummary summaryBetween(int from, int to) {
        if (perSecond == null) {
            return LatencySummary.EMPTY;
        }
        Histogram merged;
        synchronized (perSecond) {
            merged = merged(from, to);
        }
        return merged.getTotalCount() == 0 ? LatencySummary.EMPTY : LatencySummary.of(merged);
    }

    /** The seconds {@code from} (inclusive) to {@code to} (exclusive) in one histogram; the caller holds the lock. */
    private Histogram merged(int from, int to) {
        Histogram merged = new Histogram(HIGHEST, 2);
        for (int s = Math.max(0, from); s < Math.min(to, perSecond.length); s++) {
            if (perSecond[s] != null) {
                merged.add(perSecond[s]);
            }
        }
        return merged;
    }

    /** Per second: {second, count, p50 ms, p99 ms, max ms}; seconds without a value are left out. */
    public java.util.List<double[]> series() {
        java.util.List<double[]> rows = new java.util.ArrayList<>();
        if (perSecond == null) {
            return rows;
        }
        synchronized (perSecond) {
            for (int s = 0; s < perSecond.length; s++) {
                Histogram h = perSecond[s];
                if (h != null && h.getTotalCount() > 0) {
                    rows.add(new double[] {s, h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0,
                            h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0});
                }
            }
        }
        return rows;
    }
}
