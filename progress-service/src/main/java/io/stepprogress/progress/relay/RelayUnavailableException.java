package io.stepprogress.progress.relay;

import io.stepprogress.problem.ProblemException;
import java.util.Map;

/**
 * 503: the write was not committed because no valid replication slot would carry its event to Kafka. Refusing is
 * the only honest answer: an acknowledged write whose event is never relayed is a silent loss.
 */
public class RelayUnavailableException extends ProblemException {

    /** The watcher checks every second and the relay restarts within its maximum backoff: a few seconds. */
    static final String RETRY_AFTER_SECONDS = "5";

    RelayUnavailableException(String detail) {
        super(503, "Service unavailable", detail, Map.of("Retry-After", RETRY_AFTER_SECONDS));
    }
}
