package io.stepprogress.alert.state;

import java.time.Instant;

/**
 * One active alert as {@code GET /api/alerts} lists it.
 *
 * @param step  the step at fault: the current step of a stalled initialization, the failed step of a failed one
 *              (null when the event did not name one)
 * @param since when the initialization last moved (stalled) or failed (failed)
 */
public record Alert(AlertType type, String projectId, String step, Instant since, String message) {
}
