package io.stepprogress.progress.overload;

import io.stepprogress.problem.ProblemException;
import java.util.Map;

/** 503: a progress update refused under overload, before anything was read or written. */
class OverloadedException extends ProblemException {

    OverloadedException(long retryAfterSeconds) {
        super(503, "Service unavailable", "overloaded: progress updates are being shed; nothing was written. Send "
                + "the newest progress again after Retry-After (status changes are still accepted)",
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }
}
