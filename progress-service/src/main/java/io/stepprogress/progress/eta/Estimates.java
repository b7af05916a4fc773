package io.stepprogress.progress.eta;

import io.stepprogress.event.ChangeKind;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepStatus;
import io.stepprogress.event.StepView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Puts the estimate into every view and learns from every completed run. The statistics are read from
 * PostgreSQL once per step name and cache period, not per update: a progress update normally costs no statement
 * here, and the runs one write transaction completes cost one between them ({@link StepDurationHistory#learn}).
 */
@ApplicationScoped
public class Estimates {

    /** Step names are the workers' choice: past this many cached, the cache starts over rather than grow. */
    static final int MAX_CACHED_STEPS = 10_000;

    private final StepDurationHistory history;
    private final EtaConfig config;
    private final TransactionSynchronizationRegistry transactions;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    Estimates(StepDurationHistory history, EtaConfig config, TransactionSynchronizationRegistry transactions) {
        this.history = history;
        this.config = config;
        this.transactions = transactions;
    }

    private record Cached(StepDurations durations, long readAtNanos) {
    }

    /** The view with its estimate: null when the run is finished or a step still to do has no history. */
    public InitializationView attach(InitializationView view) {
        if (view.status().finished()) {
            return view.eta() == null ? view : view.withEta(null);
        }
        List<String> left = view.steps().stream().filter(s -> s.status() != StepStatus.COMPLETED)
                .map(StepView::name).toList();
        Map<String, StepDurations> known = durations(left);
        return view.withEta(RemainingWork.estimate(view.steps(), known::get, config.decay()));
    }

    /** Whether {@code change} completed the run {@code view} shows: what {@link #learnFrom} learns from. */
    public static boolean completesRun(ChangeKind change, InitializationView view) {
        return change == ChangeKind.COMPLETED && view.status() == InitializationStatus.COMPLETED;
    }

    /**
     * Learns the step durations of the runs completed in the caller's transaction (views {@link #completesRun}
     * accepted, in the order they completed), all in one statement; this instance's cache takes them once it commits.
     */
    public void learnFrom(List<InitializationView> completedRuns) {
        List<Map<String, Double>> spans = completedRuns.stream().map(StepSpans::of).filter(s -> !s.isEmpty())
                .toList();
        if (spans.isEmpty()) {
            return;
        }
        List<StepDurations> learned = history.learn(spans, config.window());
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    long now = System.nanoTime();
                    learned.forEach(d -> cache(d, now));
                }
            }
        });
    }

    private Map<String, StepDurations> durations(List<String> steps) {
        long now = System.nanoTime();
        long ttl = config.cacheTtl().toNanos();
        Map<String, StepDurations> known = new HashMap<>();
        List<String> stale = steps.stream().filter(step -> {
            Cached cached = cache.get(step);
            if (cached != null && now - cached.readAtNanos() < ttl) {
                known.put(step, cached.durations());
                return false;
            }
            return true;
        }).toList();
        if (!stale.isEmpty()) {
            stale.forEach(step -> known.put(step, StepDurations.none(step)));
            history.load(stale).forEach(d -> known.put(d.step(), d));
            stale.forEach(step -> cache(known.get(step), now));
        }
        return known;
    }

    private void cache(StepDurations durations, long now) {
        if (cache.size() >= MAX_CACHED_STEPS) {
            cache.clear();
        }
        cache.put(durations.step(), new Cached(durations, now));
    }
}
