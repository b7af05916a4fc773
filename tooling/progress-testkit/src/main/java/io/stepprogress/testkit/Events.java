package io.stepprogress.testkit;

import io.stepprogress.event.ChangeKind;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.event.StepStatus;
import io.stepprogress.event.StepView;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds the event stream progress-service would produce for a run (weights 1), for tests that feed the
 * notifier straight from Kafka. Each call returns the next event, sequence + 1, with the whole view.
 */
public final class Events {

    private Events() {
    }

    public static Run plan(String projectId, String... stepNames) {
        return new Run(projectId, stepNames);
    }

    public static final class Run {
        private final String projectId;
        private final Map<String, StepView> steps = new LinkedHashMap<>();
        private InitializationStatus status = InitializationStatus.PENDING;
        private long sequence;
        private String message;
        private String reason;
        private Instant startedAt;
        private Instant finishedAt;

        private Run(String projectId, String... stepNames) {
            this.projectId = projectId;
            for (String name : stepNames) {
                steps.put(name, new StepView(name, "Step " + name, 1, StepStatus.PENDING, 0, null, null, null));
            }
        }

        public String projectId() {
            return projectId;
        }

        public StepProgressUpdated initialized() {
            startedAt = now();
            return next(ChangeKind.INITIALIZED, null, startedAt);
        }

        public StepProgressUpdated progress(String step, int progress) {
            return change(step, StepStatus.RUNNING, progress, "at " + progress + "%", ChangeKind.PROGRESSED);
        }

        public StepProgressUpdated complete(String step) {
            StepProgressUpdated event = change(step, StepStatus.COMPLETED, 100, "done", ChangeKind.COMPLETED);
            if (steps.values().stream().allMatch(s -> s.status() == StepStatus.COMPLETED)) {
                status = InitializationStatus.COMPLETED;
                finishedAt = event.occurredAt();
                return rebuild(event);
            }
            return event;
        }

        public StepProgressUpdated fail(String step, String failure) {
            StepView current = steps.get(step);
            StepProgressUpdated event = change(step, StepStatus.FAILED, current.progress(), failure, ChangeKind.FAILED);
            status = InitializationStatus.FAILED;
            reason = failure;
            finishedAt = event.occurredAt();
            return rebuild(event);
        }

        private StepProgressUpdated change(String step, StepStatus stepStatus, int progress, String stepMessage,
                                           ChangeKind kind) {
            Instant now = now();
            StepView current = steps.get(step);
            StepView changed = new StepView(step, current.label(), 1, stepStatus, progress, stepMessage,
                    current.startedAt() == null ? now : current.startedAt(), now);
            steps.put(step, changed);
            message = stepMessage;
            if (status == InitializationStatus.PENDING) {
                status = InitializationStatus.RUNNING;
            }
            return next(kind, changed, now);
        }

        private StepProgressUpdated next(ChangeKind kind, StepView step, Instant now) {
            sequence++;
            return StepProgressUpdated.of(UUID.randomUUID(), now, kind, step, view(now));
        }

        /** Same event, view recomputed after a status change decided by the whole run. */
        private StepProgressUpdated rebuild(StepProgressUpdated event) {
            return new StepProgressUpdated(event.eventId(), event.type(), projectId, event.sequence(),
                    event.occurredAt(), event.change(), event.step(), view(event.occurredAt()));
        }

        private InitializationView view(Instant now) {
            List<StepView> list = new ArrayList<>(steps.values());
            double progress = list.stream().mapToInt(s -> s.status() == StepStatus.COMPLETED ? 100 : s.progress())
                    .average().orElse(0);
            String current = status.finished() ? null : list.stream()
                    .filter(s -> s.status() == StepStatus.RUNNING).findFirst()
                    .or(() -> list.stream().filter(s -> s.status() == StepStatus.PENDING).findFirst())
                    .map(StepView::name).orElse(null);
            return new InitializationView(projectId, status, Math.round(progress * 10) / 10.0, message, current,
                    sequence, startedAt, now, finishedAt, reason, list);
        }

        private static Instant now() {
            return Instant.now().truncatedTo(ChronoUnit.MICROS);
        }
    }
}
