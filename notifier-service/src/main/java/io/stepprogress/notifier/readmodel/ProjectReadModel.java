package io.stepprogress.notifier.readmodel;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.event.trace.TracedWork;
import io.stepprogress.notifier.NotifierConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The notifier's read model: per project, the latest view (every event carries it) and a bounded recent
 * history (in one {@link HistoryLog} for all projects). It is memory only, rebuilt from the topic when the
 * service starts, and never touches a database: reads are map lookups.
 * <p>
 * Its memory is bounded by {@code notifier.memory.budget} (and {@code notifier.max-projects}): every stream's
 * bytes and the history log's capacity are accounted, and past the budget the least recently updated streams
 * give way until 90% of it is left (so a full pass is paid once per tenth of the budget, not per event), in this
 * order: unwatched ones whose run is finished or idle; then history (the log is halved, down to its minimum);
 * then unwatched running ones; last, the views of watched ones (their subscribers stay and get the next event as
 * a snapshot). The order is a linked list kept by update, so an update costs O(1), never a sort.
 */
@ApplicationScoped
@Startup // its meters exist from the start, so dashboards and rate() alerts see zeros, not gaps
public class ProjectReadModel {

    private static final Logger LOG = Logger.getLogger(ProjectReadModel.class);

    private final NotifierConfig config;
    private final Clock clock;
    private final long budget;
    private final long historyBytes;
    private final Duration idleAfter;
    private final Duration lateAfter;
    private final Map<String, ProjectStream> streams = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final HistoryLog history;
    /** Guards the update order (oldest..newest, through the streams' links); taken before a stream's lock. */
    private final ReentrantLock order = new ReentrantLock();
    private ProjectStream oldest;
    private ProjectStream newest;
    /**
     * The levels that start an eviction pass: the budget and cap, raised above the watched projects' minimum
     * while that alone exceeds them, so each event does not pay a pass that cannot succeed.
     */
    private volatile long bytesLimit;
    private volatile int projectsLimit;
    /** Overview subscribers, each with the projects it may see (its token's patterns). */
    private final Map<Subscriber, Predicate<String>> overviewSubscribers = new ConcurrentHashMap<>();
    private final Counter applied;
    private final Counter dropped;
    private final Counter gaps;
    private final Counter evictedIdle;
    private final Counter evictedActive;
    private final Counter droppedViews;
    private final Counter trimmedHistories;

    @Inject
    ProjectReadModel(NotifierConfig config, MeterRegistry registry) {
        this(config, registry, Clock.systemUTC());
    }

    ProjectReadModel(NotifierConfig config, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.budget = config.memory().budget().asLongValue();
        this.historyBytes = config.memory().historyBytes().asLongValue();
        this.idleAfter = config.memory().idleAfter();
        this.lateAfter = config.lateAfter();
        this.bytesLimit = budget;
        this.projectsLimit = config.maxProjects();
        this.history = historyLog(budget, bytes);
        this.applied = Counter.builder("notifier.events.applied").description("Events applied to the read model")
                .register(registry);
        this.dropped = Counter.builder("notifier.events.dropped")
                .description("Duplicate or stale events (sequence not newer), dropped").register(registry);
        this.gaps = Counter.builder("notifier.sequence.gaps")
                .description("Events that arrived after a missing sequence").register(registry);
        Gauge.builder("notifier.projects", streams, Map::size).description("Projects held in memory")
                .register(registry);
        Gauge.builder("notifier.memory.bytes", bytes, AtomicLong::get)
                .description("Bytes the read model accounts for (views, histories, per-project overhead)")
                .register(registry);
        Gauge.builder("notifier.memory.budget.bytes", () -> budget)
                .description("notifier.memory.budget").register(registry);
        String evictions = "notifier.projects.evicted";
        this.evictedIdle = Counter.builder(evictions).tag("state", "idle")
                .description("Projects forgotten over the memory budget, by what they were").register(registry);
        this.evictedActive = Counter.builder(evictions).tag("state", "active")
                .description("Projects forgotten over the memory budget, by what they were").register(registry);
        this.droppedViews = Counter.builder(evictions).tag("state", "watched")
                .description("Projects forgotten over the memory budget, by what they were").register(registry);
        this.trimmedHistories = Counter.builder("notifier.history.trimmed")
                .description("Times the history log was halved over the memory budget (its oldest events dropped)")
                .register(registry);
        Gauge.builder("notifier.history.bytes", history, HistoryLog::capacity)
                .description("The history log's capacity, part of notifier.memory.bytes").register(registry);
    }

    /**
     * The history log starts at a sixteenth of the budget (at most 1 MiB) and may grow to half of it while the
     * read model stays under 80% of the budget, so it never grows into the pass that would halve it again.
     */
    static HistoryLog historyLog(long budget, AtomicLong bytes) {
        int maximum = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(HistoryLog.HEADER, budget / 2));
        int minimum = (int) Math.min(maximum, Math.max(HistoryLog.HEADER, Math.min(1 << 20, budget / 16)));
        long growthLimit = budget - budget / 5;
        return new HistoryLog(minimum, maximum, bytes, added -> bytes.get() + added <= growthLimit);
    }

    /**
     * Applies a batch of events in one pass (duplicates and old sequences are dropped), then has each subscriber
     * it reached send what it got at once. An event older than {@code notifier.late-after} when applied shows
     * the notifier itself is behind: subscribers may merge it (see {@link Subscriber#deliver}).
     */
    public void apply(List<Published> events) {
        apply(events, i -> TracedWork.NONE);
    }

    /**
     * {@link #apply(List)}, each event's part of the pass inside {@code spanOf}'s span for its index (tracing,
     * docs/operations.md); the subscribers' flush at the end is outside every one of them.
     */
    public void apply(List<Published> events, IntFunction<TracedWork> spanOf) {
        Deliveries out = new Deliveries();
        Instant lateBefore = clock.instant().minus(lateAfter);
        try {
            for (int i = 0; i < events.size(); i++) {
                Published published = events.get(i);
                try (TracedWork span = spanOf.apply(i)) {
                    apply(published.event(), published.json(), published.event().occurredAt().isBefore(lateBefore),
                            out);
                }
            }
        } finally {
            out.flush();
        }
    }

    /** Applies one event: {@link #apply(List)} of one. */
    public void apply(StepProgressUpdated event, byte[] json) {
        apply(List.of(new Published(event, json)));
    }

    private void apply(StepProgressUpdated event, byte[] json, boolean late, Deliveries out) {
        ProjectStream stream;
        ProjectStream.Applied applied;
        do {
            stream = stream(event.projectId());
            applied = stream.accept(event, json, late, out);
        } while (applied.outcome() == ProjectStream.Outcome.EVICTED);
        if (applied.outcome() == ProjectStream.Outcome.DUPLICATE_OR_STALE) {
            dropped.increment();
            return;
        }
        touch(stream);
        enforceBudget();
        if (applied.outcome() == ProjectStream.Outcome.APPLIED_AFTER_GAP) {
            gaps.increment();
            LOG.warnf("project %s: sequence %d arrived after a gap", event.projectId(), event.sequence());
        }
        this.applied.increment();
        toOverview(event.initialization(), event.occurredAt(), applied.statusChange(), late, out);
    }

    /**
     * A current view from the source of truth (see {@link ProjectStream#seed}); dropped unless newer than what
     * is held, like an event. For the start-up load, which no event overtakes.
     */
    public void seed(InitializationView view) {
        seed(view, Long.MAX_VALUE);
    }

    /**
     * A view fetched on demand, asked while the project held {@code heldWhenAsked} ({@link #lastSequence}): kept
     * like {@link #seed(InitializationView)} unless events arrived meanwhile (see {@link ProjectStream#seed}).
     */
    public void seed(InitializationView view, long heldWhenAsked) {
        Deliveries out = new Deliveries();
        ProjectStream stream;
        ProjectStream.Outcome outcome;
        do {
            stream = stream(view.projectId());
            outcome = stream.seed(view, heldWhenAsked, out);
        } while (outcome == ProjectStream.Outcome.EVICTED);
        if (outcome == ProjectStream.Outcome.APPLIED) {
            touch(stream);
            enforceBudget();
            toOverview(view, null, true, false, out);
        }
        out.flush();
    }

    private void toOverview(InitializationView view, Instant occurredAt, boolean statusChange, boolean late,
                            Deliveries out) {
        if (!overviewSubscribers.isEmpty()) {
            StreamEvent event = null;
            for (Map.Entry<Subscriber, Predicate<String>> subscriber : overviewSubscribers.entrySet()) {
                if (subscriber.getValue().test(view.projectId())) {
                    if (event == null) {
                        event = StreamEvent.project(view, occurredAt, statusChange);
                    }
                    out.deliver(subscriber.getKey(), event, late);
                }
            }
        }
    }

    /**
     * The last sequence applied for the project (0 when none is held): the consumers' intake drops what is not
     * above it before the batch is applied.
     */
    public long lastSequence(String projectId) {
        ProjectStream stream = streams.get(projectId);
        return stream == null ? 0 : stream.lastSequence();
    }

    /** {@code notifier.events.dropped}, which the intake counts into too. */
    Counter droppedCounter() {
        return dropped;
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

    /** @return the sequence the subscriber starts at: what the project held when it was registered */
    public long subscribe(String projectId, Subscriber subscriber, OptionalLong lastEventId) {
        Deliveries out = new Deliveries();
        long held;
        // An evicted stream refuses the subscriber, which then takes the project's new one.
        while ((held = stream(projectId).subscribe(subscriber, lastEventId, out)) == ProjectStream.EVICTED_STREAM) {
            Thread.onSpinWait();
        }
        out.flush();
        enforceBudget();
        return held;
    }

    public void unsubscribe(String projectId, Subscriber subscriber) {
        ProjectStream stream = streams.get(projectId);
        if (stream != null) {
            stream.unsubscribe(subscriber);
        }
        // What only watched projects held over the budget may go now.
        bytesLimit = budget;
        projectsLimit = config.maxProjects();
    }

    /**
     * The overview stream: the view of every project {@code visible} lets through as it changes, after a
     * first list of recent ones.
     */
    public void subscribeOverview(Subscriber subscriber, Predicate<String> visible, int limit) {
        overviewSubscribers.put(subscriber, visible);
        subscriber.deliver(StreamEvent.projects(recent(Optional.empty(), visible, limit)), false);
        subscriber.flush();
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

    /** Bytes accounted for now (the {@code notifier.memory.bytes} gauge). */
    long bytesHeld() {
        return bytes.get();
    }

    int projectsHeld() {
        return streams.size();
    }

    /** Tests recount the bytes from these and {@link #historyLogBytes()}, to catch the running total drifting. */
    Stream<ProjectStream> streams() {
        return streams.values().stream();
    }

    /** The history log's capacity, which the total includes. */
    long historyLogBytes() {
        return history.capacity();
    }

    /** Whether {@code subscriber} is registered on the stream the read model feeds for the project. */
    boolean attached(String projectId, Subscriber subscriber) {
        ProjectStream stream = streams.get(projectId);
        return stream != null && stream.hasSubscriber(subscriber);
    }

    private ProjectStream stream(String projectId) {
        ProjectStream stream = streams.get(projectId);
        if (stream != null) {
            return stream;
        }
        ProjectStream created = new ProjectStream(projectId, config.historySize(), historyBytes, bytes, history);
        stream = streams.putIfAbsent(projectId, created);
        if (stream != null) {
            return stream;
        }
        bytes.addAndGet(ProjectStream.initialBytes());
        touch(created);
        return created;
    }

    /** Makes {@code stream} the most recently updated (and puts a new one in the order). */
    private void touch(ProjectStream stream) {
        order.lock();
        try {
            if (stream.evicted()) {
                return;
            }
            if (stream.linked) {
                if (stream == newest) {
                    return;
                }
                unlink(stream);
            }
            stream.older = newest;
            stream.newer = null;
            if (newest != null) {
                newest.newer = stream;
            } else {
                oldest = stream;
            }
            newest = stream;
            stream.linked = true;
        } finally {
            order.unlock();
        }
    }

    private void unlink(ProjectStream stream) {
        if (stream.older != null) {
            stream.older.newer = stream.newer;
        } else {
            oldest = stream.newer;
        }
        if (stream.newer != null) {
            stream.newer.older = stream.older;
        } else {
            newest = stream.older;
        }
        stream.older = null;
        stream.newer = null;
        stream.linked = false;
    }

    private boolean overBudget() {
        return bytes.get() > bytesLimit || streams.size() > projectsLimit;
    }

    /** Brings the read model back to 90% of its budget (and project cap) when it went past them. */
    private void enforceBudget() {
        if (!overBudget()) {
            return;
        }
        order.lock();
        try {
            if (!overBudget()) {
                return;
            }
            long bytesTarget = budget - budget / 10;
            int countTarget = config.maxProjects() - config.maxProjects() / 10;
            BooleanSupplier bytesDone = () -> bytes.get() <= bytesTarget;
            BooleanSupplier done = () -> bytesDone.getAsBoolean() && streams.size() <= countTarget;
            Instant idleBefore = clock.instant().minus(idleAfter);
            if (sweep(s -> s.evictIfIdle(idleBefore), evictedIdle, done)
                    || halveHistory(bytesDone) && streams.size() <= countTarget
                    || sweep(ProjectStream::evictIfUnwatched, evictedActive, done)
                    || sweep(ProjectStream::dropView, droppedViews, bytesDone) && streams.size() <= countTarget) {
                bytesLimit = budget;
                projectsLimit = config.maxProjects();
                return;
            }
            // Only watched projects are left, each at its minimum. Their connections are bounded elsewhere (per
            // token); the next pass waits until a tenth more has come, or someone leaves.
            bytesLimit = Math.max(budget, bytes.get() + budget / 10);
            projectsLimit = Math.max(config.maxProjects(), streams.size() + Math.max(1, config.maxProjects() / 10));
            if (bytes.get() > budget || streams.size() > config.maxProjects()) {
                LOG.warnf("read model over its memory budget with watched projects only: %d bytes, %d projects",
                        bytes.get(), streams.size());
            }
        } finally {
            order.unlock();
        }
    }

    /** Halves the history log until {@code done} or at its minimum; true when done. */
    private boolean halveHistory(BooleanSupplier done) {
        while (!done.getAsBoolean() && history.halve()) {
            trimmedHistories.increment();
        }
        return done.getAsBoolean();
    }

    /** Applies {@code action} from the least recently updated stream on, until {@code done}; true when done. */
    private boolean sweep(Predicate<ProjectStream> action, Counter counter, BooleanSupplier done) {
        ProjectStream stream = oldest;
        while (stream != null && !done.getAsBoolean()) {
            ProjectStream next = stream.newer;
            if (action.test(stream)) {
                counter.increment();
                if (stream.evicted()) {
                    unlink(stream);
                    streams.remove(stream.projectId(), stream);
                }
            }
            stream = next;
        }
        return done.getAsBoolean();
    }

    /** An event as read from the topic: parsed, and its JSON as published (what subscribers are sent). */
    public record Published(StepProgressUpdated event, byte[] json) {
    }
}
