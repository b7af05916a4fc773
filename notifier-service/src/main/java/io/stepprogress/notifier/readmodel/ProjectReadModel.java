package io.stepprogress.notifier.readmodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.notifier.NotifierConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * The notifier's read model: per project, the latest view (every event carries it) and a bounded recent
 * history. It is memory only, rebuilt from the topic when the service starts, and never touches a
 * database: reads are map lookups.
 */
@ApplicationScoped
@Startup // its meters exist from the start, so dashboards and rate() alerts see zeros, not gaps
public class ProjectReadModel {

    private static final Logger LOG = Logger.getLogger(ProjectReadModel.class);
    private static final ObjectMapper MAPPER = EventJson.configure(new ObjectMapper());

    private final NotifierConfig config;
    private final Map<String, ProjectStream> streams = new ConcurrentHashMap<>();
    /** Overview subscribers, each with the projects it may see (its token's patterns). */
    private final Map<Subscriber, Predicate<String>> overviewSubscribers = new ConcurrentHashMap<>();
    private final Counter applied;
    private final Counter dropped;
    private final Counter gaps;

    ProjectReadModel(NotifierConfig config, MeterRegistry registry) {
        this.config = config;
        this.applied = Counter.builder("notifier.events.applied").description("Events applied to the read model")
                .register(registry);
        this.dropped = Counter.builder("notifier.events.dropped")
                .description("Duplicate or stale events (sequence not newer), dropped").register(registry);
        this.gaps = Counter.builder("notifier.sequence.gaps")
                .description("Events that arrived after a missing sequence").register(registry);
        Gauge.builder("notifier.projects", streams, Map::size).description("Projects held in memory")
                .register(registry);
    }

    /** Applies an event (duplicates and old sequences are dropped) and pushes it to subscribers. */
    public void apply(StepProgressUpdated event, String json) {
        ProjectStream stream = stream(event.projectId());
        ProjectStream.Outcome outcome = stream.accept(event, json, ProjectReadModel::snapshot);
        if (outcome == ProjectStream.Outcome.DUPLICATE_OR_STALE) {
            dropped.increment();
            return;
        }
        if (outcome == ProjectStream.Outcome.APPLIED_AFTER_GAP) {
            gaps.increment();
            LOG.warnf("project %s: sequence %d arrived after a gap", event.projectId(), event.sequence());
        }
        applied.increment();
        toOverview(event.initialization(), event.occurredAt());
    }

    /**
     * A current view from the source of truth (see {@link ProjectStream#seed}); dropped unless newer than what
     * is held, like an event.
     */
    public void seed(InitializationView view) {
        if (stream(view.projectId()).seed(view, ProjectReadModel::snapshot)) {
            toOverview(view, null);
        }
    }

    private void toOverview(InitializationView view, Instant occurredAt) {
        if (!overviewSubscribers.isEmpty()) {
            List<Frame> frame = List.of(Frame.of("project", 0, EventJson.write(view), occurredAt));
            overviewSubscribers.forEach((subscriber, visible) -> {
                if (visible.test(view.projectId())) {
                    subscriber.deliver(frame);
                }
            });
        }
    }

    public Optional<InitializationView> view(String projectId) {
        ProjectStream stream = streams.get(projectId);
        return stream == null ? Optional.empty() : Optional.ofNullable(stream.view());
    }

    /** Most recently updated first, among the projects {@code visible} lets through. */
    public List<InitializationView> recent(Optional<InitializationStatus> status, Predicate<String> visible,
                                           int limit) {
        return streams.values().stream().map(ProjectStream::view)
                .filter(v -> v != null && status.map(s -> v.status() == s).orElse(true)
                        && visible.test(v.projectId()))
                .sorted(Comparator.comparing(InitializationView::updatedAt, Comparator.nullsLast(
                        Comparator.<Instant>reverseOrder())))
                .limit(limit).toList();
    }

    public void subscribe(String projectId, Subscriber subscriber, OptionalLong lastEventId) {
        stream(projectId).subscribe(subscriber, lastEventId, ProjectReadModel::snapshot);
    }

    public void unsubscribe(String projectId, Subscriber subscriber) {
        ProjectStream stream = streams.get(projectId);
        if (stream != null) {
            stream.unsubscribe(subscriber);
        }
    }

    /**
     * The overview stream: the view of every project {@code visible} lets through as it changes, after a
     * first list of recent ones.
     */
    public void subscribeOverview(Subscriber subscriber, Predicate<String> visible, int limit) {
        overviewSubscribers.put(subscriber, visible);
        subscriber.deliver(List.of(Frame.of("projects", 0,
                EventJson.write(recent(Optional.empty(), visible, limit)), null)));
    }

    public void unsubscribeOverview(Subscriber subscriber) {
        overviewSubscribers.remove(subscriber);
    }

    /** Live subscribers of one project's stream (tests check that a refused request registered none). */
    public int subscriberCount(String projectId) {
        ProjectStream stream = streams.get(projectId);
        return stream == null ? 0 : stream.subscriberCount();
    }

    public int overviewSubscriberCount() {
        return overviewSubscribers.size();
    }

    private ProjectStream stream(String projectId) {
        ProjectStream stream = streams.get(projectId);
        if (stream != null) {
            return stream;
        }
        if (streams.size() >= config.maxProjects()) {
            evictIdle();
        }
        return streams.computeIfAbsent(projectId, id -> new ProjectStream(id, config.historySize()));
    }

    /** Forgets the least recently updated projects that are finished (or never started) and unwatched. */
    private synchronized void evictIdle() {
        int excess = streams.size() - config.maxProjects() + Math.max(1, config.maxProjects() / 10);
        streams.values().stream().filter(ProjectStream::idle)
                .sorted(Comparator.comparing((ProjectStream s) -> s.view() == null ? Instant.MIN : s.view().updatedAt()))
                .limit(Math.max(excess, 0))
                .forEach(s -> streams.remove(s.projectId(), s));
    }

    static Frame snapshot(ProjectStream.SnapshotRequest request) {
        String data;
        if (request.resumed() == null) {
            data = EventJson.write(request.view());
        } else {
            ObjectNode node = MAPPER.valueToTree(request.view());
            node.put("resumed", request.resumed());
            try {
                data = MAPPER.writeValueAsString(node);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return Frame.of("snapshot", request.view().sequence(), data, null, request.view());
    }
}
