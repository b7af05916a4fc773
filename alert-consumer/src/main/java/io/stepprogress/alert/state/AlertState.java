package io.stepprogress.alert.state;

import io.stepprogress.event.ChangeKind;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.event.StepStatus;
import io.stepprogress.event.StepView;
import io.stepprogress.event.consume.IntakeBatch;
import io.stepprogress.event.trace.TracedWork;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import org.jboss.logging.Logger;

/**
 * What the alerts are made from: the initializations in progress (pending or running), in memory, the
 * failures still listed, and the alerts derived from them.
 * <p>
 * Events are applied in per-project {@code sequence} order: a duplicate or an older event is dropped (the
 * consumer's {@link io.stepprogress.event.consume.EventIntake} drops them before they get here, against
 * {@link #lastSequence}; this class keeps the rule so its state never goes back). An
 * event is applied either <em>live</em> (it reaches the {@link Recorder}: counters, histograms, lag) or as
 * <em>history</em> (state only), which is how a partition's past is re-read on assignment without counting
 * it twice. Thread-safe: the consumer, the rebalance listener, the evaluator and HTTP reads share it.
 */
public final class AlertState {

    private static final Logger LOG = Logger.getLogger(AlertState.class);

    /** Where live effects go: the metrics. */
    public interface Recorder {
        /** consume time - occurredAt of a live event */
        void lag(Duration lag);

        /** A live event finished an initialization; {@code duration} is null when the view had no start. */
        void finished(InitializationStatus outcome, Duration duration);

        void stepFailed(String step);

        void stepCompleted(String step, Duration duration);

        void applied();

        void dropped();
    }

    public enum Outcome { APPLIED, DUPLICATE_OR_STALE }

    private final Duration stallAfter;
    private final Duration failedRetention;
    private final Recorder recorder;
    private final Clock clock;

    private final Map<String, Active> active = new HashMap<>();
    private final Map<String, FailedAlert> failed = new HashMap<>();
    /** Last sequence of finished projects, oldest first, bounded: late duplicates of their events are dropped. */
    private final LinkedHashMap<String, Long> finishedSequences;
    private int stalled;

    public AlertState(Duration stallAfter, Duration failedRetention, int rememberedFinished, Recorder recorder,
                           Clock clock) {
        this.stallAfter = stallAfter;
        this.failedRetention = failedRetention;
        this.recorder = recorder;
        this.clock = clock;
        this.finishedSequences = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > rememberedFinished;
            }
        };
    }

    /**
     * @param partition the record's partition: state of revoked partitions is forgotten ({@link #revoke})
     * @param live      false while re-reading history: state only, nothing recorded
     * @throws IllegalArgumentException for an event without a status (nothing is changed)
     */
    public synchronized Outcome apply(StepProgressUpdated event, int partition, boolean live) {
        if (event.initialization().status() == null) {
            throw new IllegalArgumentException("event " + event.eventId() + " has no initialization.status");
        }
        String projectId = event.projectId();
        if (event.sequence() <= lastSequence(projectId)) {
            if (live) {
                recorder.dropped();
            }
            return Outcome.DUPLICATE_OR_STALE;
        }
        Instant now = clock.instant();
        Instant occurredAt = event.occurredAt() != null ? event.occurredAt() : now;
        InitializationView view = event.initialization();
        if (live) {
            recorder.applied();
            recorder.lag(positive(Duration.between(occurredAt, now)));
            recordStep(event, occurredAt);
        }
        if (view.status().finished()) {
            finish(event, partition, live, occurredAt, now);
        } else {
            if (event.change() == ChangeKind.INITIALIZED) {
                failed.remove(projectId); // a restart supersedes the failure
            }
            finishedSequences.remove(projectId);
            Active previous = active.put(projectId, new Active(partition, view, event.sequence(), occurredAt));
            if (previous != null && previous.stalled) {
                stalled--;
                LOG.infof("project %s moves again (sequence %d)", projectId, event.sequence());
            }
        }
        return Outcome.APPLIED;
    }

    /**
     * Applies a batch in one pass, under one lock, in order. An event that cannot be applied is handed to
     * {@code failed} and the rest of the batch goes on.
     */
    public void applyAll(List<? extends IntakeBatch.Accepted<?>> events, boolean live,
                         BiConsumer<IntakeBatch.Accepted<?>, RuntimeException> failed) {
        applyAll(events, live, failed, i -> TracedWork.NONE);
    }

    /**
     * {@link #applyAll(List, boolean, BiConsumer)}, each event's apply inside {@code spanOf}'s span for its index
     * (tracing, docs/operations.md); an event that cannot be applied marks its span failed.
     */
    public synchronized void applyAll(List<? extends IntakeBatch.Accepted<?>> events, boolean live,
                                      BiConsumer<IntakeBatch.Accepted<?>, RuntimeException> failed,
                                      IntFunction<TracedWork> spanOf) {
        for (int i = 0; i < events.size(); i++) {
            IntakeBatch.Accepted<?> accepted = events.get(i);
            try (TracedWork span = spanOf.apply(i)) {
                try {
                    apply(accepted.event(), accepted.position().partition(), live);
                } catch (RuntimeException e) {
                    span.failed(e);
                    failed.accept(accepted, e);
                }
            }
        }
    }

    private void finish(StepProgressUpdated event, int partition, boolean live, Instant occurredAt, Instant now) {
        String projectId = event.projectId();
        InitializationView view = event.initialization();
        Active previous = active.remove(projectId);
        if (previous != null && previous.stalled) {
            stalled--;
        }
        finishedSequences.remove(projectId);
        finishedSequences.put(projectId, event.sequence());
        Instant finishedAt = view.finishedAt() != null ? view.finishedAt() : occurredAt;
        if (live) {
            recorder.finished(view.status(), view.startedAt() == null ? null
                    : positive(Duration.between(view.startedAt(), finishedAt)));
        }
        if (view.status() == InitializationStatus.FAILED && finishedAt.plus(failedRetention).isAfter(now)) {
            String step = failedStep(event);
            String reason = view.reason() != null ? view.reason() : view.message();
            failed.put(projectId, new FailedAlert(partition, new Alert(AlertType.FAILED, projectId, step, finishedAt,
                    (step == null ? "initialization failed" : "step '" + step + "' failed")
                            + (reason == null ? "" : ": " + reason))));
        } else {
            failed.remove(projectId);
        }
    }

    private void recordStep(StepProgressUpdated event, Instant occurredAt) {
        StepView step = event.step();
        if (step == null) {
            return;
        }
        if (event.change() == ChangeKind.FAILED) {
            recorder.stepFailed(step.name());
        } else if (event.change() == ChangeKind.COMPLETED && step.status() == StepStatus.COMPLETED
                && step.startedAt() != null) {
            Instant completedAt = step.updatedAt() != null ? step.updatedAt() : occurredAt;
            recorder.stepCompleted(step.name(), positive(Duration.between(step.startedAt(), completedAt)));
        }
    }

    /**
     * Marks running initializations with no event for longer than stall-after as stalled (and the others
     * not), and drops failure alerts older than their retention. Called on a timer.
     */
    public synchronized void evaluate() {
        Instant now = clock.instant();
        Instant threshold = now.minus(stallAfter);
        int count = 0;
        for (Map.Entry<String, Active> entry : active.entrySet()) {
            Active a = entry.getValue();
            boolean isStalled = a.status == InitializationStatus.RUNNING && a.lastEventAt.isBefore(threshold);
            if (isStalled && !a.stalled) {
                LOG.warnf("project %s stalled: running, no event since %s", entry.getKey(), a.lastEventAt);
            }
            a.stalled = isStalled;
            if (isStalled) {
                count++;
            }
        }
        stalled = count;
        Instant expired = now.minus(failedRetention);
        failed.values().removeIf(f -> !f.alert.since().isAfter(expired));
    }

    /** Forgets what came from these partitions: another instance of the group owns them now. */
    public synchronized void revoke(Set<Integer> partitions) {
        active.values().removeIf(a -> partitions.contains(a.partition));
        failed.values().removeIf(f -> partitions.contains(f.partition));
        stalled = (int) active.values().stream().filter(a -> a.stalled).count();
    }

    /** Active alerts, oldest first; stalled ones as of the last {@link #evaluate()}. */
    public synchronized List<Alert> alerts(Optional<AlertType> type) {
        List<Alert> alerts = new ArrayList<>();
        if (type.isEmpty() || type.get() == AlertType.STALLED) {
            active.forEach((projectId, a) -> {
                if (a.stalled) {
                    alerts.add(a.stalledAlert(projectId, stallAfter));
                }
            });
        }
        if (type.isEmpty() || type.get() == AlertType.FAILED) {
            failed.values().forEach(f -> alerts.add(f.alert));
        }
        alerts.sort(Comparator.comparing(Alert::since).thenComparing(Alert::projectId)
                .thenComparing(Alert::type));
        return alerts;
    }

    /** Pending and running initializations. */
    public synchronized int active() {
        return active.size();
    }

    /** Running initializations found stalled by the last evaluation (and not moved since). */
    public synchronized int stalled() {
        return stalled;
    }

    public synchronized int failedAlerts() {
        return failed.size();
    }

    /** The last sequence applied for a project, 0 when none is known: what the intake drops against. */
    public synchronized long lastSequence(String projectId) {
        Active a = active.get(projectId);
        if (a != null) {
            return a.sequence;
        }
        Long finished = finishedSequences.get(projectId);
        return finished == null ? 0 : finished;
    }

    private static String failedStep(StepProgressUpdated event) {
        if (event.step() != null) {
            return event.step().name();
        }
        return event.initialization().steps().stream().filter(s -> s.status() == StepStatus.FAILED)
                .map(StepView::name).findFirst().orElse(null);
    }

    private static Duration positive(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }

    /** What an alert needs of a view, not the view: memory stays small per initialization. */
    private static final class Active {
        final int partition;
        final InitializationStatus status;
        final long sequence;
        final String currentStep;
        final int currentStepProgress;
        final String message;
        final Instant lastEventAt;
        boolean stalled;

        Active(int partition, InitializationView view, long sequence, Instant lastEventAt) {
            this.partition = partition;
            this.status = view.status();
            this.sequence = sequence;
            this.currentStep = view.currentStep();
            this.currentStepProgress = view.steps().stream().filter(s -> Objects.equals(s.name(), view.currentStep()))
                    .mapToInt(StepView::progress).findFirst().orElse(0);
            this.message = view.message();
            this.lastEventAt = lastEventAt;
        }

        Alert stalledAlert(String projectId, Duration stallAfter) {
            String where = currentStep == null ? "" : " on step '" + currentStep + "' at " + currentStepProgress + "%";
            return new Alert(AlertType.STALLED, projectId, currentStep, lastEventAt,
                    "no progress for more than " + human(stallAfter) + where
                            + (message == null ? "" : " (last message: " + message + ")"));
        }
    }

    private record FailedAlert(int partition, Alert alert) {
    }

    /** 300s -> "5m", 2s -> "2s", 5400s -> "1h30m", 500ms -> "500ms". */
    static String human(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        StringBuilder out = new StringBuilder();
        long seconds = d.getSeconds();
        if (seconds >= 3600) {
            out.append(seconds / 3600).append('h');
        }
        if (seconds % 3600 >= 60) {
            out.append(seconds % 3600 / 60).append('m');
        }
        if (seconds % 60 > 0) {
            out.append(seconds % 60).append('s');
        }
        return out.toString();
    }
}
