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

    /** One stretch of a schedule: this rate for this long. */
    public record Phase(double ratePerSecond, Duration duration) {
    }

    private final long startNanos;
    /** Per phase: its first request's index, its start, its rate; and the schedule's end. */
    private final long[] firstIndex;
    private final long[] phaseStart;
    private final double[] rates;
    private final long count;
    private final long endNanos;

    private RateSchedule(long startNanos, List<Phase> phases) {
        if (phases.isEmpty()) {
            throw new IllegalArgumentException("a schedule needs a phase");
        }
        this.startNanos = startNanos;
        int n = phases.size();
        firstIndex = new long[n];
        phaseStart = new long[n];
        rates = new double[n];
        long index = 0;
        long at = startNanos;
        Duration total = Duration.ZERO;
        for (int k = 0; k < n; k++) {
            Phase phase = phases.get(k);
            double rate = phase.ratePerSecond();
            if (!(rate > 0) || rate > MAX_RATE) {
                throw new IllegalArgumentException("rate must be in (0, " + (long) MAX_RATE + "] per second, got "
                        + rate);
            }
            if (phase.duration().isNegative() || phase.duration().isZero()) {
                throw new IllegalArgumentException("a phase must last, got " + phase.duration());
            }
            total = total.plus(phase.duration());
            firstIndex[k] = index;
            phaseStart[k] = at;
            rates[k] = rate;
            index += Math.max(1, (long) Math.floor(rate * phase.duration().toNanos() / 1e9));
            at += phase.duration().toNanos();
        }
        if (total.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("duration must be in (0, " + MAX_DURATION + "], got " + total);
        }
        this.count = index;
        // One phase: the due time of a request after the last one (as before phases existed); several: the end
        // of the last phase.
        this.endNanos = n == 1 ? startNanos + Math.round(count * 1e9 / rates[0]) : at;
    }

    /** {@code floor(rate x duration)} requests from {@code startNanos} (a {@link System#nanoTime()} value). */
    public static RateSchedule of(long startNanos, double ratePerSecond, Duration duration) {
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("duration must be in (0, " + MAX_DURATION + "], got " + duration);
        }
        return new RateSchedule(startNanos, List.of(new Phase(ratePerSecond, duration)));
    }

    /** Phases one after the other (e.g. the overload: the rate, twice the rate, the rate again). */
    public static RateSchedule phases(long startNanos, List<Phase> phases) {
        return new RateSchedule(startNanos, phases);
    }

    public long count() {
        return count;
    }

    /** The rate of the first phase. */
    public double rate() {
        return rates[0];
    }

    public long startNanos() {
        return startNanos;
    }

    /** When phase {@code k} starts. */
    public long phaseStartNanos(int k) {
        return phaseStart[k];
    }

    /** When request {@code i} is due. */
    public long dueNanos(long i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("request " + i + " of " + count);
        }
        int k = firstIndex.length - 1;
        while (firstIndex[k] > i) {
            k--;
        }
        return phaseStart[k] + Math.round((i - firstIndex[k]) * 1e9 / rates[k]);
    }

    /** When the schedule ends: one phase, the due time of a request after the last one; else the last phase's end. */
    public long endNanos() {
        return endNanos;
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
