package io.stepprogress.progress.overload;

import java.time.Duration;

/**
 * Which share of progress updates to refuse for a standing delay: none up to {@code shedAboveNanos}, all from
 * {@code shedAllAboveNanos}, and in between a share that rises linearly, so the accepted rate settles where the
 * delay holds instead of swinging between all and nothing.
 */
record ShedPolicy(long shedAboveNanos, long shedAllAboveNanos) {

    ShedPolicy {
        if (shedAboveNanos < 0 || shedAllAboveNanos < shedAboveNanos) {
            throw new IllegalArgumentException("need 0 <= shed-above <= shed-all-above, got "
                    + Duration.ofNanos(shedAboveNanos) + " and " + Duration.ofNanos(shedAllAboveNanos));
        }
    }

    /** @param signal names the settings in the message of a pair that does not fit */
    static ShedPolicy of(Duration shedAbove, Duration shedAllAbove, String signal) {
        try {
            return new ShedPolicy(shedAbove.toNanos(), shedAllAbove.toNanos());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("progress.overload." + signal + "-*: " + e.getMessage(), e);
        }
    }

    /** 0 (accept every update) to 1 (shed every update). */
    double share(long delayNanos) {
        if (delayNanos <= shedAboveNanos) {
            return 0;
        }
        if (delayNanos >= shedAllAboveNanos) {
            return 1;
        }
        return (double) (delayNanos - shedAboveNanos) / (shedAllAboveNanos - shedAboveNanos);
    }
}
