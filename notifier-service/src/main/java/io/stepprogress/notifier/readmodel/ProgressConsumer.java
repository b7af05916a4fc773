package io.stepprogress.notifier.readmodel;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.ProgressTopics;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.event.trace.EventTracing;
import io.stepprogress.event.trace.TracedWork;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Feeds the read model from {@link ProgressTopics#PROJECT_PROGRESS}. Each notifier instance consumes in a
 * group of its own, so every instance sees every event; nothing is committed. Where it starts reading is
 * {@link CatchUp}'s choice: the end offsets after loading from progress-service, or the beginning.
 */
@ApplicationScoped
public class ProgressConsumer {

    /** The channel name is the topic name: code, configuration and tests share this constant. */
    public static final String CHANNEL = ProgressTopics.PROJECT_PROGRESS;

    private static final Logger LOG = Logger.getLogger(ProgressConsumer.class);

    private final ProjectReadModel readModel;
    private final CatchUp catchUp;
    private final Counter poison;
    private final EventTracing tracing;

    ProgressConsumer(ProjectReadModel readModel, CatchUp catchUp, MeterRegistry registry, OpenTelemetry openTelemetry) {
        this.tracing = new EventTracing(openTelemetry, ProgressConsumer.class.getName());
        this.readModel = readModel;
        this.catchUp = catchUp;
        this.poison = Counter.builder("notifier.events.unreadable")
                .description("Records that are not a StepProgressUpdated, skipped").register(registry);
    }

    @Incoming(CHANNEL)
    public void consume(ConsumerRecord<String, byte[]> record) {
        // The event's trace (docs/operations.md, "Tracing"): the apply is one span, current while subscribers are
        // handed the event, so each SSE write continues it.
        try (TracedWork span = tracing.continueFrom(record, "notifier apply")) {
            StepProgressUpdated event = EventJson.read(record.value());
            readModel.apply(event, new String(record.value(), StandardCharsets.UTF_8));
        } catch (EventJson.InvalidEventException e) {
            poison.increment();
            LOG.warnf("skipping unreadable record %s-%d@%d: %s", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
        } finally {
            catchUp.consumed(record.partition(), record.offset());
        }
    }
}
