package io.stepprogress.progress.initialization;

import io.stepprogress.event.ChangeKind;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.progress.outbox.OutboxWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/**
 * The write path. Each command runs in one transaction: lock the project's row, let the aggregate decide,
 * write what changed and append its event to the outbox. Either all of it commits or none of it.
 */
@ApplicationScoped
public class InitializationService {

    private final InitializationRepository repository;
    private final OutboxWriter outbox;

    InitializationService(InitializationRepository repository, OutboxWriter outbox) {
        this.repository = repository;
        this.outbox = outbox;
    }

    /** @param created true when this call started a run (a new project, or the next run of a finished one) */
    public record Started(InitializationView view, boolean created) {
    }

    /** @param run the run asked for; null for whichever run is current (the first for a new project) */
    @Transactional
    public Started start(String projectId, Plan plan, Integer run) {
        Instant now = now();
        Optional<Initialization> existing = repository.lock(projectId);
        if (existing.isEmpty() && run != null && run != 1) {
            throw new TransitionRejectedException("Unknown run", "project '" + projectId
                    + "' has no run yet; its first is run 1");
        }
        if (existing.isEmpty()) {
            Initialization created = Initialization.start(projectId, plan, now);
            if (repository.insertIfAbsent(created)) {
                publish(created, new Change(ChangeKind.INITIALIZED, null), now);
                return new Started(created.view(), true);
            }
            // Another request created it between our lock attempt and our insert: decide against its plan.
            existing = repository.lock(projectId);
        }
        Initialization initialization = existing.orElseThrow();
        Optional<Change> change = initialization.startRun(plan, run, now);
        change.ifPresent(c -> {
            repository.replacePlan(initialization);
            publish(initialization, c, now);
        });
        return new Started(initialization.view(), change.isPresent());
    }

    @Transactional
    public InitializationView reportProgress(String projectId, String step, int progress, String message) {
        return apply(projectId, (initialization, now) -> initialization.reportProgress(step, progress, message, now));
    }

    @Transactional
    public InitializationView complete(String projectId, String step, String message) {
        return apply(projectId, (initialization, now) -> initialization.complete(step, message, now));
    }

    @Transactional
    public InitializationView fail(String projectId, String step, String reason) {
        return apply(projectId, (initialization, now) -> initialization.fail(step, reason, now));
    }

    @Transactional
    public InitializationView cancel(String projectId, String reason) {
        return apply(projectId, (initialization, now) -> initialization.cancel(reason, now));
    }

    public InitializationView view(String projectId) {
        return repository.find(projectId).map(Initialization::view)
                .orElseThrow(() -> InitializationNotFoundException.project(projectId));
    }

    private interface Command {
        Optional<Change> apply(Initialization initialization, Instant now);
    }

    private InitializationView apply(String projectId, Command command) {
        Initialization initialization = repository.lock(projectId)
                .orElseThrow(() -> InitializationNotFoundException.project(projectId));
        Instant now = now();
        command.apply(initialization, now).ifPresent(change -> {
            repository.update(initialization, change.step() == null ? null : change.step().name());
            publish(initialization, change, now);
        });
        return initialization.view();
    }

    private void publish(Initialization initialization, Change change, Instant now) {
        outbox.append(StepProgressUpdated.of(UUID.randomUUID(), now, change.kind(), change.step(),
                initialization.view()));
    }

    /** Microseconds: what PostgreSQL stores, so a view read back equals the view in the event. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
