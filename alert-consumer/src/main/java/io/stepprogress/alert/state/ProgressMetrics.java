package io.stepprogress.alert.state;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.stepprogress.alert.AlertConfig;
import io.stepprogress.event.InitializationStatus;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The Prometheus metrics of initializations (names as Prometheus shows them):
 * {@code progress_initializations_active}, {@code progress_initializations_stalled},
 * {@code progress_initializations_finished_total{outcome}}, {@code progress_step_failures_total{step}},
 * {@code progress_initialization_duration_seconds{outcome}}, {@code progress_step_duration_seconds{step}},
 * {@code progress_event_lag_seconds}; and this consumer's own {@code alert_events_*_total}.
 * <p>
 * Label values are bounded: {@code outcome} has three values, {@code step} goes through {@link StepLabels}.
 * Histograms have fixed buckets (no percentile histogram): a {@code step} label multiplies every bucket.
 */
@Singleton
public class ProgressMetrics implements AlertState.Recorder {

    private static final Duration[] INITIALIZATION_BUCKETS = durations("10s", "30s", "1m", "2m", "5m", "10m", "15m",
            "30m", "1h", "2h", "6h", "12h", "24h");
    private static final Duration[] STEP_BUCKETS = durations("1s", "5s", "10s", "30s", "1m", "2m", "5m", "10m", "30m",
            "1h", "2h", "6h");
    private static final Duration[] LAG_BUCKETS = durations("5ms", "10ms", "25ms", "50ms", "100ms", "250ms", "500ms",
            "1s", "2.5s", "5s", "10s", "30s", "1m", "5m");

    private final MeterRegistry registry;
    private final StepLabels stepLabels;
    private final Map<InitializationStatus, Counter> finished = new EnumMap<>(InitializationStatus.class);
    private final Map<InitializationStatus, Timer> durations = new EnumMap<>(InitializationStatus.class);
    private final Timer lag;
    private final Counter applied;
    private final Counter dropped;
    private final Counter unreadable;

    ProgressMetrics(MeterRegistry registry, AlertConfig config) {
        this.registry = registry;
        this.stepLabels = new StepLabels(config.maxStepLabels());
        // Registered up front, so that rate() sees a zero before the first increment.
        for (InitializationStatus outcome : InitializationStatus.values()) {
            if (outcome.finished()) {
                finished.put(outcome, Counter.builder("progress.initializations.finished")
                        .description("Initializations finished, by outcome").tag("outcome", outcome.wireName())
                        .register(registry));
                durations.put(outcome, Timer.builder("progress.initialization.duration")
                        .description("From an initialization's startedAt to its finishedAt, by outcome")
                        .tag("outcome", outcome.wireName()).serviceLevelObjectives(INITIALIZATION_BUCKETS)
                        .register(registry));
            }
        }
        lag = Timer.builder("progress.event.lag").description("From an event's occurredAt to its consumption here")
                .serviceLevelObjectives(LAG_BUCKETS).register(registry);
        applied = Counter.builder("alert.events.applied").description("Events applied to the in-memory state")
                .register(registry);
        dropped = Counter.builder("alert.events.dropped")
                .description("Duplicate or stale events (sequence not newer), dropped").register(registry);
        unreadable = Counter.builder("alert.events.unreadable")
                .description("Records that are not a StepProgressUpdated, skipped").register(registry);
    }

    /** The gauges read the state at scrape time. */
    void bind(AlertState state) {
        Gauge.builder("progress.initializations.active", state, AlertState::active)
                .description("Initializations pending or running").strongReference(true).register(registry);
        Gauge.builder("progress.initializations.stalled", state, AlertState::stalled)
                .description("Running initializations with no event for longer than alert.stall-after")
                .strongReference(true).register(registry);
    }

    @Override
    public void lag(Duration value) {
        lag.record(value);
    }

    @Override
    public void finished(InitializationStatus outcome, Duration duration) {
        Counter counter = finished.get(outcome);
        if (counter == null) {
            return; // not a finished status: nothing to count
        }
        counter.increment();
        if (duration != null) {
            durations.get(outcome).record(duration);
        }
    }

    @Override
    public void stepFailed(String step) {
        Counter.builder("progress.step.failures").description("Steps that failed, by step name")
                .tag("step", stepLabels.of(step)).register(registry).increment();
    }

    @Override
    public void stepCompleted(String step, Duration duration) {
        Timer.builder("progress.step.duration").description("From a step's startedAt to its completion, by step name")
                .tag("step", stepLabels.of(step)).serviceLevelObjectives(STEP_BUCKETS).register(registry)
                .record(duration);
    }

    @Override
    public void applied() {
        applied.increment();
    }

    @Override
    public void dropped() {
        dropped.increment();
    }

    public void unreadable() {
        unreadable.increment();
    }

    private static Duration[] durations(String... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = parse(values[i]);
        }
        return out;
    }

    private static Duration parse(String value) {
        if (value.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        double amount = Double.parseDouble(value.substring(0, value.length() - 1));
        long unitMillis = switch (value.charAt(value.length() - 1)) {
            case 's' -> 1_000L;
            case 'm' -> 60_000L;
            case 'h' -> 3_600_000L;
            default -> throw new IllegalArgumentException(value);
        };
        return Duration.ofMillis(Math.round(amount * unitMillis));
    }
}
