package io.stepprogress.alert.support;

import io.stepprogress.event.ChangeKind;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.event.StepStatus;
import io.stepprogress.event.StepView;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One project's events as progress-service would write them (weights 1): each method returns the next
 * event, built with {@link StepProgressUpdated#of}. {@link #at} backdates the events that follow.
 */
public final class TestRun {

    private final String projectId;
    private final List<String> stepNames;
    private final List<StepView> steps = new ArrayList<>();
    private InitializationStatus status;
    private long sequence;
    private Instant clock;
    private Instant startedAt;
    private Instant finishedAt;
    private String message;
    private String reason;

    private TestRun(String projectId, List<String> stepNames) {
        this.projectId = projectId;
        this.stepNames = stepNames;
    }

    /** A run of a fresh project: {@code prefix} plus a random suffix. */
    public static TestRun of(String prefix, String... steps) {
        return new TestRun(prefix + "-" + UUID.randomUUID().toString().substring(0, 8), List.of(steps));
    }

    public String projectId() {
        return projectId;
    }

    /** Events from now on occur at this time (null: the current time). */
    public TestRun at(Instant time) {
        this.clock = time;
        return this;
    }

    /** initialized: a new plan, or a restart of a finished one (the sequence goes on). */
    public StepProgressUpdated start() {
        Instant now = now();
        steps.clear();
        stepNames.forEach(n -> steps.add(new StepView(n, "Step " + n, 1, StepStatus.PENDING, 0, null, null, null)));
        status = InitializationStatus.PENDING;
        startedAt = now;
        finishedAt = null;
        message = null;
        reason = null;
        return next(ChangeKind.INITIALIZED, null, now);
    }

    public StepProgressUpdated progress(String step, int progress) {
        return step(step, StepStatus.RUNNING, progress, "at " + progress + "%", ChangeKind.PROGRESSED);
    }

    public StepProgressUpdated complete(String step) {
        StepProgressUpdated event = step(step, StepStatus.COMPLETED, 100, "done", ChangeKind.COMPLETED);
        if (steps.stream().allMatch(s -> s.status() == StepStatus.COMPLETED)) {
            return finish(event, InitializationStatus.COMPLETED, null);
        }
        return event;
    }

    public StepProgressUpdated fail(String step, String why) {
        int progress = steps.get(indexOf(step)).progress();
        return finish(step(step, StepStatus.FAILED, progress, why, ChangeKind.FAILED), InitializationStatus.FAILED, why);
    }

    public StepProgressUpdated cancel(String why) {
        Instant now = now();
        status = InitializationStatus.CANCELLED;
        finishedAt = now;
        reason = why;
        return next(ChangeKind.CANCELLED, null, now);
    }

    private StepProgressUpdated step(String name, StepStatus stepStatus, int progress, String stepMessage,
                                     ChangeKind change) {
        Instant now = now();
        int index = indexOf(name);
        StepView old = steps.get(index);
        StepView changed = new StepView(name, old.label(), 1, stepStatus, progress, stepMessage,
                old.startedAt() == null ? now : old.startedAt(), now);
        steps.set(index, changed);
        message = stepMessage;
        status = InitializationStatus.RUNNING;
        return next(change, changed, now);
    }

    /** The step's event again, its view now finished. */
    private StepProgressUpdated finish(StepProgressUpdated event, InitializationStatus outcome, String why) {
        status = outcome;
        finishedAt = event.occurredAt();
        reason = why;
        return StepProgressUpdated.of(event.eventId(), event.occurredAt(), event.change(), event.step(),
                view(event.occurredAt()));
    }

    private StepProgressUpdated next(ChangeKind change, StepView step, Instant now) {
        sequence++;
        return StepProgressUpdated.of(UUID.randomUUID(), now, change, step, view(now));
    }

    private InitializationView view(Instant now) {
        double progress = steps.stream().mapToInt(s -> s.status() == StepStatus.COMPLETED ? 100 : s.progress())
                .average().orElse(0);
        String current = status.finished() ? null : steps.stream().filter(s -> s.status() == StepStatus.RUNNING)
                .findFirst().or(() -> steps.stream().filter(s -> s.status() == StepStatus.PENDING).findFirst())
                .map(StepView::name).orElse(null);
        return new InitializationView(projectId, status, Math.round(progress * 10) / 10.0, message, current, sequence,
                startedAt, now, finishedAt, reason, steps);
    }

    private int indexOf(String step) {
        int index = stepNames.indexOf(step);
        if (index < 0) {
            throw new IllegalArgumentException("no step " + step + " in " + stepNames);
        }
        return index;
    }

    private Instant now() {
        return (clock != null ? clock : Instant.now()).truncatedTo(ChronoUnit.MICROS);
    }
}
