package io.stepprogress.notifier.readmodel;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.NonBlocking;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.ProgressTopics;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Feeds the read model from {@link ProgressTopics#PROJECT_PROGRESS}, a poll's records at a time, applied in one
 * pass on the connector's event loop (everything it does is in memory: no worker thread, no blocking). Each
 * notifier instance consumes in a group of its own, so every instance sees every event; nothing is committed.
 * Where it starts reading is {@link CatchUpOnAssignment}'s choice: the end offsets after loading from
 * progress-service, or the beginning.
 */
@ApplicationScoped
public class ProgressConsumer {

    /** The channel name is the topic name: code, configuration and tests share this constant. */
    public static final String CHANNEL = ProgressTopics.PROJECT_PROGRESS;

    private static final Logger LOG = Logger.getLogger(ProgressConsumer.class);

    private final ProjectReadModel readModel;
    private final CatchUpOnAssignment catchUp;
    private final Counter poison;

    ProgressConsumer(ProjectReadModel readModel, CatchUpOnAssignment catchUp, MeterRegistry registry) {
        this.readModel = readModel;
        this.catchUp = catchUp;
        this.poison = Counter.builder("notifier.events.unreadable")
                .description("Records that are not a StepProgressUpdated, skipped").register(registry);
    }

    @Incoming(CHANNEL)
    @NonBlocking
    public void consume(ConsumerRecords<String, byte[]> records) {
        List<ProjectReadModel.Published> events = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                // The bytes as published are what subscribers are sent: parsed once, never re-encoded.
                events.add(new ProjectReadModel.Published(EventJson.read(record.value()), record.value()));
            } catch (EventJson.InvalidEventException e) {
                poison.increment();
                LOG.warnf("skipping unreadable record %s-%d@%d: %s", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
            }
        }
        try {
            readModel.apply(events);
        } finally {
            // Readiness counts a record once it is applied, so a batch counts once it all is.
            for (ConsumerRecord<String, byte[]> record : records) {
                catchUp.consumed(record.partition(), record.offset());
            }
        }
    }
}
