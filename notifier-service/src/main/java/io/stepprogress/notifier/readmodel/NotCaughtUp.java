package io.stepprogress.notifier.readmodel;

import io.stepprogress.problem.ProblemException;
import java.util.Map;

/**
 * 503: the read model has not caught up (starting, or rebuilding) or the state asked for is not available
 * yet: what it holds may be older than what the client has already seen, so nothing is served from it.
 */
public final class NotCaughtUp extends ProblemException {

    public NotCaughtUp(String detail, long retryAfterSeconds) {
        super(503, "Not caught up", detail, Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }
}
