package io.stepprogress.alert.consumer;

import io.opentelemetry.api.OpenTelemetry;
import io.stepprogress.alert.state.AlertState;
import io.stepprogress.alert.state.ProgressMetrics;
import io.stepprogress.event.ProgressTopics;
import io.stepprogress.event.consume.Deduplication;
import io.stepprogress.event.consume.EventIntake;
import io.stepprogress.event.consume.IntakeBatch;
import io.stepprogress.event.consume.IntakeListener;
import io.stepprogress.event.trace.EventTracing;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Feeds the state from {@link ProgressTopics#PROJECT_PROGRESS} in the consumer group {@code alert-consumer}:
 * instances share the partitions, offsets are committed once a batch is applied. {@link StateRebuild} has
 * re-read each partition's history by the time its first live batch arrives here. Records are taken in
 * through the shared {@link EventIntake}: unreadable ones are counted and skipped, duplicates and stale events
 * dropped against what the state applied.
 */
@ApplicationScoped
public class ProgressConsumer {

    /** The channel name is the topic name: code, configuration and tests share this constant. */
    public static final String CHANNEL = ProgressTopics.PROJECT_PROGRESS;

    private static final Logger LOG = Logger.getLogger(ProgressConsumer.class);

    private final AlertState state;
    private final StateRebuild rebuild;
    private final ProgressMetrics metrics;
    private final EventIntake<ConsumerRecord<String, byte[]>> intake;
    private final EventTracing tracing;

    ProgressConsumer(AlertState state, StateRebuild rebuild, ProgressMetrics metrics, OpenTelemetry openTelemetry) {
        this.tracing = new EventTracing(openTelemetry, ProgressConsumer.class.getName());
        this.state = state;
        this.rebuild = rebuild;
        this.metrics = metrics;
        IntakeListener listener = IntakeListener.of((position, reason) -> {
            metrics.unreadable();
            LOG.warnf("skipping unreadable record %s: %s", position, reason);
        }, metrics::dropped);
        this.intake = EventIntake.kafka(Deduplication.afterApplied(state::lastSequence), listener);
    }

    /** A batch, as one poll returned it, applied in one pass. */
    @Incoming(CHANNEL)
    public void consume(ConsumerRecords<String, byte[]> poll) {
        List<ConsumerRecord<String, byte[]>> owned = new ArrayList<>(poll.count());
        for (ConsumerRecord<String, byte[]> record : poll) {
            // Records fetched before their partition was revoked are the new owner's to apply.
            if (rebuild.owns(record.partition())) {
                owned.add(record);
            }
        }
        if (owned.isEmpty()) {
            return;
        }
        List<IntakeBatch.Accepted<ConsumerRecord<String, byte[]>>> events = intake.take(owned).events();
        state.applyAll(events, true, (accepted, e) -> {
            // JSON of the right shape with a hole the contract does not check: poison too.
            metrics.unreadable();
            LOG.errorf(e, "skipping record %s that cannot be applied", accepted.position());
        }, i -> tracing.continueFrom(events.get(i).record(), "alert update")); // the event's trace (docs/operations.md)
    }
}
