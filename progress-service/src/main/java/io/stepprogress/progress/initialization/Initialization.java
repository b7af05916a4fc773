package io.stepprogress.progress.initialization;

import io.stepprogress.event.ChangeKind;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepStatus;
import io.stepprogress.event.StepView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The aggregate: a project's initialization and its steps. Every command either throws (the caller asked
 * for something the state forbids), returns empty (the state already says so: an idempotent repeat, no
 * event), or changes the state, bumps {@link #sequence()} by exactly one and returns the {@link Change}.
 */
public final class Initialization {

    private final String projectId;
    private final List<Step> steps;
    private int run;
    private InitializationStatus status;
    private long sequence;
    private String message;
    private String reason;
    private Instant startedAt;
    private Instant updatedAt;
    private Instant finishedAt;

    Initialization(String projectId, int run, InitializationStatus status, long sequence, String message,
                   String reason, Instant startedAt, Instant updatedAt, Instant finishedAt, List<Step> steps) {
        this.projectId = projectId;
        this.run = run;
        this.status = status;
        this.sequence = sequence;
        this.message = message;
        this.reason = reason;
        this.startedAt = startedAt;
        this.updatedAt = updatedAt;
        this.finishedAt = finishedAt;
        this.steps = new ArrayList<>(steps);
    }

    /** A new initialization; its creation is the project's first event (sequence 1). */
    public static Initialization start(String projectId, Plan plan, Instant now) {
        Initialization created = new Initialization(projectId, 1, InitializationStatus.PENDING, 0, null, null, now,
                now, null, List.of());
        created.replacePlan(plan, now);
        return created;
    }

    /**
     * Asks for {@code plan} as run {@code requestedRun} (null: the current run) of an existing project. Only an
     * explicit next run number starts a new run, so a repeated or late retry of any start never resets one.
     *
     * @return the change when run {@code current + 1} starts after the current one finished; empty when the
     *         requested run already has this plan (whatever its status)
     * @throws TransitionRejectedException for another plan in the same run, a next run while the current one
     *         is in progress, or a run number that is neither the current nor the next
     */
    public Optional<Change> startRun(Plan plan, Integer requestedRun, Instant now) {
        int wanted = requestedRun == null ? run : requestedRun;
        if (wanted == run) {
            if (plan().equals(plan)) {
                return Optional.empty();
            }
            throw new TransitionRejectedException("Conflicting plan", "run " + run + " of project '" + projectId
                    + "' has a different plan (status " + status.wireName() + ")" + (status.finished()
                    ? "; start a new run with ?run=" + (run + 1) : "; wait until it finishes or cancel it first"));
        }
        if (wanted != run + 1) {
            throw new TransitionRejectedException("Unknown run", "project '" + projectId + "' is at run " + run
                    + "; ?run= takes " + run + " (this run) or " + (run + 1) + " (a new one, once this one has finished)");
        }
        if (!status.finished()) {
            throw new TransitionRejectedException("Run in progress", "run " + run + " of project '" + projectId
                    + "' is " + status.wireName() + "; run " + wanted + " can start once it has finished or been cancelled");
        }
        run = wanted;
        replacePlan(plan, now);
        return Optional.of(new Change(ChangeKind.INITIALIZED, null));
    }

    private void replacePlan(Plan plan, Instant now) {
        steps.clear();
        plan.steps().forEach(planned -> steps.add(Step.pending(planned)));
        status = InitializationStatus.PENDING;
        message = null;
        reason = null;
        startedAt = now;
        finishedAt = null;
        touch(now);
    }

    /** Moves a step's progress up; a pending step starts running. The same value again is a no-op. */
    public Optional<Change> reportProgress(String stepName, int progress, String newMessage, Instant now) {
        Step step = step(stepName);
        requireOpen(step);
        if (progress < step.progress) {
            throw new TransitionRejectedException("Progress regression", "step '" + stepName + "' is at "
                    + step.progress + "%; progress only goes up, got " + progress);
        }
        boolean unchanged = step.status == StepStatus.RUNNING && progress == step.progress
                && (newMessage == null || newMessage.equals(step.message));
        if (unchanged) {
            return Optional.empty();
        }
        startIfPending(step, now);
        step.progress = progress;
        if (newMessage != null) {
            step.message = newMessage;
            message = newMessage;
        }
        step.updatedAt = now;
        touch(now);
        return Optional.of(new Change(ChangeKind.PROGRESSED, step.view()));
    }

    /** Completes a step (at 100%); completing the last one completes the initialization. Repeats are no-ops. */
    public Optional<Change> complete(String stepName, String newMessage, Instant now) {
        Step step = step(stepName);
        if (step.status == StepStatus.COMPLETED) {
            return Optional.empty();
        }
        requireOpen(step);
        startIfPending(step, now);
        step.status = StepStatus.COMPLETED;
        step.progress = 100;
        if (newMessage != null) {
            step.message = newMessage;
            message = newMessage;
        }
        step.updatedAt = now;
        if (steps.stream().allMatch(s -> s.status == StepStatus.COMPLETED)) {
            status = InitializationStatus.COMPLETED;
            finishedAt = now;
        }
        touch(now);
        return Optional.of(new Change(ChangeKind.COMPLETED, step.view()));
    }

    /** Fails a step and with it the initialization. Failing it again with the same reason is a no-op. */
    public Optional<Change> fail(String stepName, String failureReason, Instant now) {
        Step step = step(stepName);
        if (step.status == StepStatus.FAILED && Objects.equals(step.message, failureReason)) {
            return Optional.empty();
        }
        requireOpen(step);
        startIfPending(step, now);
        step.status = StepStatus.FAILED;
        step.message = failureReason;
        step.updatedAt = now;
        status = InitializationStatus.FAILED;
        message = failureReason;
        reason = failureReason;
        finishedAt = now;
        touch(now);
        return Optional.of(new Change(ChangeKind.FAILED, step.view()));
    }

    /** Cancels the whole initialization; steps keep the state they reached. Cancelling again is a no-op. */
    public Optional<Change> cancel(String cancelReason, Instant now) {
        if (status == InitializationStatus.CANCELLED) {
            return Optional.empty();
        }
        requireOpen();
        status = InitializationStatus.CANCELLED;
        reason = cancelReason;
        if (cancelReason != null) {
            message = cancelReason;
        }
        finishedAt = now;
        touch(now);
        return Optional.of(new Change(ChangeKind.CANCELLED, null));
    }

    private void startIfPending(Step step, Instant now) {
        if (step.status == StepStatus.PENDING) {
            step.status = StepStatus.RUNNING;
            step.startedAt = now;
        }
        if (status == InitializationStatus.PENDING) {
            status = InitializationStatus.RUNNING;
        }
    }

    private void touch(Instant now) {
        sequence++;
        updatedAt = now;
    }

    private void requireOpen() {
        if (status.finished()) {
            throw new TransitionRejectedException("Initialization finished", "the initialization of project '"
                    + projectId + "' is " + status.wireName() + " and takes no more updates");
        }
    }

    private void requireOpen(Step step) {
        requireOpen();
        if (step.status.finished()) {
            throw new TransitionRejectedException("Step finished", "step '" + step.name + "' is "
                    + step.status.wireName() + " and takes no more updates");
        }
    }

    private Step step(String name) {
        return steps.stream().filter(s -> s.name.equals(name)).findFirst()
                .orElseThrow(() -> InitializationNotFoundException.step(projectId, name));
    }

    public Plan plan() {
        return new Plan(steps.stream().map(Step::planned).toList());
    }

    public String projectId() {
        return projectId;
    }

    public long sequence() {
        return sequence;
    }

    public int run() {
        return run;
    }

    public InitializationStatus status() {
        return status;
    }

    String message() {
        return message;
    }

    String reason() {
        return reason;
    }

    Instant startedAt() {
        return startedAt;
    }

    Instant updatedAt() {
        return updatedAt;
    }

    Instant finishedAt() {
        return finishedAt;
    }

    List<Step> steps() {
        return steps;
    }

    public InitializationView view() {
        List<StepView> stepViews = steps.stream().map(Step::view).toList();
        return new InitializationView(projectId, status, overallProgress(steps), message, currentStep(),
                sequence, startedAt, updatedAt, finishedAt, reason, stepViews, run);
    }

    private String currentStep() {
        if (status.finished()) {
            return null;
        }
        return steps.stream().filter(s -> s.status == StepStatus.RUNNING).findFirst()
                .or(() -> steps.stream().filter(s -> s.status == StepStatus.PENDING).findFirst())
                .map(s -> s.name).orElse(null);
    }

    /** sum(weight x progress) / sum(weight), a completed step counting 100, rounded to one decimal. */
    static double overallProgress(List<Step> steps) {
        long weighted = 0;
        long totalWeight = 0;
        for (Step step : steps) {
            weighted += (long) step.weight * step.effectiveProgress();
            totalWeight += step.weight;
        }
        return totalWeight == 0 ? 0 : Math.round(weighted * 10.0 / totalWeight) / 10.0;
    }
}
