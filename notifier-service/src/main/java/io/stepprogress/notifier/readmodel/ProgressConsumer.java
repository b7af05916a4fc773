package io.stepprogress.notifier.readmodel;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.smallrye.common.annotation.NonBlocking;
import io.stepprogress.event.ProgressTopics;
import io.stepprogress.event.StepProgressUpdated;
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
 * Feeds the read model from {@link ProgressTopics#PROJECT_PROGRESS}, a poll's records at a time, through the
 * consumers' one intake ({@link EventIntake}: read, validate, count unreadable, drop duplicates and stale events
 * by project sequence against what the read model holds), then applied in one pass on the connector's event loop
 * (everything it does is in memory: no worker thread, no blocking). Each notifier instance consumes in a group of
 * its own, so every instance sees every event; nothing is committed. Where it starts reading is
 * {@link CatchUpOnAssignment}'s choice: the end offsets after loading from progress-service, or the beginning.
 */
@ApplicationScoped
public class ProgressConsumer {

    /** The channel name is the topic name: code, configuration and tests share this constant. */
    public static final String CHANNEL = ProgressTopics.PROJECT_PROGRESS;

    private static final Logger LOG = Logger.getLogger(ProgressConsumer.class);

    private final ProjectReadModel readModel;
    private final CatchUpOnAssignment catchUp;
    private final EventIntake<ConsumerRecord<String, byte[]>> intake;
    private final EventTracing tracing;

    ProgressConsumer(ProjectReadModel readModel, CatchUpOnAssignment catchUp, MeterRegistry registry,
                     OpenTelemetry openTelemetry) {
        this.tracing = new EventTracing(openTelemetry, ProgressConsumer.class.getName());
        this.readModel = readModel;
        this.catchUp = catchUp;
        Counter unreadable = Counter.builder("notifier.events.unreadable")
                .description("Records that are not a StepProgressUpdated, skipped").register(registry);
        Counter dropped = readModel.droppedCounter();
        IntakeListener listener = IntakeListener.of((position, reason) -> {
            unreadable.increment();
            LOG.warnf("skipping unreadable record %s: %s", position, reason);
        }, dropped::increment);
        this.intake = EventIntake.kafka(Deduplication.afterApplied(readModel::lastSequence), listener);
    }

    @Incoming(CHANNEL)
    @NonBlocking
    public void consume(ConsumerRecords<String, byte[]> records) {
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(records.count());
        records.forEach(batch::add);
        try {
            IntakeBatch<ConsumerRecord<String, byte[]>> taken = intake.take(batch);
            List<ProjectReadModel.Published> events = new ArrayList<>(taken.events().size());
            for (IntakeBatch.Accepted<ConsumerRecord<String, byte[]>> accepted : taken.events()) {
                // The bytes as published are what subscribers are sent: parsed once, never re-encoded.
                events.add(new ProjectReadModel.Published(accepted.event(), accepted.record().value()));
            }
            // The event's trace (docs/operations.md, "Tracing"): applying each traced record is one span, current
            // while subscribers are handed its event, so the SSE write that carries it continues it.
            readModel.apply(events, i -> tracing.continueFrom(taken.events().get(i).record(), "notifier apply"));
        } finally {
            // Readiness counts a record once it is applied (or skipped), so a batch counts once it all is.
            for (ConsumerRecord<String, byte[]> record : batch) {
                catchUp.consumed(record.partition(), record.offset());
            }
        }
    }
}
