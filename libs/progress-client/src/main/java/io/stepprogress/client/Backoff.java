package io.stepprogress.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with "equal jitter": half of each wait is fixed, the other half random. */
record Backoff(Duration initial, Duration max) {

    /** The wait after the {@code failedAttempts}-th failed attempt (1-based). */
    Duration delay(int failedAttempts) {
        long cap = Math.min(ceiling(failedAttempts), max.toNanos());
        if (cap <= 0) {
            return Duration.ZERO;
        }
        long half = cap / 2;
        return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(cap - half + 1));
    }

    /** {@code initial * 2^(failedAttempts-1)}, saturating instead of overflowing. */
    long ceiling(int failedAttempts) {
        long base = initial.toNanos();
        int doublings = Math.max(0, failedAttempts - 1);
        if (base == 0) {
            return 0;
        }
        if (doublings >= Long.numberOfLeadingZeros(base) - 1) {
            return Long.MAX_VALUE;
        }
        return base << doublings;
    }
}
