package io.stepprogress.progress.initialization;

import io.stepprogress.event.ChangeKind;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.progress.eta.Estimates;
import io.stepprogress.progress.jdbc.BoundStatement;
import io.stepprogress.progress.outbox.OutboxWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
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
    private final Estimates estimates;

    InitializationService(InitializationRepository repository, OutboxWriter outbox, Estimates estimates) {
        this.repository = repository;
        this.outbox = outbox;
        this.estimates = estimates;
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
                return new Started(publish(created, new Change(ChangeKind.INITIALIZED, null), now), true);
            }
            // Another request created it between our lock attempt and our insert: decide against its plan.
            existing = repository.lock(projectId);
        }
        Initialization initialization = existing.orElseThrow();
        Optional<Change> change = initialization.startRun(plan, run, now);
        if (change.isEmpty()) {
            return new Started(view(initialization), false);
        }
        repository.replacePlan(initialization);
        return new Started(publish(initialization, change.get(), now), true);
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
        return repository.find(projectId).map(this::view)
                .orElseThrow(() -> InitializationNotFoundException.project(projectId));
    }

    private interface Command {
        Optional<Change> apply(Initialization initialization, Instant now);
    }

    private InitializationView apply(String projectId, Command command) {
        Initialization initialization = repository.lock(projectId)
                .orElseThrow(() -> InitializationNotFoundException.project(projectId));
        Instant now = now();
        Optional<Change> change = command.apply(initialization, now);
        if (change.isEmpty()) {
            return view(initialization);
        }
        return publish(initialization, change.get(), now, repository.updates(initialization,
                change.get().step() == null ? null : change.get().step().name()));
    }

    private InitializationView publish(Initialization initialization, Change change, Instant now) {
        return publish(initialization, change, now, List.of());
    }

    /**
     * When the change completes a run, what its steps took (the estimates learn from it); then the state changes
     * not yet written, with the event, in one round trip.
     */
    private InitializationView publish(Initialization initialization, Change change, Instant now,
                                       List<BoundStatement> stateChanges) {
        InitializationView view = view(initialization);
        estimates.learnFrom(change.kind(), view);
        outbox.append(StepProgressUpdated.of(UUID.randomUUID(), now, change.kind(), change.step(), view), stateChanges);
        return view;
    }

    /** The view clients see: the aggregate's, with the estimate of the time left. */
    InitializationView view(Initialization initialization) {
        return estimates.attach(initialization.view());
    }

    /** Microseconds: what PostgreSQL stores, so a view read back equals the view in the event. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
