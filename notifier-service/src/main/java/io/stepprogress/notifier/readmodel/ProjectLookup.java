package io.stepprogress.notifier.readmodel;

import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.stepprogress.event.InitializationView;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * What the HTTP side may read: nothing before the read model has caught up, and a project this instance does
 * not hold (older than what it loaded, or evicted) from progress-service, then kept like any other.
 */
@ApplicationScoped
public class ProjectLookup {

    private static final Logger LOG = Logger.getLogger(ProjectLookup.class);
    private static final long RETRY_AFTER_SECONDS = 2;

    private final CatchUpOnAssignment catchUp;
    private final ProjectReadModel readModel;
    private final ProgressSource source;
    private final Set<String> fetching = ConcurrentHashMap.newKeySet();

    ProjectLookup(CatchUpOnAssignment catchUp, ProjectReadModel readModel, ProgressSource source) {
        this.catchUp = catchUp;
        this.readModel = readModel;
        this.source = source;
    }

    /** False while the read model may be older than what clients have seen. */
    public boolean caughtUp() {
        return catchUp.caughtUp();
    }

    /** @throws NotCaughtUp while the read model may be older than what clients have seen */
    public void requireCaughtUp() {
        if (!caughtUp()) {
            throw new NotCaughtUp("this instance is still loading its read model; retry shortly",
                    RETRY_AFTER_SECONDS);
        }
    }

    /** The sequence held for the project; 0 when none is. */
    public long held(String projectId) {
        return readModel.view(projectId).map(InitializationView::sequence).orElse(0L);
    }

    /**
     * The project's view, from memory or else from progress-service. Blocking: call it off the event loop.
     *
     * @return empty only when progress-service does not know the project (or, without a source, no event of
     *         it has been seen)
     * @throws NotCaughtUp when progress-service cannot be asked
     */
    public Optional<InitializationView> load(String projectId) {
        Optional<InitializationView> held = readModel.view(projectId);
        if (held.isPresent() || !source.configured()) {
            return held;
        }
        long asked = readModel.lastSequence(projectId);
        try {
            Optional<InitializationView> fetched = source.fetch(projectId);
            fetched.ifPresent(view -> readModel.seed(view, asked));
            // Live events may have overtaken the fetch, which is then not kept: what the streams hold is served,
            // so a client's next read never goes back from what this one said.
            return readModel.view(projectId).or(() -> fetched);
        } catch (ProgressSource.Unavailable e) {
            LOG.warnf("cannot fetch project %s from progress-service: %s", projectId, e.getMessage());
            throw new NotCaughtUp("project " + projectId + " is not in this instance's memory and progress-service "
                    + "cannot be asked right now; retry shortly", RETRY_AFTER_SECONDS);
        }
    }

    /**
     * Fetches the project in the background when a source is configured (one fetch per project at a time), then
     * runs {@code then} with what progress-service said (on a worker thread). For streams, which must not block.
     * A newer view reaches the project's subscribers as a snapshot, unless events arrived since the project held
     * {@code heldWhenAsked} (the sequence a new subscriber started at): those subscribers get every event after
     * it from the topic instead, none skipped (see {@link ProjectReadModel#seed(InitializationView, long)}).
     */
    public void refresh(String projectId, long heldWhenAsked,
                        java.util.function.Consumer<Optional<InitializationView>> then) {
        if (!source.configured() || !fetching.add(projectId)) {
            return;
        }
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                Optional<InitializationView> truth = source.fetch(projectId);
                truth.ifPresent(view -> readModel.seed(view, heldWhenAsked));
                then.accept(truth);
            } catch (ProgressSource.Unavailable | IllegalArgumentException e) {
                LOG.warnf("cannot fetch project %s from progress-service: %s", projectId, e.getMessage());
            } finally {
                fetching.remove(projectId);
            }
        });
    }
}
