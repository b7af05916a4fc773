package io.stepprogress.event;

import java.time.Instant;
import java.util.List;

/**
 * A project's initialization as clients see it, after a given {@code sequence}. Every event carries the
 * whole view, so no consumer ever needs to call progress-service back.
 *
 * @param progress    weighted overall progress 0..100: sum(weight x step progress) / sum(weight), one decimal
 * @param currentStep the first running step in plan order, else the first pending one; null once finished
 * @param reason      why the initialization failed or was cancelled; null otherwise
 * @param run         which run of the project this is: 1 for the first, one more for each run started after a
 *                    finished one ({@code PUT .../initialization?run=N}); events written before runs were
 *                    numbered carry none and read as 1
 * @param eta         the estimated time left, learned from finished runs of the same steps; null when the run is
 *                    finished or a step still to do has no finished run to learn from (and in events written before
 *                    estimates existed)
 */
public record InitializationView(
        String projectId,
        InitializationStatus status,
        double progress,
        String message,
        String currentStep,
        long sequence,
        Instant startedAt,
        Instant updatedAt,
        Instant finishedAt,
        String reason,
        List<StepView> steps,
        int run,
        Eta eta) {

    public InitializationView {
        steps = List.copyOf(steps);
        run = Math.max(1, run);
    }

    /** A view without an estimate. */
    public InitializationView(String projectId, InitializationStatus status, double progress, String message,
                              String currentStep, long sequence, Instant startedAt, Instant updatedAt,
                              Instant finishedAt, String reason, List<StepView> steps, int run) {
        this(projectId, status, progress, message, currentStep, sequence, startedAt, updatedAt, finishedAt, reason,
                steps, run, null);
    }

    /** A view of a project's first run. */
    public InitializationView(String projectId, InitializationStatus status, double progress, String message,
                              String currentStep, long sequence, Instant startedAt, Instant updatedAt,
                              Instant finishedAt, String reason, List<StepView> steps) {
        this(projectId, status, progress, message, currentStep, sequence, startedAt, updatedAt, finishedAt, reason,
                steps, 1);
    }

    /** This view with {@code estimate} as its {@link #eta()}. */
    public InitializationView withEta(Eta estimate) {
        return new InitializationView(projectId, status, progress, message, currentStep, sequence, startedAt, updatedAt,
                finishedAt, reason, steps, run, estimate);
    }
}
