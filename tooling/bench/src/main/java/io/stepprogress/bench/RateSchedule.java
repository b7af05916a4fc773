package io.stepprogress.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An open-loop schedule: request {@code i} (0-based) is due at {@code start + i / rate}, whatever happened to
 * the requests before it. Latency is measured from that due time, so a stalled server shows as latency of
 * every request that should have been sent meanwhile instead of silently sending fewer (coordinated omission).
 *
 * <p>With {@code W} workers, worker {@code w} sends the requests {@code w, w + W, w + 2W, ...}: each worker is
 * sequential (so one worker's projects see their updates in order) and together they keep the rate.
 */
public final class RateSchedule {

    /** Upper bounds that keep every loop of the tool bounded. */
    public static final double MAX_RATE = 20_000;
    public static final Duration MAX_DURATION = Duration.ofMinutes(30);

    private final long startNanos;
    private final double rate;
    private final long count;

    private RateSchedule(long startNanos, double rate, long count) {
        this.startNanos = startNanos;
        this.rate = rate;
        this.count = count;
    }

    /** {@code floor(rate x duration)} requests from {@code startNanos} (a {@link System#nanoTime()} value). */
    public static RateSchedule of(long startNanos, double ratePerSecond, Duration duration) {
        if (!(ratePerSecond > 0) || ratePerSecond > MAX_RATE) {
            throw new IllegalArgumentException("rate must be in (0, " + (long) MAX_RATE + "] per second, got "
                    + ratePerSecond);
        }
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("duration must be in (0, " + MAX_DURATION + "], got " + duration);
        }
        long count = (long) Math.floor(ratePerSecond * duration.toNanos() / 1e9);
        return new RateSchedule(startNanos, ratePerSecond, Math.max(1, count));
    }

    public long count() {
        return count;
    }

    public double rate() {
        return rate;
    }

    public long startNanos() {
        return startNanos;
    }

    /** When request {@code i} is due. */
    public long dueNanos(long i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("request " + i + " of " + count);
        }
        return startNanos + Math.round(i * 1e9 / rate);
    }

    /** When the schedule ends: the due time of a request after the last one. */
    public long endNanos() {
        return startNanos + Math.round(count * 1e9 / rate);
    }

    /** The requests worker {@code worker} of {@code workers} sends, in order. */
    public long[] indicesOf(int worker, int workers) {
        if (workers < 1 || worker < 0 || worker >= workers) {
            throw new IllegalArgumentException("worker " + worker + " of " + workers);
        }
        long n = count > worker ? (count - worker + workers - 1) / workers : 0;
        long[] indices = new long[(int) n];
        for (int k = 0; k < n; k++) {
            indices[k] = worker + (long) k * workers;
        }
        return indices;
    }

    /** The rates of a ramp, e.g. "100,200,400,600": positive, strictly increasing, at most 50 steps. */
    public static List<Double> parseRates(String spec) {
        List<Double> rates = new ArrayList<>();
        for (String part : spec.split(",")) {
            String value = part.strip();
            if (value.isEmpty()) {
                continue;
            }
            double rate;
            try {
                rate = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a rate: '" + value + "' in " + spec);
            }
            if (!(rate > 0) || rate > MAX_RATE) {
                throw new IllegalArgumentException("rate must be in (0, " + (long) MAX_RATE + "], got " + value);
            }
            if (!rates.isEmpty() && rate <= rates.get(rates.size() - 1)) {
                throw new IllegalArgumentException("ramp rates must increase: " + spec);
            }
            rates.add(rate);
        }
        if (rates.isEmpty() || rates.size() > 50) {
            throw new IllegalArgumentException("a ramp needs 1..50 rates, got '" + spec + "'");
        }
        return rates;
    }
}
