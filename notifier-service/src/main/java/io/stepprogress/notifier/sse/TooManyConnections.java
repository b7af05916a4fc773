package io.stepprogress.notifier.sse;

import io.stepprogress.problem.ProblemException;
import java.util.Map;

/** 429: the token already holds its share of open streams; one must close before another opens. */
final class TooManyConnections extends ProblemException {

    TooManyConnections(int max, long retryAfterSeconds) {
        super(429, "Too many connections",
                "this subscriber token already has " + max + " open streams; close one and retry",
                Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }
}
