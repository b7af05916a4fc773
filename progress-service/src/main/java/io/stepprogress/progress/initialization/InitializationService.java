package io.stepprogress.progress.initialization;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stepprogress.event.ChangeKind;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.problem.ProblemException;
import io.stepprogress.progress.eta.Estimates;
import io.stepprogress.progress.outbox.OutboxWriter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The write path. Each command runs in one transaction: lock the project's row, let the aggregate decide,
 * write what changed and append its event to the outbox. Either all of it commits or none of it. Step commands
 * (progress, complete, fail, cancel) that arrive together share one transaction ({@link GroupCommitter}); each is
 * still decided on its own, in arrival order, and answered only once its transaction has committed. They return a
 * {@link CompletionStage}: the HTTP request waits for its transaction without holding a thread.
 */
@ApplicationScoped
public class InitializationService {

    private final InitializationRepository repository;
    private final OutboxWriter outbox;
    private final Estimates estimates;
    private final GroupCommitter<ProjectCommand, InitializationView> groupCommit;

    InitializationService(InitializationRepository repository, OutboxWriter outbox, Estimates estimates,
                          ProgressConfig config, MeterRegistry registry) {
        this.repository = repository;
        this.outbox = outbox;
        this.estimates = estimates;
        DistributionSummary batchSizes = DistributionSummary.builder("progress.write.batch.size")
                .description("Commands applied per write transaction (group commit)").register(registry);
        this.groupCommit = new GroupCommitter<>("progress-group-commit", config.writeBatchMaxSize(),
                batch -> QuarkusTransaction.requiringNew().call(() -> applyAll(batch)), batchSizes::record);
        Gauge.builder("progress.write.queued", groupCommit, GroupCommitter::queued)
                .description("Step commands waiting for the next write transaction").register(registry);
    }

    @PreDestroy
    void close() {
        groupCommit.close();
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

    public CompletionStage<InitializationView> reportProgress(String projectId, String step, int progress, String message) {
        return submit(projectId, (initialization, now) -> initialization.reportProgress(step, progress, message, now));
    }

    public CompletionStage<InitializationView> complete(String projectId, String step, String message) {
        return submit(projectId, (initialization, now) -> initialization.complete(step, message, now));
    }

    public CompletionStage<InitializationView> fail(String projectId, String step, String reason) {
        return submit(projectId, (initialization, now) -> initialization.fail(step, reason, now));
    }

    public CompletionStage<InitializationView> cancel(String projectId, String reason) {
        return submit(projectId, (initialization, now) -> initialization.cancel(reason, now));
    }

    public InitializationView view(String projectId) {
        return repository.find(projectId).map(this::view)
                .orElseThrow(() -> InitializationNotFoundException.project(projectId));
    }

    private interface Command {
        Optional<Change> apply(Initialization initialization, Instant now);
    }

    /** A command for one project, with the trace context of the request that sent it. */
    private record ProjectCommand(String projectId, Command command, String traceparent) {
    }

    /**
     * Applies the command in the group commit's next transaction, or at once in the caller's transaction when there
     * is one (so a caller's rollback takes the command with it, and a refusal is thrown to it at once).
     *
     * @return the view once committed; no thread waits for it (the resource answers from its event loop)
     */
    private CompletionStage<InitializationView> submit(String projectId, Command command) {
        ProjectCommand projectCommand = new ProjectCommand(projectId, command, outbox.currentTraceparent());
        if (QuarkusTransaction.isActive()) {
            return CompletableFuture.completedFuture(applyAll(List.of(projectCommand)).get(0).get());
        }
        return groupCommit.submit(projectCommand);
    }

    /**
     * One batch, in the caller's transaction: lock every project it names (one round trip), apply its commands in
     * arrival order (a project's second command sees its first), then write each changed row once, with every
     * event in order (one round trip). A command its aggregate refuses changes nothing and fails alone.
     */
    private List<GroupCommitter.Outcome<InitializationView>> applyAll(List<ProjectCommand> batch) {
        Map<String, Initialization> locked = repository.lockAll(batch.stream().map(ProjectCommand::projectId).toList());
        List<GroupCommitter.Outcome<InitializationView>> outcomes = new ArrayList<>(batch.size());
        List<OutboxWriter.Entry> events = new ArrayList<>(batch.size());
        Map<Initialization, Set<String>> changed = new LinkedHashMap<>();
        List<InitializationView> completedRuns = new ArrayList<>();
        for (ProjectCommand next : batch) {
            Initialization initialization = locked.get(next.projectId());
            if (initialization == null) {
                outcomes.add(GroupCommitter.Outcome.refused(InitializationNotFoundException.project(next.projectId())));
                continue;
            }
            Instant now = now();
            Optional<Change> change;
            try {
                // The aggregate checks before it changes anything, so a refused command leaves it as it was.
                change = next.command().apply(initialization, now);
            } catch (ProblemException refused) {
                outcomes.add(GroupCommitter.Outcome.refused(refused));
                continue;
            }
            InitializationView view = view(initialization);
            if (change.isPresent()) {
                Set<String> steps = changed.computeIfAbsent(initialization, i -> new HashSet<>());
                if (change.get().step() != null) {
                    steps.add(change.get().step().name());
                }
                events.add(new OutboxWriter.Entry(event(change.get(), now, view), next.traceparent()));
                if (Estimates.completesRun(change.get().kind(), view)) {
                    completedRuns.add(view);
                }
            }
            outcomes.add(GroupCommitter.Outcome.of(view));
        }
        if (!events.isEmpty()) {
            // What the batch's completed runs took, in one statement for them all (see StepDurationHistory#learn).
            estimates.learnFrom(completedRuns);
            outbox.append(events, repository.updates(changed));
        }
        return outcomes;
    }

    private InitializationView publish(Initialization initialization, Change change, Instant now) {
        InitializationView view = view(initialization);
        outbox.append(List.of(new OutboxWriter.Entry(event(change, now, view), outbox.currentTraceparent())),
                List.of());
        return view;
    }

    private static StepProgressUpdated event(Change change, Instant now, InitializationView view) {
        return StepProgressUpdated.of(UUID.randomUUID(), now, change.kind(), change.step(), view);
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
