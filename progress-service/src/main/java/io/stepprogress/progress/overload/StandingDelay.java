package io.stepprogress.progress.overload;

import java.time.Duration;

/**
 * A delay that stays, told from one that passes: the smallest delay recorded in the last complete window. The
 * smallest, not the latest: one request or event held up by a pause (a collection, a slow fsync) is no queue, but
 * when even the quickest of a window waited long, everything waits (how CoDel tells a standing queue from a
 * burst). A window needs {@code minEvents} samples to count: a queue needs a load, and a lone slow sample on a
 * quiet stream is not one. Nothing recorded for {@code validFor} is no delay: the load is gone (or, for the relay,
 * Kafka acknowledges nothing, when the outbox is there to hold the writes, not to refuse them). Thread safe;
 * recording takes this object's lock, reading does not.
 */
public final class StandingDelay {

    private final long windowNanos;
    private final int minEvents;
    private final long validForNanos;
    private long windowStart = Long.MIN_VALUE;
    private long windowMin = Long.MAX_VALUE;
    private int windowEvents;
    private volatile long standingNanos;
    private volatile long lastRecorded = Long.MIN_VALUE;

    public StandingDelay(Duration window, int minEvents, Duration validFor) {
        if (window.isNegative() || window.isZero() || minEvents < 1) {
            throw new IllegalArgumentException("need progress.overload.window > 0 and window-min-events >= 1, got "
                    + window + " and " + minEvents);
        }
        this.windowNanos = window.toNanos();
        this.minEvents = minEvents;
        this.validForNanos = validFor.toNanos();
    }

    /** One request or event took {@code delayNanos}, as seen at {@code nowNanos}. */
    public synchronized void record(long delayNanos, long nowNanos) {
        if (windowStart == Long.MIN_VALUE || nowNanos - windowStart >= windowNanos) {
            if (windowStart != Long.MIN_VALUE) {
                standingNanos = windowEvents >= minEvents ? windowMin : 0;
            }
            windowStart = nowNanos;
            windowMin = Long.MAX_VALUE;
            windowEvents = 0;
        }
        windowMin = Math.min(windowMin, Math.max(0, delayNanos));
        windowEvents++;
        lastRecorded = nowNanos;
    }

    /** The standing delay of the last complete window in nanoseconds; 0 when nothing was recorded for validFor. */
    public long current(long nowNanos) {
        long last = lastRecorded;
        return last == Long.MIN_VALUE || nowNanos - last > validForNanos ? 0 : standingNanos;
    }
}
