package io.stepprogress.demo;

import java.time.Duration;

/**
 * How one demo run ended.
 *
 * @param step    where it failed, was cancelled, aborted or interrupted; null when completed
 * @param reason  the failure or cancel reason, or what went wrong; null when completed
 * @param updates requests sent after the start
 */
public record RunResult(String projectId, Outcome outcome, String step, String reason, Duration elapsed, int updates) {

    public enum Outcome {
        /** Every step completed. */
        COMPLETED,
        /** A step was failed on purpose (the failure rate). */
        FAILED,
        /** The initialization was cancelled on purpose (the cancel rate). */
        CANCELLED,
        /** progress-service refused or could not be reached; the run was given up. */
        ABORTED,
        /** The worker was stopped; the initialization is left unfinished. */
        INTERRUPTED;

        /** True when the initialization reached a final state on the server. */
        public boolean finished() {
            return this == COMPLETED || this == FAILED || this == CANCELLED;
        }
    }
}
